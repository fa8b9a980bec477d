"""The notes' and comments' pages: on the meeting page, under each item the reader may
comment, their own notes and the body's comments with their replies, and the forms to
write them (a page part, core/meetings/views.py); the members' board book with the
reader's own notes and the comments appended.

The meeting page is cached per reader (docs/decisions/0032-meeting-page-cache.md): the
notes on it are the reader's own, in the reader's own stored page, and a note written
invalidates the meeting (core/meetings/cache/), so a page never shows a note to anyone
but its author nor keeps one after it changed. The board book with notes is made per
request and never stored: the shared members' book beneath it has none
(docs/annotations.md).

Handlers are as the meetings' pages: parse the form with the API's schemas, call the
operation, commit, post/redirect/get back to the item; a refusal comes back as the meeting
page with what was typed (core/web/forms.py).
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, g, render_template, request
from flask_babel import gettext as _

from core import transactions
from core.annotations import operations as annotations
from core.annotations.schemas import CommentCreateSchema, NoteCreateSchema
from core.documents import operations as documents
from core.documents import render
from core.identity.permissions import Role, access, require, role_in_body
from core.meetings import operations as meetings
from core.meetings.views import SEES, meeting_page_part, meeting_url
from core.web import N_, bp, current_person
from core.web.forms import act, filled_values, load

#: The templates of these pages (``templates/annotations/``).
templates = Blueprint("annotations_templates", __name__, template_folder="templates")

#: The forms' fields as the meeting page labels them (messages name them).
FIELDS = {"text": N_("Tekst"), "attachment_id": N_("Bilag"), "page": N_("Side"),
          "reply_to": N_("Svar på")}


@meeting_page_part("annotations")
def _on_the_page(meeting, view) -> dict:
    """Each readable item's notes (the reader's own) and comments, for the meeting page."""
    user = current_person()
    return annotations.for_meeting(meeting, user, role_in_body(user, meeting.body),
                                   getattr(view, "hidden", None))


def _item(meeting_id: int, item_id: int):
    item = meetings.get_item(meetings.get_meeting(meeting_id), item_id)
    annotations.check_item(item, current_person())
    return item


def _form(*names: str) -> dict:
    values = filled_values("text", *names)
    return {k: v for k, v in values.items() if k == "text" or v not in ("", "0")}


def _back(item) -> str:
    return meeting_url(item.meeting, f"noter-{item.id}")


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/noter", methods=["POST"])
@access(annotations.SEES)
def add_note(meeting_id: int, item_id: int):
    """Keep a private note on the item or on a page of one of its attachments."""
    item = _item(meeting_id, item_id)
    return act(lambda: annotations.add_note(item, current_person(),
                                            load(NoteCreateSchema(), _form("attachment_id", "page"))),
               _("Noten er gemt. Kun du kan se den."), _back(item), labels=FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/noter/<int:note_id>/slet",
          methods=["POST"])
@access(annotations.SEES)
def remove_note(meeting_id: int, item_id: int, note_id: int):
    """Delete one's own note."""
    item = _item(meeting_id, item_id)
    note = annotations.get_note(item, note_id, current_person())
    return act(lambda: annotations.remove_note(note), _("Noten er slettet."), _back(item), labels=FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/kommentarer", methods=["POST"])
@access(annotations.SEES)
def add_comment(meeting_id: int, item_id: int):
    """Comment on the item (or a page of an attachment), or reply to a comment."""
    item = _item(meeting_id, item_id)
    return act(lambda: annotations.add_comment(
        item, current_person(), load(CommentCreateSchema(), _form("attachment_id", "page", "reply_to"))),
        _("Kommentaren er sendt. Organets medlemmer kan læse den."), _back(item), labels=FIELDS,
        which=request.form.get("reply_to") and "reply_to")


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/kommentarer/<int:comment_id>/fjern",
          methods=["POST"])
@access(annotations.SEES)
def remove_comment(meeting_id: int, item_id: int, comment_id: int):
    """Take back one's own comment (its replies stay)."""
    item = _item(meeting_id, item_id)
    comment = annotations.get_comment(item, comment_id)
    return act(lambda: annotations.remove_comment(comment, current_person()),
               _("Kommentaren er fjernet."), _back(item), labels=FIELDS)


# --------------------------------------------------------------------------- the board book


@bp.route("/<tenant>/moeder/<int:meeting_id>/samlet-dagsorden-med-noter.pdf")
@access(Role.MEMBER)
def book_with_notes(meeting_id: int):
    """The members' board book with the reader's own notes and the comments appended:
    made for this reader now, never stored, never kept by a shared cache."""
    meeting = meetings.get_meeting(meeting_id)
    role = require(Role.MEMBER, meeting.body, visible_from=SEES)
    meetings.load_for_view(meeting)
    # without the closed items the reader is disqualified on (CORE-DISQUALIFIED)
    hidden = meetings.hidden_items(meeting, current_person())
    book = documents.content(documents.meeting_document(meeting, "book", "members", hidden=hidden))
    transactions.commit()  # the shared book, stored once per content (decision 0028)
    written = annotations.for_meeting(meeting, current_person(), role, hidden)
    items = [i for i in meeting.items if written.get(i.id, {}).get("notes") or written.get(i.id, {}).get("comments")]
    annex = render.html_to_pdf(render_template(
        "annotations/book_notes_pdf.html", meeting=meeting, items=items, written=written,
        reader=current_person(), tenant=g.tenant), title="Mine noter og kommentarer")
    import pypdf

    writer = pypdf.PdfWriter()
    for part in (book, annex):
        writer.append(pypdf.PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    resp = Response(out.getvalue(), mimetype="application/pdf")
    resp.headers["Content-Disposition"] = (
        f'inline; filename="samlet-dagsorden-{meeting.starts_at:%Y-%m-%d}-{meeting.id}-med-noter.pdf"')
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
