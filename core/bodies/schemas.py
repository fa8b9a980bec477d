from marshmallow import Schema, fields

from core.fields import Text
from core.openapi import Boolean


class SeatSchema(Schema):
    key = Text()
    title = Text()
    organisation = fields.Function(lambda s: s.organisation.code)
    role = fields.Function(lambda s: s.role.value)
    is_voting = Boolean()
    holder = fields.Function(lambda s: s.holder.name if s.holder is not None else None)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


def _current_seats(b) -> list:
    """A body's seats not ended; a described body (``describe_body``) holds only those."""
    return b.current_seats if hasattr(b, "current_seats") else b.seats


class BodySummarySchema(Schema):
    key = Text()
    name = Text()
    kind = fields.Function(lambda b: b.kind.value)
    competence = fields.Function(lambda b: b.competence.value)
    parent = fields.Function(lambda b: b.parent.key if b.parent is not None else None)
    seat_count = fields.Function(lambda b: len(_current_seats(b)))
    voting_seat_count = fields.Function(lambda b: sum(1 for s in _current_seats(b) if s.is_voting))


class DeadlineSchema(Schema):
    days = fields.Integer()
    clause = Text(allow_none=True)


class KommissoriumSchema(Schema):
    """The body's kommissorium parameters as its rules apply them."""

    meetings_per_year = fields.Integer()
    notice = fields.Nested(DeadlineSchema, allow_none=True)
    minutes_due = fields.Nested(DeadlineSchema, allow_none=True)
    approval_mode = Text()
    approval_due = fields.Nested(DeadlineSchema, allow_none=True)
    submission_deadline = fields.Nested(DeadlineSchema, allow_none=True)
    clause = Text(allow_none=True)
    source = Text()


class RuleDescriptionSchema(Schema):
    """One rule of the body's kommissorium, in plain Danish, with who enforces it."""

    clause = Text()
    text = Text()
    text_en = Text()
    source = Text()


class BodyKommissoriumSchema(Schema):
    """The kommissorium page of a body: every rule the software applies to it."""

    key = Text()
    name = Text()
    rules = fields.List(fields.Nested(RuleDescriptionSchema))


class BodySchema(BodySummarySchema):
    competence_note = Text()
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    #: The day the body ended (its tenant file no longer names it); ``null`` while current.
    ended_on = fields.Date(allow_none=True)
    meeting_duration_minutes = fields.Integer(allow_none=True)
    clauses = fields.List(Text())
    information_recipients = fields.List(Text())
    kommissorium = fields.Nested(KommissoriumSchema)
    seats = fields.List(fields.Nested(SeatSchema))
