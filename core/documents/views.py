"""The meeting's documents and its attachments in the browser.

* ``/<tenant>/moeder/<id>/dagsorden.pdf``, ``…/referat.pdf``, ``…/samlet-dagsorden.pdf``,
  each ``?udgave=offentlig`` (the default) or ``?udgave=medlemmer``. The public edition is
  for anyone who may see the public agenda (a published meeting; before that, those who
  may see the meeting); the members' edition, with closed items' content, only for those
  who may read closed items (CORE-CLOSED-ITEMS). Another tenant's meeting is 404. Served
  with an ETag (the document's content key) and ``no-cache``: a reader's copy is checked,
  and a 304 costs no rendering.
* ``/<tenant>/bilag/<id>``: an attachment's page (name, type, size, pages) with a viewer;
  ``…/vis`` the file itself, inline, under a Content-Security-Policy of its own; ``…/pdf``
  an Office file's PDF rendition (made by a worker job with LibreOffice, where installed).

docs/documents.md, docs/decisions/0028-meeting-documents-as-pdf.md.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, render_template, request
from flask_smorest import abort

from core import files, storage, transactions
from core.documents import operations as documents
from core.documents import render
from core.extensions import db, talisman
from core.identity.permissions import Role, access, current_person, require, role_in_body
from core.meetings import cache, present
from core.meetings import operations as meetings
from core.meetings.models import Attachment, Meeting, MeetingState
from core.meetings.views import meeting_page_part
from core.web import N_, bp

#: The templates of the documents' pages (``templates/documents/``).
templates = Blueprint("documents_templates", __name__, template_folder="templates")

SEES = Role.INFORMATION_RECIPIENT
EDITIONS = {"offentlig": "public", "medlemmer": "members"}
FILE_NAMES = {"agenda": "dagsorden", "minutes": "referat", "book": "samlet-dagsorden"}
#: The meeting page's links to the documents, per kind and edition.
LINKS = {
    ("agenda", "offentlig"): N_("Dagsorden (PDF)"),
    ("book", "offentlig"): N_("Samlet dagsorden med bilag (PDF)"),
    ("minutes", "offentlig"): N_("Referat (PDF)"),
    ("agenda", "medlemmer"): N_("Dagsorden, medlemsudgave med lukkede punkter (PDF)"),
    ("book", "medlemmer"): N_("Samlet dagsorden med bilag, medlemsudgave (PDF)"),
    ("minutes", "medlemmer"): N_("Referat, medlemsudgave med lukkede punkter (PDF)"),
}

#: An attachment shown inline is a document, never a page of ours: no scripts, no
#: requests, no forms, framed only by our viewer. A PDF cannot be sandboxed: Chromium will
#: not start its PDF viewer in a sandboxed document (decision 0028), so it gets the rest.
INLINE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
SANDBOXED_CSP = INLINE_CSP + "; sandbox"


def _edition() -> str:
    value = request.args.get("udgave", "offentlig")
    if value not in EDITIONS:
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"query": {"udgave": ["Vælg offentlig eller medlemmer."]}})
    return EDITIONS[value]


def _published(meeting: Meeting) -> bool:
    return meeting.state in present.PUBLIC_AGENDA_STATES


def _reader_may(meeting: Meeting, kind: str, audience: str) -> bool:
    """Whether the reader may have this edition (answers 404/401/403 where not); ``True``
    when the document may also be kept by shared caches (anyone may read it)."""
    open_to_all = _published(meeting)
    if audience == "members":
        require(Role.MEMBER, meeting.body, visible_from=Role.PUBLIC if open_to_all else SEES)
        open_to_all = False
    elif not open_to_all:
        require(SEES, meeting.body, visible_from=SEES)
    if kind == "minutes":
        if audience == "public" and open_to_all and not present.minutes_are_public(meeting):
            # Minutes not final yet: those who may see the meeting have them once sent.
            require(SEES, meeting.body, visible_from=SEES)
            open_to_all = False
        if not documents.may_have_minutes(meeting, audience):
            abort(404, message="Referatet er ikke udsendt endnu.")
    return open_to_all


def _pdf_response(data: bytes, etag: str, filename: str, shared: bool) -> Response:
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = ("public" if shared else "private") + ", no-cache"
    return resp


def _not_modified(etag: str, shared: bool) -> Response | None:
    if etag in request.if_none_match:
        resp = Response(status=304)
        resp.set_etag(etag)
        resp.headers["Cache-Control"] = ("public" if shared else "private") + ", no-cache"
        return resp
    return None


#: The documents' endpoints and their kinds.
ENDPOINTS = {"web.agenda_pdf": "agenda", "web.minutes_pdf": "minutes", "web.book_pdf": "book"}


class _Known:
    """What is remembered of a document under the meeting cache's generations (decision
    0008): its key (the ETag), whether anyone may have it, its file name and the SHA-256
    of its PDF (the store's key)."""

    def __init__(self, key: str, shared: bool, name: str, sha256: str):
        self.key, self.shared, self.name, self.sha256 = key, shared, name, sha256

    @classmethod
    def parse(cls, remembered: bytes | None) -> _Known | None:
        if remembered is None:
            return None
        key, shared, name, *rest = remembered.decode().split("\n")
        return cls(key, shared == "1", name, rest[0] if rest else "")

    def encode(self) -> bytes:
        return f"{self.key}\n{int(self.shared)}\n{self.name}\n{self.sha256}".encode()


@bp.app_url_value_preprocessor
def _shared_document_from_cache(endpoint, values):
    """An edition anyone may read whose key is remembered and fresh, found before the
    tenant's row is read (an app-wide preprocessor runs ahead of the blueprint's
    ``bind_tenant``, as the meeting page's, decision 0009): the request then reads one
    Redis round trip, and the PDF from this process's memory or the store, no row. On any
    miss the request goes the whole way."""
    kind = ENDPOINTS.get(endpoint or "")
    if kind is None or not values or set(request.args) - {"udgave"}:
        return
    audience = EDITIONS.get(request.args.get("udgave", "offentlig"))
    tenant_id = cache.known_tenant_id(values.get("tenant", ""))
    if audience is None or tenant_id is None:
        return
    known = _Known.parse(cache.lookup(tenant_id, values["meeting_id"], f"pdf:{kind}:{audience}").doc)
    if known is None or not known.shared or not known.sha256:
        return
    values.pop("tenant")  # not loaded (bind_tenant skips it)
    g.access_checked = Role.PUBLIC  # the routes' declared role: anyone may have this edition
    g.shared_document = known


def _answer(known: _Known) -> Response:
    """A 304 when the reader has this edition, else the PDF (its bytes never change under
    their key, so a process keeps the ones read last)."""
    answer = _not_modified(known.key, known.shared)
    if answer is not None:
        return answer
    return _pdf_response(storage.read_recent(known.sha256), known.key, known.name, known.shared)


def _document(meeting_id: int, kind: str):
    audience = _edition()
    decided = g.pop("shared_document", None)  # _shared_document_from_cache
    if decided is not None:
        return _answer(decided)
    # The document's key is kept under the meeting cache's generations (decision 0008),
    # read before any row: while nothing was written, a repeated request reads the key, and
    # an edition anyone may read needs not even the meeting's row.
    remembered = cache.lookup(g.tenant.id, meeting_id, f"pdf:{kind}:{audience}")
    known = _Known.parse(remembered.doc)
    if known is not None and known.shared and known.sha256:
        return _answer(known)
    meeting = meetings.get_meeting(meeting_id)
    shared = _reader_may(meeting, kind, audience)
    edition = "" if audience == "public" else "-medlemmer"
    name = f"{FILE_NAMES[kind]}-{meeting.starts_at:%Y-%m-%d}-{meeting.id}{edition}.pdf"
    # the members' edition for a member disqualified on closed items leaves those out
    # (CORE-DISQUALIFIED): made for them, never the key remembered for the members
    hidden = meetings.hidden_items(meeting, current_person()) if audience == "members" else frozenset()
    if known is not None and known.sha256 and not hidden:
        return _answer(_Known(known.key, shared, name, known.sha256))
    meetings.load_for_view(meeting)  # items, attachments, attendance: a fixed number of statements
    key = documents.document_key(meeting, kind, audience, hidden)
    answer = _not_modified(key, shared)
    if answer is not None:
        return answer
    made = documents.find(key)
    if made is None and kind == "book" and not hidden and _queued(meeting, audience, key):
        resp = Response(render_template("documents/pending.html", tenant=g.tenant, meeting=meeting),
                        status=202)
        resp.headers["Retry-After"] = "10"
        resp.headers["Cache-Control"] = "no-store"
        return resp
    if made is None:
        made = documents.meeting_document(meeting, kind, audience, key, hidden)
        transactions.commit()
    if not hidden:  # under the generations read first (a PDF stored is no write they count)
        remembered.store(_Known(key, shared, name, made.sha256).encode())
        _remember_tenant(shared)
    return _pdf_response(storage.read_recent(made.sha256), key, name, shared)


def _remember_tenant(shared: bool) -> None:
    """For :func:`_shared_document_from_cache`: the tenant's id under its slug, read again
    after the generations (a tenant renamed meanwhile is not remembered under the old slug)."""
    if not shared:
        return
    db.session.expire(g.tenant)
    if request.path.startswith(f"/{g.tenant.slug}/"):
        cache.remember_tenant(g.tenant)


def _queued(meeting: Meeting, audience: str, key: str) -> bool:
    """A large book is made by a worker (with Redis); ``True`` when it was handed over."""
    if not current_app.config.get("REDIS_URL"):
        return False
    count = len(documents.visible_attachments(meeting, audience))
    if count < current_app.config["BOOK_JOB_ATTACHMENTS"]:
        return False
    from core.documents import tasks

    tasks.enqueue_once(f"book-{meeting.tenant_id}-{key}", tasks.render_book,
                       meeting.tenant_id, meeting.id, audience)
    return True


@bp.route("/<tenant>/moeder/<int:meeting_id>/dagsorden.pdf")
@access(Role.PUBLIC)
def agenda_pdf(meeting_id: int):
    """The agenda as PDF: front page, numbered items with Beslutningstema,
    Sagsfremstilling, Økonomi, Indstilling and their attachments listed."""
    return _document(meeting_id, "agenda")


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat.pdf")
@access(Role.PUBLIC)
def minutes_pdf(meeting_id: int):
    """The minutes as PDF: the agenda with each item's Beslutning, dissents and absences;
    approved minutes are the filed document and never change (a correction is a new version)."""
    return _document(meeting_id, "minutes")


@bp.route("/<tenant>/moeder/<int:meeting_id>/samlet-dagsorden.pdf")
@access(Role.PUBLIC)
def book_pdf(meeting_id: int):
    """The board book: the agenda with a table of contents, then every attachment the
    reader may see, page numbers throughout, bookmarks for items and attachments."""
    return _document(meeting_id, "book")


# --------------------------------------------------------------------------- attachments


def _attachment(attachment_id: int) -> Attachment:
    """The attachment, if the reader may see its meeting and, for a closed item, read
    closed items (CORE-CLOSED-ITEMS); 404 otherwise, as the download."""
    att = meetings.get_attachment(attachment_id)
    role = require(SEES, att.item.meeting.body, visible_from=SEES)
    if not meetings.reads_closed_item(att.item, role, current_person()):  # CORE-DISQUALIFIED too
        abort(404, message="Not found.")
    return att


def _inline(data: bytes, mimetype: str, filename: str, csp: str) -> Response:
    resp = Response(data, mimetype=mimetype)
    resp.headers["Content-Disposition"] = files.content_disposition(filename, "inline")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-cache"
    resp.headers["Content-Security-Policy"] = csp
    return resp


@bp.route("/<tenant>/bilag/<int:attachment_id>")
@access(SEES)
def attachment_page(attachment_id: int):
    """An attachment: its name, type, size and pages, and the file itself in a viewer (a
    PDF or an image as it is, an Office file by its PDF rendition), or why it cannot be
    shown and a download."""
    att = _attachment(attachment_id)
    kind = ("pdf" if att.content_type == "application/pdf" else
            "image" if att.content_type in documents.IMAGE_TYPES else
            "text" if att.content_type in documents.TEXT_TYPES else "office")
    made = documents.rendition(att) if kind == "office" else None
    preparing = False
    if kind == "office" and made is None and render.soffice() is not None:
        from core.documents import tasks

        tasks.enqueue_once(f"rendition-{att.tenant_id}-{att.sha256}", tasks.make_rendition,
                           att.tenant_id, att.id)
        made = documents.rendition(att)  # made here already when jobs run in-process
        preparing = made is None
        if made is not None:
            transactions.commit()
    return render_template(
        "documents/attachment.html", tenant=g.tenant, att=att, meeting=att.item.meeting, kind=kind,
        rendition=made, preparing=preparing, can_convert=render.soffice() is not None,
        type_text=documents.type_text(att.content_type), size_text=documents.size_text(att.size_bytes),
        pages=made.page_count if made is not None else documents.attachment_pages(att),
        # notes and comments (core/annotations) are written by the body's members
        may_annotate=role_in_body(current_person(), att.item.meeting.body) >= Role.MEMBER,
    )


@bp.route("/<tenant>/bilag/<int:attachment_id>/vis")
@talisman(content_security_policy=None, frame_options="SAMEORIGIN")
@access(SEES)
def attachment_inline(attachment_id: int):
    """The file itself for the viewer: served ``inline`` with the type sniffed at upload,
    ``nosniff``, and a policy that lets it run nothing (a PDF: see :data:`INLINE_CSP`)."""
    att = _attachment(attachment_id)
    if att.content_type in documents.OFFICE_TYPES:
        abort(404, message="Not found.")
    mimetype = att.content_type
    if mimetype in documents.TEXT_TYPES:
        mimetype = "text/plain; charset=utf-8"
    csp = INLINE_CSP if att.content_type == "application/pdf" else SANDBOXED_CSP
    return _inline(meetings.read_attachment(att), mimetype, att.filename, csp)


@bp.route("/<tenant>/bilag/<int:attachment_id>/pdf")
@talisman(content_security_policy=None, frame_options="SAMEORIGIN")
@access(SEES)
def attachment_rendition(attachment_id: int):
    """An Office attachment's PDF rendition, once a worker has made it (404 before)."""
    att = _attachment(attachment_id)
    made = documents.rendition(att)
    if made is None:
        abort(404, message="Bilaget har ingen PDF-udgave endnu.")
    stem = att.filename.rsplit(".", 1)[0]
    return _inline(documents.content(made), "application/pdf", f"{stem}.pdf", INLINE_CSP)


@meeting_page_part("documents")
def _documents(meeting: Meeting, view) -> list[dict]:
    """The meeting's PDFs the reader may have, for the meeting page."""
    from core.identity.permissions import current_person, role_in_body

    sees_closed = meetings.can_see_confidential(role_in_body(current_person(), meeting.body))
    kinds = [("agenda_pdf", "agenda"), ("book_pdf", "book")]
    if meeting.state in (MeetingState.MINUTES_SENT, MeetingState.MINUTES_APPROVED) or (
            sees_closed and meetings.current_version(meeting) is not None):
        kinds.append(("minutes_pdf", "minutes"))
    editions = ["medlemmer", "offentlig"] if sees_closed else ["offentlig"]
    return [{"label": LINKS[(kind, edition)], "endpoint": f"web.{endpoint}", "edition": edition}
            for edition in editions for endpoint, kind in kinds]
