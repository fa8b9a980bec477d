"""One policy for uploaded files (a meeting item's bilag, a proposal's attachment).

A file's type is what its content is, not what its name or the browser says: the bytes are
sniffed (``filetype``), plain text is text only when it is valid UTF-8 without control
bytes and named ``.txt`` or ``.csv``, and anything else (a program, an HTML page) is refused
whatever it is called. A file name is cleaned before it is stored or sent back: no folders,
no control or direction-changing characters, no characters that other systems forbid, and
at most 255 characters with its extension kept.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import filetype
from flask import current_app
from flask_smorest import abort

#: Media types a file may have, detected from its content, and the extension each has.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "text/plain": ".txt",
    "text/csv": ".csv",
}
#: Plain-text types: recognised by name, once the content has proven to be text.
_TEXT_BY_SUFFIX = {".txt": "text/plain", ".csv": "text/csv"}
#: The size limit of one file when ``MAX_ATTACHMENT_BYTES`` is not set.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Characters Windows and macOS forbid in a file name.
_FORBIDDEN = set('/\\:*?"<>|')
MAX_NAME = 255
REFUSED_TYPE = ("Filtypen accepteres ikke (PDF, Word, Excel, PowerPoint, OpenDocument, PNG, "
                "JPEG, tekst eller CSV).")


@dataclass(frozen=True)
class Upload:
    """A file that passed the policy."""

    filename: str
    content_type: str
    content: bytes
    sha256: str

    @property
    def size_bytes(self) -> int:
        return len(self.content)


def _refuse_file(message: str, code: int = 422) -> None:
    if code == 413:
        abort(413, message=message)
    abort(422, message="The input is invalid; see errors for each field.",
          errors={"files": {"file": [message]}})


def clean_filename(name: str | None, content_type: str | None = None) -> str:
    """``name`` as it may be stored and shown: its last path part (``\\`` counts as a
    folder separator too), without control, format (right-to-left override, zero-width)
    or forbidden characters, at most 255 characters with the extension kept; ``bilag``
    (with the type's extension) when nothing is left."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in _FORBIDDEN)
    name = " ".join(name.split()).strip(" .")
    stem, ext = os.path.splitext(name)
    if len(ext) > 16:  # not an extension, just a long name with a dot in it
        stem, ext = name, ""
    if not stem:
        stem, ext = "bilag", ext or ALLOWED_TYPES.get(content_type or "", "")
    return stem[: MAX_NAME - len(ext)].rstrip(" .") + ext


def _text_type(content: bytes, filename: str) -> str | None:
    suffix = os.path.splitext(filename.lower())[1]
    if suffix not in _TEXT_BY_SUFFIX:
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n\f" for c in text):
        return None
    return _TEXT_BY_SUFFIX[suffix]


def checked_upload(filename: str | None, stream, limit: int | None = None) -> Upload:
    """Read ``stream`` and apply the policy: 413 over the size limit, 422 (naming
    ``files.file``) for an empty file or a type not allowed."""
    if limit is None:
        limit = current_app.config.get("MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES)
    content = stream.read(limit + 1)
    if len(content) > limit:
        _refuse_file(f"Filen er større end {limit // (1024 * 1024) or 1} MB.", 413)
    if not content:
        _refuse_file("Filen er tom.")
    kind = filetype.guess(content)
    mime = kind.mime if kind is not None else _text_type(content, clean_filename(filename))
    if mime not in ALLOWED_TYPES:
        _refuse_file(REFUSED_TYPE)
    return Upload(filename=clean_filename(filename, mime), content_type=mime, content=content,
                  sha256=hashlib.sha256(content).hexdigest())


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A ``Content-Disposition`` for a download of ``filename`` (``inline`` for a file shown
    in the browser): an ASCII fallback and the name itself encoded (RFC 6266), so no name
    can break the header."""
    clean = clean_filename(filename)
    ascii_name = clean.encode("ascii", "ignore").decode().replace('"', "") or "bilag"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean)}"
