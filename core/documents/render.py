"""PDF in, PDF out: HTML rendered by WeasyPrint (tagged PDF/UA-1, the language set), and the
board book put together with pypdf (the agenda, then every attachment as PDF pages, each
page stamped with its number, an outline naming each item and attachment).

Knows nothing of meetings or tenants: it turns values into bytes. WeasyPrint never fetches
anything: the only URLs a document may name are ``data:`` URIs (an image attachment), so
text a user typed cannot make the server reach out (:func:`_no_fetch`).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

import pypdf
from pypdf.generic import NameObject, TextStringObject

#: The PDF variant of every generated document: tagged, for screen readers (PDF/UA-1).
PDF_VARIANT = "pdf/ua-1"
#: How long LibreOffice may take to turn one Office file into a PDF.
SOFFICE_TIMEOUT = int(os.environ.get("KOMMISSORIUM_SOFFICE_TIMEOUT", "120"))


class RenderError(Exception):
    """A document could not be made (a broken attachment, LibreOffice failing)."""


def _no_fetch():
    """WeasyPrint's URL fetcher: ``data:`` URIs only; nothing from disk or the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=["data"], allow_redirects=False)


def html_document(html: str):
    """The laid-out WeasyPrint document (pages with their anchors), not yet written."""
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=_no_fetch(), base_url="about:blank").render()


def write_pdf(document, *, title: str, lang: str = "da") -> bytes:
    """A laid-out document as tagged PDF bytes (PDF/UA-1, the language and title set)."""
    document.metadata.title = title
    document.metadata.lang = lang
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def html_to_pdf(html: str, *, title: str, lang: str = "da") -> bytes:
    return write_pdf(html_document(html), title=title, lang=lang)


def anchor_pages(document) -> dict[str, int]:
    """Each anchor (``id``) of a laid-out document → the 0-based page it is on."""
    out: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            out.setdefault(name, number)
    return out


def appendable(pdf: bytes) -> bool:
    """Whether a PDF can go into the book as it is: readable, not encrypted, with pages."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        return not reader.is_encrypted and len(reader.pages) > 0
    except Exception:  # noqa: BLE001 — pypdf raises many kinds for a broken file
        return False


def page_count(pdf: bytes) -> int:
    try:
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise RenderError(f"not a readable PDF: {exc}") from exc


# --------------------------------------------------------------------------- renditions


def soffice() -> str | None:
    """LibreOffice's command, where it is installed (Debian's ``libreoffice-*-nogui``)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_to_pdf(content: bytes, suffix: str) -> bytes:
    """An Office or OpenDocument file as PDF, by LibreOffice headless in a fresh profile
    (so concurrent conversions never share one), within :data:`SOFFICE_TIMEOUT`."""
    command = soffice()
    if command is None:
        raise RenderError("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="kommissorium-soffice-") as tmp:
        source = os.path.join(tmp, "bilag" + suffix)
        with open(source, "wb") as fh:
            fh.write(content)
        try:
            subprocess.run(
                [command, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", os.path.join(tmp, "out"), source],
                check=True, capture_output=True, timeout=SOFFICE_TIMEOUT,
                env={**os.environ, "HOME": tmp},
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"LibreOffice could not convert the file: {exc}") from exc
        target = os.path.join(tmp, "out", "bilag.pdf")
        if not os.path.exists(target):
            raise RenderError("LibreOffice wrote no PDF")
        with open(target, "rb") as fh:
            return fh.read()


# --------------------------------------------------------------------------- the book


@dataclass
class Part:
    """One attachment of the book as PDF pages, with the outline's name for it."""

    label: str
    pdf: bytes
    pages: int = 0

    def __post_init__(self):
        self.pages = self.pages or page_count(self.pdf)


@dataclass
class Book:
    pdf: bytes
    pages: int
    #: The outline as (title, page, level) — what the test and the table of contents read.
    outline: list[tuple[str, int, int]] = field(default_factory=list)


def _stamp(writer: pypdf.PdfWriter, first: int, total: int, stamps: bytes) -> None:
    """Put "Side n af N" at the foot of each page from ``first`` (attachments keep their
    own size: the stamp is placed at the bottom right of each)."""
    marks = pypdf.PdfReader(io.BytesIO(stamps))
    for index in range(first, total):
        page = writer.pages[index]
        mark = marks.pages[index - first]
        box = page.mediabox
        dx = float(box.right) - float(mark.mediabox.right)
        dy = float(box.bottom) - float(mark.mediabox.bottom)
        page.merge_transformed_page(mark, pypdf.Transformation().translate(dx, dy))


def assemble_book(front: bytes, front_outline: list[tuple[str, int, int]], parts: list[Part],
                  stamps: bytes, *, title: str, lang: str = "da") -> Book:
    """The agenda (``front``, already numbered as pages 1… of the whole) followed by each
    part, every part's page stamped from ``stamps`` (one page per attachment page, made by
    the caller in the document's style), with bookmarks: the agenda's items, then
    "Bilag" with one entry per attachment."""
    writer = pypdf.PdfWriter()
    writer.append(io.BytesIO(front), import_outline=False)
    first = len(writer.pages)
    outline = list(front_outline)
    starts = []
    for part in parts:
        starts.append(len(writer.pages))
        writer.append(io.BytesIO(part.pdf), import_outline=False)
    total = len(writer.pages)
    if parts:
        _stamp(writer, first, total, stamps)
    parents: list = []
    for text, page, level in outline:
        parent = parents[level - 1] if level and len(parents) >= level else None
        ref = writer.add_outline_item(title=text, page_number=page, parent=parent)
        del parents[level:]
        parents.append(ref)
    if parts:
        top = writer.add_outline_item(title="Bilag", page_number=starts[0])
        outline.append(("Bilag", starts[0], 0))
        for part, start in zip(parts, starts):
            writer.add_outline_item(title=part.label, page_number=start, parent=top)
            outline.append((part.label, start, 1))
    writer.add_metadata({"/Title": title})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.page_mode = "/UseOutlines"
    buf = io.BytesIO()
    writer.write(buf)
    return Book(pdf=buf.getvalue(), pages=total, outline=outline)
