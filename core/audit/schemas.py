"""marshmallow schemas of the administration's history (core/audit/history.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.fields import Text


class HistoryQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))


class HistoryEntrySchema(Schema):
    #: The entry's place in the tenant's chain.
    seq = fields.Integer()
    at = fields.DateTime()
    #: ``person.invited``, ``person.renamed``, ``person.affiliated``, ``person.created``,
    #: ``person.affiliation_ended``, ``seat.created``, ``seat.holder_changed``,
    #: ``seat.ended``, ``body.created``, and the tenant file sync's ``organisation.*``, ``party.*``,
    #: ``admin.*``, ``tenant.*``.
    action = Text()
    #: What it happened to, e.g. ``user:12``, ``seat:4``.
    subject = Text()
    #: Who did it: ``user:<id>`` (``None``: the tenant file's sync).
    actor = fields.Function(lambda e: f"user:{e.actor_id}" if e.actor_id is not None else None,
                            allow_none=True)
    #: What changed, from what, to what; people as ``user:<id>``, a name as a keyed hash.
    payload = fields.Dict()


class HistoryPageSchema(Schema):
    entries = fields.List(fields.Nested(HistoryEntrySchema))
    #: ``user:<id>`` → the person's name today, for every person the page names.
    people = fields.Dict(keys=fields.String(), values=fields.String())
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
