"""Marshmallow schemas for notes and comments: ``<Thing>Schema`` for output, ``…CreateSchema``
for input."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.fields import VisibleText

#: The longest note or comment: a few pages of text.
MAX_LENGTH = 10_000


# --------------------------------------------------------------------------- input


class NoteCreateSchema(Schema):
    #: What the note says.
    text = VisibleText(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))
    #: The item's attachment written on (one of its current attachments), if any.
    attachment_id = fields.Integer(load_default=None, allow_none=True,
                                   validate=validate.Range(min=1, max=2**31 - 1))
    #: The attachment's page, from 1 (only with ``attachment_id``).
    page = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100_000))


class NoteUpdateSchema(Schema):
    text = VisibleText(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))


class CommentCreateSchema(NoteCreateSchema):
    #: The comment answered (a reply joins the thread of the first comment).
    reply_to = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))


# --------------------------------------------------------------------------- output


class WhereSchema(Schema):
    """Where it was written: an attachment (and its page), or the item itself."""

    attachment_id = fields.Integer(allow_none=True)
    filename = fields.String(allow_none=True)
    page = fields.Integer(allow_none=True)
    #: The attachment was replaced by a new version since: this stays with the old one.
    replaced = fields.Boolean()
    #: The version that replaced it.
    replaced_by_id = fields.Integer(allow_none=True)


class NoteSchema(Schema):
    id = fields.Integer()
    item_id = fields.Integer()
    where = fields.Nested(WhereSchema)
    text = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime(allow_none=True)


class AuthorSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class CommentSchema(Schema):
    id = fields.Integer()
    item_id = fields.Integer()
    reply_to = fields.Integer(attribute="reply_to_id", allow_none=True)
    author = fields.Nested(AuthorSchema, allow_none=True)
    where = fields.Nested(WhereSchema)
    #: Empty once the author took it back (or was erased).
    text = fields.String()
    removed = fields.Boolean(attribute="is_removed")
    created_at = fields.AwareDateTime()


class ThreadSchema(CommentSchema):
    """A first comment with its replies, oldest first."""

    replies = fields.List(fields.Nested(CommentSchema))
