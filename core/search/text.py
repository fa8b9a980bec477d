"""Danish words for the index and the query, snippets, and the text of attached files.

PostgreSQL stems a document's words with its ``danish`` configuration; SQLite's FTS5 has no
Danish stemmer, so the index is given the same Snowball stems from ``snowballstemmer``
(Snowball's own Danish algorithm, which PostgreSQL ships too). The Danish Snowball stemmer
does not give every form of a word one stem ("budget" → ``budg``, "budgettet" →
``budget``), so a query word is stemmed until its stem no longer changes and searched as a
prefix of the stems in the index: "budgettet" and "budget" both search ``budg*`` and find
each other, and "referater" searches ``referat*`` (docs/decisions/0030).
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from functools import lru_cache
from xml.etree import ElementTree

import snowballstemmer

#: A word: letters and digits (æ, ø, å included), as PostgreSQL's parser splits them.
WORD = re.compile(r"\w+", re.UNICODE)
#: Snowball's (and PostgreSQL's ``danish.stop``) Danish stop words: never searched.
STOP_WORDS = frozenset("""
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om
vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv
her alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end
dette mit også under have dig anden hende mine alt meget sit sine vor mod disse hvis din
nogle hos blive mange ad bliver hendes været thi jer sådan
""".split())
#: The most words a query searches.
MAX_QUERY_WORDS = 12
#: The text read from one file at most (characters).
MAX_FILE_TEXT = 200_000

_stemmer = snowballstemmer.stemmer("danish")


def fold(text: str) -> str:
    """Lower case, NFC, single spaces: how titles are compared."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of one folded word (as PostgreSQL's ``danish`` gives it)."""
    return _stemmer.stemWord(word)


@lru_cache(maxsize=4096)
def root(word: str) -> str:
    """The word stemmed until its stem no longer changes: a prefix of every form's stem."""
    current = word
    for _ in range(4):
        nxt = stem(current)
        if nxt == current:
            break
        current = nxt
    return current


def terms(text: str) -> str:
    """The stems of ``text`` without stop words, space-separated (the FTS5 columns)."""
    return " ".join(stem(w) for w in words(text) if w not in STOP_WORDS)


def query_roots(query: str) -> list[str]:
    """The query's words as prefixes to search, in order, without stop words or repeats."""
    out: list[str] = []
    for w in words(query):
        if w in STOP_WORDS:
            continue
        r = root(w)
        if r and r not in out:
            out.append(r)
    return out[:MAX_QUERY_WORDS]


def _matches(word: str, roots: list[str]) -> bool:
    s = stem(word)
    return any(s.startswith(r) for r in roots)


def snippet(text: str, roots: list[str], width: int = 30) -> str:
    """Up to ``width`` words of ``text`` around the first match, HTML-escaped, each
    matching word in ``<mark>``. ``text`` is the row's own text: what its reader may read."""
    tokens = re.split(r"(\w+)", text)  # the words at the odd places, what lies between at the even
    places = list(range(1, len(tokens), 2))
    if not places:
        return ""
    hits = {i for i in places
            if tokens[i].casefold() not in STOP_WORDS and _matches(tokens[i].casefold(), roots)}
    first = next((k for k, i in enumerate(places) if i in hits), 0)
    start = max(0, first - width // 3)
    end = min(len(places), start + width)
    out = []
    for i in range(places[start], places[end - 1] + 1):
        part = tokens[i]
        if i % 2 == 0:
            out.append(html.escape(re.sub(r"\s+", " ", part)))
        elif i in hits:
            out.append(f"<mark>{html.escape(part)}</mark>")
        else:
            out.append(html.escape(part))
    body = "".join(out).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < len(places) else "")


# ------------------------------------------------------------------ the text of a file

#: The parts of an Office file that hold its text, by media type.
_OFFICE_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": re.compile(r"^xl/sharedStrings\.xml$"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": re.compile(r"^ppt/slides/slide\d+\.xml$"),
    "application/vnd.oasis.opendocument.text": re.compile(r"^content\.xml$"),
    "application/vnd.oasis.opendocument.spreadsheet": re.compile(r"^content\.xml$"),
    "application/vnd.oasis.opendocument.presentation": re.compile(r"^content\.xml$"),
}
#: Paragraph-like elements: a space between their texts.
_BLOCKS = {"p", "tr", "h", "si", "t", "br", "tab"}
#: An Office part read at most (a compressed file may claim any size).
_MAX_PART = 20 * 1024 * 1024


def _xml_text(data: bytes) -> str:
    parts: list[str] = []
    for element in ElementTree.fromstring(data).iter():
        local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if element.text and local in ("t", "p", "span", "h", "s", "a"):
            parts.append(element.text)
        if element.tail and local not in _BLOCKS:
            parts.append(element.tail)
        if local in _BLOCKS:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _office_text(data: bytes, pattern: re.Pattern) -> str:
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in sorted(z.infolist(), key=lambda i: _natural(i.filename)):
            if pattern.match(info.filename) and info.file_size <= _MAX_PART:
                out.append(_xml_text(z.read(info)))
    return "\n".join(out)


def _natural(name: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def pdf_text(data: bytes) -> str:
    """The text of a PDF's pages (pypdf); empty for a scan, a broken or encrypted file."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return ""
    out, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        out.append(text)
        size += len(text)
        if size > MAX_FILE_TEXT:
            break
    return "\n".join(out)


def file_text(data: bytes, content_type: str) -> str:
    """The text of an attached file: a PDF's, a Word (or other Office) file's, plain text;
    an image has none. A file that cannot be read gives no text, never an error: the rest
    of the index must still be written."""
    try:
        if content_type == "application/pdf":
            text = pdf_text(data)
        elif content_type in _OFFICE_PARTS:
            text = _office_text(data, _OFFICE_PARTS[content_type])
        elif content_type.startswith("text/"):
            text = data.decode("utf-8", errors="replace")
        else:
            return ""
    except Exception:  # noqa: BLE001 — a damaged upload is the file's problem, not the index's
        return ""
    return " ".join(text.replace("\x00", " ").split())[:MAX_FILE_TEXT]
