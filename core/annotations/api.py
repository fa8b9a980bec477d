"""JSON API: a member's private notes and the body's comments on an agenda item or a page
of one of its attachments (docs/annotations.md).

Handlers are thin: load, check access, call the operation, commit, dump.
"""

from __future__ import annotations

from core import transactions
from core.annotations import operations as ops
from core.annotations.schemas import (
    CommentCreateSchema,
    NoteCreateSchema,
    NoteSchema,
    NoteUpdateSchema,
    ThreadSchema,
)
from core.identity.permissions import Role, access, current_person
from core.meetings import operations as meetings
from core.meetings.models import AgendaItem
from core.openapi import Blueprint
from core.tenancy import bind_tenant

blp = Blueprint(
    "annotations", __name__, url_prefix="/api/v1/tenants/<tenant>",
    description="Notes (private) and comments (the body's members) on agenda items and attachments",
)
bind_tenant(blp)

ITEM = "/meetings/<int:meeting_id>/items/<int:item_id>"


def _item(meeting_id: int, item_id: int) -> AgendaItem:
    """The item, if the caller may read its comments and keep notes on it (404/403)."""
    item = meetings.get_item(meetings.get_meeting(meeting_id), item_id)
    ops.check_item(item, current_person())
    return item


# --------------------------------------------------------------------------- notes


@blp.route(f"{ITEM}/notes")
@blp.response(200, NoteSchema(many=True))
@access(ops.SEES)
def list_notes(meeting_id: int, item_id: int):
    """The caller's own notes on the item (never anyone else's)."""
    return ops.my_notes(_item(meeting_id, item_id), current_person())


@blp.route(f"{ITEM}/notes", methods=["POST"])
@blp.arguments(NoteCreateSchema)
@blp.response(201, NoteSchema)
@access(ops.SEES)
def add_note(data, meeting_id: int, item_id: int):
    """Keep a private note on the item, or on a page of one of its attachments
    (``attachment_id``, ``page``). Only its author ever reads it."""
    note = ops.add_note(_item(meeting_id, item_id), current_person(), data)
    transactions.commit()
    return note


@blp.route(f"{ITEM}/notes/<int:note_id>", methods=["PATCH"])
@blp.arguments(NoteUpdateSchema)
@blp.response(200, NoteSchema)
@access(ops.SEES)
def update_note(data, meeting_id: int, item_id: int, note_id: int):
    """Change the text of one's own note (anyone else's answers 404)."""
    item = _item(meeting_id, item_id)
    note = ops.update_note(ops.get_note(item, note_id, current_person()), data)
    transactions.commit()
    return note


@blp.route(f"{ITEM}/notes/<int:note_id>", methods=["DELETE"])
@blp.response(204)
@access(ops.SEES)
def remove_note(meeting_id: int, item_id: int, note_id: int):
    """Delete one's own note (anyone else's answers 404)."""
    item = _item(meeting_id, item_id)
    ops.remove_note(ops.get_note(item, note_id, current_person()))
    transactions.commit()


# --------------------------------------------------------------------------- comments


@blp.route(f"{ITEM}/comments")
@blp.response(200, ThreadSchema(many=True))
@access(ops.SEES)
def list_comments(meeting_id: int, item_id: int):
    """The item's comments, each with its replies; for the body's members and its
    secretariat, a closed item's only for those who may read it (CORE-CLOSED-ITEMS)."""
    return ops.comments(_item(meeting_id, item_id))


@blp.route(f"{ITEM}/comments", methods=["POST"])
@blp.arguments(CommentCreateSchema)
@blp.response(201, ThreadSchema)
@access(ops.SEES)
def add_comment(data, meeting_id: int, item_id: int):
    """Comment on the item or on a page of one of its attachments, or reply to a comment
    (``reply_to``). The body's members and its secretariat read it."""
    comment = ops.add_comment(_item(meeting_id, item_id), current_person(), data)
    transactions.commit()
    return comment


@blp.route(f"{ITEM}/comments/<int:comment_id>", methods=["DELETE"])
@blp.response(204)
@access(ops.SEES)
def remove_comment(meeting_id: int, item_id: int, comment_id: int):
    """Take back one's own comment: its text goes, its place in the thread (and the
    replies) stay. Another's comment: 403."""
    item = _item(meeting_id, item_id)
    ops.remove_comment(ops.get_comment(item, comment_id), current_person())
    transactions.commit()
