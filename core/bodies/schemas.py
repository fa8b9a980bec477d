from marshmallow import Schema, fields, validate

from core.bodies.models import ApprovalMode, BodyKind, Competence, SeatRole
from core.fields import Text
from core.openapi import Boolean


class SeatHoldingSchema(Schema):
    """Who held a seat from when to when (``valid_from`` ``null``: since the seat began;
    ``valid_to`` ``null``: while it lasts)."""

    holder = fields.Function(lambda h: h.holder.name)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


class SeatSchema(Schema):
    key = Text()
    title = Text()
    organisation = fields.Function(lambda s: s.organisation.code)
    role = fields.Function(lambda s: s.role.value)
    is_voting = Boolean()
    #: Today's holder.
    holder = fields.Function(lambda s: s.current_holder.name if s.current_holder is not None else None)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    #: The day the seat stopped counting; ``null`` while current.
    ended_on = fields.Date(allow_none=True)
    #: Who held the seat from when to when, oldest first (a gap is a vacancy).
    holdings = fields.List(fields.Nested(SeatHoldingSchema))


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
    #: The rules chosen from the core's building blocks (``[bodies.rules]``), each with its clause.
    rules = fields.Dict(attribute="rule_blocks")
    seats = fields.List(fields.Nested(SeatSchema))


# ------------------------------------------------------------------ the secretariat's input

_KEY = validate.Regexp(r"^[a-z0-9][a-z0-9-]*$", error="use lower-case letters, digits and '-'")


class SeatCreateSchema(Schema):
    """A new seat in a body (the secretariat), from ``valid_from`` (to ``valid_to``),
    held by ``holder`` (an e-mail of a person acting for ``organisation``; none: vacant)."""

    key = Text(required=True, validate=[validate.Length(min=1, max=64), _KEY])
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    organisation = Text(required=True, validate=validate.Length(min=1, max=64))
    role = Text(required=True, validate=validate.OneOf([r.value for r in SeatRole]))
    voting = Boolean(required=True)
    holder = fields.Email(load_default=None, allow_none=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(load_default=None, allow_none=True)


class SeatHolderSchema(Schema):
    """A seat's new holder from ``valid_from`` (to ``valid_to``); ``holder`` none: the seat
    is vacant from that day. The holding valid that day ends the day before."""

    holder = fields.Email(load_default=None, allow_none=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(load_default=None, allow_none=True)


class SeatEndSchema(Schema):
    """End a seat from ``ended_on``: the first day it no longer counts."""

    ended_on = fields.Date(required=True)


class SeatDetailSchema(SeatSchema):
    """A seat with who held it from when to when, and the body it belongs to."""

    body = fields.Function(lambda s: s.body.key)
    position = fields.Integer()


class BodyCreateSchema(Schema):
    """A new body of ``kind``; ``template``, the key of a body of the same kind, lends the
    kommissorium parameters not given here (one given as ``null`` is not set). Checked as a
    tenant file's body is."""

    key = Text(required=True, validate=[validate.Length(min=1, max=64), _KEY])
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = Text(required=True, validate=validate.OneOf([k.value for k in BodyKind]))
    template = Text(allow_none=True)
    parent = Text(allow_none=True)
    competence = Text(allow_none=True,
                      validate=validate.OneOf([c.value for c in Competence]))
    competence_note = Text(allow_none=True)
    meetings_per_year = fields.Integer(allow_none=True)
    notice_days = fields.Integer(allow_none=True)
    minutes_due_days = fields.Integer(allow_none=True)
    approval_mode = Text(allow_none=True,
                         validate=validate.OneOf([m.value for m in ApprovalMode]))
    approval_due_days = fields.Integer(allow_none=True)
    submission_deadline_days = fields.Integer(allow_none=True)
    meeting_duration_minutes = fields.Integer(allow_none=True)
    clauses = fields.List(Text(validate=validate.Length(min=1, max=32)), allow_none=True)
    sources = fields.Dict(keys=Text(), values=Text(), allow_none=True)
    #: The rules from the core's building blocks, as a tenant file's ``[bodies.rules]``.
    rules = fields.Dict(keys=Text(), allow_none=True)


class BodyChangeSchema(Schema):
    """A change of the body's kommissorium (the secretariat): any of these; one given as
    ``null`` is not set (the tenant file's default). ``rules`` replaces the body's blocks
    (as a tenant file's ``[bodies.rules]``: each block with its ``clause``). Checked as a
    tenant file's body is; the key, the kind and the seats do not change here."""

    name = Text(validate=validate.Length(min=1, max=200))
    competence = Text(validate=validate.OneOf([c.value for c in Competence]))
    competence_note = Text(allow_none=True)
    meetings_per_year = fields.Integer(allow_none=True, strict=True)
    notice_days = fields.Integer(allow_none=True, strict=True)
    minutes_due_days = fields.Integer(allow_none=True, strict=True)
    approval_mode = Text(allow_none=True, validate=validate.OneOf([m.value for m in ApprovalMode]))
    approval_due_days = fields.Integer(allow_none=True, strict=True)
    submission_deadline_days = fields.Integer(allow_none=True, strict=True)
    meeting_duration_minutes = fields.Integer(allow_none=True, strict=True)
    clauses = fields.List(Text(validate=validate.Length(min=1, max=32)), allow_none=True)
    sources = fields.Dict(keys=Text(), values=Text(), allow_none=True)
    rules = fields.Dict(keys=Text(), allow_none=True)


class GrantSchema(Schema):
    """A plan's grant and the organisations in it (their codes)."""

    plan = Text(required=True, validate=validate.Length(min=1, max=300))
    organisations = fields.List(Text(validate=validate.Length(min=1, max=32)), required=True)


class BodyFactsSchema(Schema):
    """The facts a body's rules read that the secretariat changes (core/bodies/rule_facts.py):
    its districts and plans, each plan's grant with the organisations in it, the
    organisations receiving its material for information, and the body it reports to."""

    key = Text()
    districts = fields.List(Text())
    plans = fields.List(Text())
    grants = fields.List(fields.Nested(GrantSchema))
    information_recipients = fields.List(Text())
    parent = Text(allow_none=True)


class BodyFactsChangeSchema(Schema):
    """A change of the body's facts: any of these, each replacing what the body has (an
    empty list: none); ``parent`` ``null``: the body reports to no other body."""

    districts = fields.List(Text(validate=validate.Length(min=1, max=200)))
    plans = fields.List(Text(validate=validate.Length(min=1, max=300)))
    grants = fields.List(fields.Nested(GrantSchema))
    information_recipients = fields.List(Text(validate=validate.Length(min=1, max=32)))
    parent = Text(allow_none=True, validate=validate.Length(min=1, max=64))
