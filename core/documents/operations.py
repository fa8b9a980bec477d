"""A meeting's documents as PDF, per reader: the agenda (dagsorden), the minutes (referat)
and the board book (samlet dagsorden: the agenda with every attachment appended), and an
Office attachment's PDF rendition.

* **Per audience.** ``public``: closed items keep their number, their public title (or
  «Lukket punkt») and their § 27 reason, nothing else: no texts, no attachments, no
  dissents (CORE-CLOSED-ITEMS). ``members``: everything, each closed item marked «Lukket
  punkt — fortroligt». Which audience a reader may have is the views' business.
* **Once per content.** What a document shows is gathered into plain values first; the
  document's key is the SHA-256 of those values, the templates' sources and the
  attachments' checksums. A stored document with that key is served as it is; a change to
  anything shown gives a new key and a new document (nothing is deleted). Approved
  minutes are the filed document: their key is the approved version itself, so they are
  rendered once and never again (a correction is a new version, with a new key).
* Operations flush, never commit (STYLE.md); a request commits at its edge, a job itself.

docs/documents.md, docs/decisions/0028-meeting-documents-as-pdf.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from core import clock, storage
from core.documents import render
from core.documents.models import GeneratedDocument
from core.extensions import db
from core.meetings import operations as meetings
from core.meetings.models import Attachment, Meeting, MeetingState

AUDIENCES = ("public", "members")
KINDS = ("agenda", "minutes", "book")
#: The templates a meeting document is made from; their sources are part of every key.
TEMPLATES = ("documents/meeting_pdf.html", "documents/attachment_pdf.html", "documents/stamps_pdf.html")

KIND_DA = {"B": "Beslutning", "D": "Drøftelse", "O": "Orientering"}
STATUS_DA = {"expected": "Indkaldt", "present": "Til stede", "apologies": "Afbud", "absent": "Fraværende"}
ACTING_DA = {"holder": "", "substitute": "suppleant", "delegate": "uddelegeret mandat"}
RESULT_DA = {"adopted": "Vedtaget", "rejected": "Forkastet", "not_quorate": "Ikke beslutningsdygtigt"}
TYPE_DA = {
    "application/pdf": "PDF",
    "image/png": "PNG-billede",
    "image/jpeg": "JPEG-billede",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument-tekst",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument-regneark",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument-præsentation",
    "text/plain": "Tekst",
    "text/csv": "CSV",
}
#: Types a browser shows as they are (served inline) and the book takes as they are.
IMAGE_TYPES = {"image/png", "image/jpeg"}
TEXT_TYPES = {"text/plain", "text/csv"}
#: Types that need a PDF rendition (LibreOffice) to be read in the browser or the book.
OFFICE_TYPES = {t for t in TYPE_DA if t.startswith("application/vnd.")}
CLOSED_MARK = "Lukket punkt — fortroligt"
CLOSED_TITLE = "Lukket punkt"
_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
           "oktober", "november", "december")
_template_digest: str | None = None


# --------------------------------------------------------------------------- values


def danish_time(when: datetime | None, tenant) -> str:
    """``tirsdag den 20. marts 2018 kl. 14.00`` in the tenant's time zone."""
    if when is None:
        return ""
    local = when.astimezone(clock.tenant_zone(tenant))
    return (f"{_WEEKDAYS[local.weekday()]} den {local.day}. {_MONTHS[local.month - 1]} {local.year} "
            f"kl. {local:%H.%M}")


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} kB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def type_text(content_type: str) -> str:
    return TYPE_DA.get(content_type, content_type)


def _closed_title(item) -> str:
    # An item may carry a title the public may see; without one it is «Lukket punkt».
    return (getattr(item, "public_title", "") or "").strip() or CLOSED_TITLE


def _attendance(meeting: Meeting) -> list[dict]:
    by_seat = {a.seat_id: a for a in meeting.attendances}
    rows = []
    day = meeting.starts_at.date()
    for seat in sorted(meeting.body.seats_on(day), key=lambda s: (s.position, s.id)):
        a = by_seat.get(seat.id)
        # who sat on the meeting's day, not who holds the seat today
        person = (a.person if a is not None and a.person is not None else seat.holder_on(day))
        rows.append({
            "seat": seat.title, "organisation": seat.organisation.name if seat.organisation else "",
            "person": person.name if person is not None else "",
            "status": a.status.value if a is not None else "expected",
            "acting_as": ACTING_DA[a.acting_as.value] if a is not None else "",
        })
    return rows


def _attachment_values(att: Attachment, position: int, number: int) -> dict:
    return {"id": att.id, "label": f"{position}.{number}", "filename": att.filename,
            "type": type_text(att.content_type), "size": size_text(att.size_bytes),
            "pages": att.page_count, "sha256": att.sha256}


def meeting_values(meeting: Meeting, audience: str, *, with_minutes: bool,
                   hidden: frozenset[int] = frozenset()) -> dict:
    """Everything a meeting document shows to ``audience``, as plain values; the members'
    edition for a member disqualified on closed items (``hidden``, CORE-DISQUALIFIED) shows
    those as the public edition does."""
    from core.tenants.models import Tenant

    tenant = db.session.get(Tenant, meeting.tenant_id)
    members = audience == "members"
    version = meetings.current_version(meeting) if with_minutes else None
    entries = {e.item_id: e for e in version.entries} if version is not None else {}
    # who took no part in an item for disqualification: named in every edition (CORE-DISQUALIFIED)
    lines = meetings.minutes_lines(meeting) if version is not None else {}
    items = []
    for item in meeting.items:
        closed = item.is_confidential
        hidden_item = closed and (not members or item.id in hidden)
        entry = entries.get(item.id)
        values = {
            "position": item.position, "kind": item.kind.value, "kind_text": KIND_DA[item.kind.value],
            "title": _closed_title(item) if hidden_item else item.title,
            "is_confidential": closed, "closed_mark": CLOSED_MARK if closed and not hidden_item else "",
            "reason": meetings.CONFIDENTIALITY_REASONS.get(item.confidentiality_reason,
                                                           item.confidentiality_reason) if closed else "",
            "standing_clause": item.standing_clause or "",
            "decision_theme": "" if hidden_item else item.decision_theme,
            "case_text": "" if hidden_item else item.case_text,
            "economy": "" if hidden_item else item.economy,
            "recommendation": "" if hidden_item else item.recommendation,
            "attachments": [] if hidden_item else [
                _attachment_values(a, item.position, n) for n, a in enumerate(item.attachments, start=1)],
        }
        if with_minutes:
            values["disqualified"] = [line["text"] for line in lines.get(item.id, [])]
            values["minutes"] = None if entry is None else {
                "decision": entry.public_decision if hidden_item else entry.decision,
                "result": RESULT_DA.get(entry.result or "", ""),
                "explanation": "" if hidden_item else entry.explanation,
                "dissents": [] if hidden_item else [
                    {"by": d.get("by", ""), "organisation": d.get("organisation", ""),
                     "text": d.get("text", ""), "clause": d.get("clause")}
                    for d in entry.dissents],
            }
        items.append(values)
    return {
        "audience": audience,
        "tenant": tenant.name if tenant is not None else "",
        "body": meeting.body.name,
        "meeting_id": meeting.id,
        "title": meeting.title,
        "extraordinary": meeting.kind.value == "extraordinary",
        "when": danish_time(meeting.starts_at, tenant),
        "location": meeting.location,
        "online_url": meeting.online_url if members else "",
        "state": meeting.state.value,
        "attendance": _attendance(meeting),
        "items": items,
        "minutes": None if version is None else {
            "number": version.number, "correction_reason": version.correction_reason,
            "approved": danish_time(version.approved_at, tenant),
            "approval_clause": (meeting.minutes_approval or {}).get("clause", ""),
        },
    }


# --------------------------------------------------------------------------- keys and store


def _templates_digest() -> str:
    """The templates' sources, hashed once per process: a restyled template makes new documents."""
    global _template_digest
    if _template_digest is None:
        env = current_app.jinja_env
        digest = hashlib.sha256()
        for name in TEMPLATES:
            digest.update(env.loader.get_source(env, name)[0].encode())
        _template_digest = digest.hexdigest()
    return _template_digest


def content_key(kind: str, audience: str, values) -> str:
    payload = json.dumps({"kind": kind, "audience": audience, "templates": _templates_digest(),
                          "values": values}, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def find(key: str) -> GeneratedDocument | None:
    """The stored document with ``key`` in the current tenant (its content not loaded)."""
    return db.session.scalar(sa.select(GeneratedDocument).where(GeneratedDocument.content_key == key))


def _store(key: str, pdf: bytes, pages: int, started: float, **fields) -> GeneratedDocument:
    doc = GeneratedDocument(content_key=key, sha256=storage.put(pdf), size_bytes=len(pdf), page_count=pages,
                            render_ms=int((time.perf_counter() - started) * 1000), **fields)
    try:
        with db.session.begin_nested():
            db.session.add(doc)
    except IntegrityError:  # made at the same moment by another request or job: take that
        found = find(key)
        if found is None:
            raise
        return found
    return doc


def content(doc: GeneratedDocument) -> bytes:
    """The document's PDF, from the one store (core/storage.py), checked against its SHA-256."""
    return storage.read(doc.sha256)


# --------------------------------------------------------------------------- who may have what


def may_have_minutes(meeting: Meeting, audience: str) -> bool:
    """Minutes exist for members from the first draft; for the public once sent."""
    if meetings.current_version(meeting) is None:
        return False
    if audience == "members":
        return True
    return meeting.state in (MeetingState.MINUTES_SENT, MeetingState.MINUTES_APPROVED)


def _approved_key(meeting: Meeting, audience: str, hidden: frozenset[int] = frozenset()) -> str | None:
    """Approved minutes are filed as they were first rendered: keyed by the version (and
    the closed items left out of a disqualified member's edition)."""
    version = meetings.current_version(meeting)
    if version is None or version.approved_at is None:
        return None
    without = "" if not hidden else ":without:" + ",".join(map(str, sorted(hidden)))
    seed = f"minutes-approved:{audience}:{meeting.id}:{version.id}:{version.number}{without}"
    return hashlib.sha256(seed.encode()).hexdigest()


# --------------------------------------------------------------------------- agenda and minutes


def _title(kind: str, values: dict) -> str:
    name = {"agenda": "Dagsorden", "minutes": "Referat", "book": "Samlet dagsorden"}[kind]
    return f"{name}: {values['body']}, {values['when']}"


def _html(kind: str, values: dict, **extra) -> str:
    return render_template("documents/meeting_pdf.html", kind=kind, doc=values, STATUS=STATUS_DA,
                           total=extra.pop("total", None), toc=extra.pop("toc", None), **extra)


def document_key(meeting: Meeting, kind: str, audience: str,
                 hidden: frozenset[int] = frozenset()) -> str:
    """The key of the meeting's ``kind`` document for ``audience`` as it is now (without
    the ``hidden`` closed items' material)."""
    if kind == "minutes":
        approved = _approved_key(meeting, audience, hidden)
        if approved is not None:
            return approved
    values = meeting_values(meeting, audience, with_minutes=kind == "minutes", hidden=hidden)
    if kind == "book":
        return content_key("book", audience, {"values": values,
                                              "parts": _parts_key(meeting, audience, hidden)})
    return content_key(kind, audience, values)


def meeting_document(meeting: Meeting, kind: str, audience: str, key: str | None = None,
                     hidden: frozenset[int] = frozenset()) -> GeneratedDocument:
    """The stored document for the meeting as it is now, rendered and stored if new;
    without the ``hidden`` closed items' material (a disqualified member's, CORE-DISQUALIFIED)."""
    key = key or document_key(meeting, kind, audience, hidden)
    found = find(key)
    if found is not None:
        return found
    if kind == "book":
        return _render_book(meeting, audience, key, hidden)
    started = time.perf_counter()
    values = meeting_values(meeting, audience, with_minutes=kind == "minutes", hidden=hidden)
    laid_out = render.html_document(_html(kind, values))
    pdf = render.write_pdf(laid_out, title=_title(kind, values))
    return _store(key, pdf, len(laid_out.pages), started, kind=kind, audience=audience,
                  meeting_id=meeting.id)


# --------------------------------------------------------------------------- attachments as pages


def visible_attachments(meeting: Meeting, audience: str,
                        hidden: frozenset[int] = frozenset()) -> list[tuple[int, int, Attachment]]:
    """(item position, number, attachment) in agenda order, as ``audience`` may see them
    (never a ``hidden`` closed item's)."""
    out = []
    for item in meeting.items:
        if item.is_confidential and (audience != "members" or item.id in hidden):
            continue
        for n, att in enumerate(item.attachments, start=1):
            out.append((item.position, n, att))
    return out


def rendition_key(att: Attachment) -> str:
    return hashlib.sha256(f"rendition:{att.sha256}:{att.content_type}".encode()).hexdigest()


def rendition(att: Attachment) -> GeneratedDocument | None:
    """The stored PDF rendition of an Office attachment, if made."""
    return find(rendition_key(att))


def make_rendition(att: Attachment) -> GeneratedDocument:
    """Make (or find) the PDF rendition of an Office attachment with LibreOffice; the
    attachment then knows its pages. Raises :class:`render.RenderError` where it cannot."""
    found = rendition(att)
    if found is not None:
        return found
    started = time.perf_counter()
    from core.files import ALLOWED_TYPES

    pdf = render.office_to_pdf(meetings.read_attachment(att), ALLOWED_TYPES.get(att.content_type, ".bin"))
    pages = render.page_count(pdf)
    att.page_count = pages
    return _store(rendition_key(att), pdf, pages, started, kind="rendition", audience="",
                  attachment_id=att.id)


def attachment_pages(att: Attachment) -> int | None:
    """An attachment's pages where known: stored, counted from a PDF, or its rendition's."""
    if att.page_count is not None:
        return att.page_count
    if att.content_type == "application/pdf":
        try:
            return render.page_count(meetings.read_attachment(att))
        except (render.RenderError, OSError, HTTPException):
            return None
    if att.content_type in IMAGE_TYPES:
        return 1
    found = rendition(att) if att.content_type in OFFICE_TYPES else None
    return found.page_count if found is not None else None


def _parts_key(meeting: Meeting, audience: str, hidden: frozenset[int] = frozenset()) -> list:
    """What the book's attachments add to its key: each file, and its rendition if made."""
    out = []
    for position, n, att in visible_attachments(meeting, audience, hidden):
        made = rendition(att) if att.content_type in OFFICE_TYPES else None
        out.append([position, n, att.id, att.filename, att.content_type, att.sha256,
                    made.sha256 if made is not None else None])
    return out


def _attachment_page_html(att: Attachment, label: str, note: str = "", data: bytes | None = None) -> str:
    values = {"label": label, "filename": att.filename, "type": type_text(att.content_type),
              "size": size_text(att.size_bytes), "note": note}
    if data is not None and att.content_type in IMAGE_TYPES:
        values["image"] = f"data:{att.content_type};base64,{base64.b64encode(data).decode()}"
    elif data is not None and att.content_type in TEXT_TYPES:
        values["text"] = data.decode("utf-8", "replace")
    return render_template("documents/attachment_pdf.html", a=values)


def attachment_as_pdf(att: Attachment, label: str, *, make_renditions: bool = True) -> bytes:
    """The pages an attachment adds to the book: a PDF as it is, an image or a text file on
    a page of its own, an Office file by its rendition (made now where LibreOffice is
    installed), else a page saying where to read it."""
    def page(note: str, data: bytes | None = None) -> bytes:
        return render.html_to_pdf(_attachment_page_html(att, label, note, data), title=att.filename)

    if att.content_type in OFFICE_TYPES:
        made = rendition(att)
        if made is None and make_renditions and render.soffice() is not None:
            try:
                made = make_rendition(att)
            except render.RenderError:
                made = None
        if made is not None:
            return content(made)
        return page("Bilaget kan ikke vises i den samlede dagsorden. Hent det fra mødesiden for at læse det.")
    try:
        data = meetings.read_attachment(att)
    except (OSError, HTTPException):  # missing from the store, or its checksum does not match
        return page("Bilaget kan ikke læses fra lageret. Kontakt sekretariatet.")
    if att.content_type == "application/pdf":
        if render.appendable(data):
            return data
        return page("Bilaget er en PDF, der ikke kan sættes ind (beskadiget eller krypteret). "
                    "Hent det fra mødesiden.")
    return page("", data)


# --------------------------------------------------------------------------- the board book


def _render_book(meeting: Meeting, audience: str, key: str,
                 hidden: frozenset[int] = frozenset()) -> GeneratedDocument:
    """The agenda with its table of contents, then every attachment it may show, each
    page numbered in the whole; bookmarks for the items and each attachment."""
    started = time.perf_counter()
    values = meeting_values(meeting, audience, with_minutes=False, hidden=hidden)
    parts = []
    for position, n, att in visible_attachments(meeting, audience, hidden):
        label = f"Bilag {position}.{n}: {att.filename} (punkt {position})"
        parts.append((position, n, att, render.Part(label=label, pdf=attachment_as_pdf(att, f"{position}.{n}"))))
    # The table of contents and the footers need the pages the front itself takes: lay it
    # out with every number 0, then with the numbers that gave; a third time only if those
    # moved anything (the numbers sit in cells of a fixed width, so they do not).
    def contents(anchors: dict, front: int) -> list[dict]:
        entries = [{"label": f"Punkt {item['position']}. {item['title']}",
                    "page": anchors.get(f"punkt-{item['position']}", -1) + 1, "level": 0}
                   for item in values["items"]]
        for *_x, part in parts:
            entries.append({"label": part.label, "page": front + 1 if front else 0, "level": 1})
            front += part.pages if front else 0
        return entries

    attachment_pages = sum(p.pages for *_x, p in parts)
    front_pages, toc = 0, contents({}, 0)
    for _round in range(4):
        doc = render.html_document(_html("book", values, toc=toc, total=front_pages + attachment_pages))
        entries = contents(render.anchor_pages(doc), len(doc.pages))
        if entries == toc and front_pages == len(doc.pages):
            break
        front_pages, toc = len(doc.pages), entries
    total = front_pages + attachment_pages
    front = render.write_pdf(doc, title=_title("book", values))
    front_outline = [("Dagsorden", 0, 0)] + [
        (e["label"], e["page"] - 1, 1) for e in toc if e["level"] == 0]
    labels = [part.label.split(":")[0] for *_x, part in parts for _page in range(part.pages)]
    stamps_html = render_template(
        "documents/stamps_pdf.html", doc=values, total=total,
        pages=[{"page": front_pages + n, "label": label} for n, label in enumerate(labels, start=1)],
    )
    stamps = render.html_document(stamps_html).write_pdf() if parts else b""
    book = render.assemble_book(front, front_outline, [p for *_x, p in parts], stamps,
                                title=_title("book", values))
    return _store(key, book.pdf, book.pages, started, kind="book", audience=audience,
                  meeting_id=meeting.id)


def book_outline(pdf: bytes) -> list[str]:
    """The titles of a PDF's bookmarks, depth first (what a reader's sidebar shows)."""
    import io

    import pypdf

    out: list[str] = []

    def walk(nodes):
        for node in nodes:
            if isinstance(node, list):
                walk(node)
            else:
                out.append(str(node.title))

    walk(pypdf.PdfReader(io.BytesIO(pdf)).outline)
    return out
