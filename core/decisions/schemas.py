"""Marshmallow schemas of the decisions API: motions, votes, objections, dissents, dry runs."""

from marshmallow import Schema, fields, validate

from core.fields import Text, VisibleText
from core.openapi import Boolean

CHOICES = ("yes", "no", "abstain")


class MotionCreateSchema(Schema):
    #: The proposed decision, or the meeting leader's conclusion (CORE-PROCEDURE).
    text = VisibleText(required=True, validate=validate.Length(min=1, max=10_000))
    #: Secret ballot (a core option).
    secret = Boolean(load_default=False)
    #: Weighted units from the body's vote_weights (a core option).
    weighted = Boolean(load_default=False)
    #: The majority required (a core option).
    majority = Text(load_default="simple", validate=validate.OneOf(("simple", "two_thirds")))


class VoteCreateSchema(Schema):
    choice = Text(required=True, validate=validate.OneOf(CHOICES))
    #: The unit to vote for, when the caster represents more than one.
    unit = Text(load_default=None)


class RecordedVoteSchema(Schema):
    #: The unit (its key, e.g. ``org:AKB``, or its label).
    unit = Text(required=True, validate=validate.Length(min=1, max=200))
    choice = Text(required=True, validate=validate.OneOf(CHOICES))


class RecordVotesSchema(Schema):
    #: The votes counted in the room, one per unit: all are recorded or none.
    votes = fields.List(fields.Nested(RecordedVoteSchema), required=True,
                        validate=validate.Length(min=1, max=500))


class VoteChangeSchema(Schema):
    choice = Text(required=True, validate=validate.OneOf(CHOICES))


class ObjectionCreateSchema(Schema):
    reason = Text(load_default="", validate=validate.Length(max=5_000))
    unit = Text(load_default=None)


class DissentCreateSchema(Schema):
    text = VisibleText(required=True, validate=validate.Length(min=1, max=10_000))


class VoteSchema(Schema):
    unit = Text(attribute="unit_key")
    unit_label = Text()
    weight = fields.Integer()
    #: None in a secret ballot.
    choice = fields.Function(lambda v: v.choice.value if v.choice is not None else None)
    cast_by = fields.Function(lambda v: v.cast_by.name if v.cast_by is not None else None)
    cast_as = fields.Function(lambda v: v.cast_as.value)
    #: The meeting leader or secretary who recorded it from the room, if not cast in person.
    recorded_by = fields.Function(lambda v: v.recorded_by.name if v.recorded_by is not None else None)
    cast_at = fields.DateTime()
    changed_at = fields.DateTime(allow_none=True)


class ObjectionSchema(Schema):
    unit = Text(attribute="unit_key")
    unit_label = Text()
    person = fields.Function(lambda o: o.person.name if o.person is not None else None)
    reason = Text()
    objected_at = fields.DateTime()


class DissentSchema(Schema):
    organisation = Text()
    person = fields.Function(lambda d: d.person.name if d.person is not None else None)
    text = Text()
    #: The rule under which the dissent is recorded (``dissent_allowed``: CORE-DISSENT, or
    #: the tenant's own clause).
    clause = Text(allow_none=True)
    recorded_at = fields.DateTime()


class MotionSchema(Schema):
    id = fields.Integer()
    item_id = fields.Integer()
    meeting_id = fields.Function(lambda m: m.item.meeting_id)
    text = Text()
    procedure = fields.Function(lambda m: m.procedure.value)
    procedure_rule = fields.Dict()
    competence_rule = fields.Dict()
    phase = fields.Function(lambda m: m.phase.value)
    secret = Boolean(attribute="is_secret")
    weighted = Boolean(attribute="is_weighted")
    majority = fields.Function(lambda m: m.majority.value)
    quorum_at_open = fields.Dict()
    quorum_at_voting = fields.Dict(allow_none=True)
    opened_at = fields.DateTime()
    voting_opened_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    result = fields.Function(lambda m: m.result.value if m.result is not None else None)
    outcome = fields.Dict(allow_none=True)
    votes = fields.List(fields.Nested(VoteSchema))
    objections = fields.List(fields.Nested(ObjectionSchema))
    dissents = fields.List(fields.Nested(DissentSchema))


class MatterSchema(Schema):
    title = Text(load_default="Prøveafstemning")
    topics = fields.List(Text(), load_default=list)
    plan = Text(load_default=None, allow_none=True)
    district = Text(load_default=None, allow_none=True)


class DryRunSchema(Schema):
    #: Take the matter and the recorded attendance from this agenda item.
    item_id = fields.Integer(load_default=None, allow_none=True)
    #: The matter, when no item is given.
    matter = fields.Nested(MatterSchema, load_default=None, allow_none=True)
    #: Seat keys or organisation codes present (default: the item's attendance, or all).
    present = fields.List(Text(), load_default=None, allow_none=True)
    #: Choice per unit (unit key such as ``org:VA`` or label such as ``VA``).
    votes = fields.Dict(keys=Text(), values=Text(validate=validate.OneOf(CHOICES)),
                        load_default=dict)
    #: Units objecting to consensus or to the conclusion (CORE-PROCEDURE).
    objections = fields.List(Text(), load_default=list)
    secret = Boolean(load_default=False)
    weighted = Boolean(load_default=False)
    majority = Text(load_default="simple", validate=validate.OneOf(("simple", "two_thirds")))


class OutcomeSchema(Schema):
    """An explained outcome (stored with a closed motion, or computed by a dry run)."""

    stored = Boolean()
    result = Text()
    passed = Boolean()
    decided_by = Text(allow_none=True)
    competence = fields.Dict(allow_none=True)
    procedure = fields.Dict()
    options = fields.Dict()
    units = fields.List(fields.Dict())
    counts = fields.Dict(allow_none=True)
    votes = fields.Dict(allow_none=True)
    tally = fields.Dict(allow_none=True)
    objections = fields.List(Text())
    quorum = fields.Dict()
    provenance = fields.List(fields.Dict())
    explanation = fields.Dict()
    #: Tasks the decision creates elsewhere (CORE-FOLLOW-UPS), from the follow_ups rule.
    follow_ups = fields.List(fields.Dict())


# ------------------------------------------------------------------ written procedure

WRITTEN_CHOICES = ("agree", "object", "abstain")


class WrittenProcedureCreateSchema(Schema):
    #: The matter's title.
    title = VisibleText(required=True, validate=validate.Length(min=1, max=300))
    #: The proposed decision, as it is decided if it is.
    text = VisibleText(required=True, validate=validate.Length(min=1, max=10_000))
    #: The case (sagsfremstilling).
    case_text = Text(load_default="", validate=validate.Length(max=20_000))
    #: The recommendation (indstilling).
    recommendation = Text(load_default="", validate=validate.Length(max=10_000))
    #: Tags the rules read (``budget``, ``sub_agreement`` …).
    topics = fields.List(Text(validate=validate.Length(min=1, max=50)), load_default=list,
                         validate=validate.Length(max=20))
    #: The helhedsplan concerned, where that matters to the rules.
    plan = Text(load_default=None, validate=validate.Length(max=100))
    #: When answers stop being taken (with a time zone); between an hour and 90 days ahead.
    deadline_at = fields.AwareDateTime(required=True)


class WrittenAnswerCreateSchema(Schema):
    #: ``agree``, ``object`` (with a reason) or ``abstain``.
    choice = Text(required=True, validate=validate.OneOf(WRITTEN_CHOICES))
    #: Why; required for an objection.
    reason = Text(load_default="", validate=validate.Length(max=5_000))
    #: The unit to answer for, when the caller represents more than one.
    unit = Text(load_default=None)


class WrittenAnswerSchema(Schema):
    unit = Text(attribute="unit_key")
    unit_label = Text()
    choice = fields.Function(lambda a: a.choice.value)
    reason = Text()
    answered_by = fields.Function(lambda a: a.answered_by.name if a.answered_by else None)
    answered_as = fields.Function(lambda a: a.answered_as.value)
    answered_at = fields.DateTime()


class WrittenProcedureSchema(Schema):
    id = fields.Integer()
    body = fields.Function(lambda p: p.body.key)
    title = Text()
    text = Text()
    case_text = Text()
    recommendation = Text()
    topics = fields.List(Text())
    plan = Text(allow_none=True)
    deadline_at = fields.DateTime()
    state = fields.Function(lambda p: p.state.value)
    started_by = fields.Function(lambda p: p.started_by.name if p.started_by else None)
    started_at = fields.DateTime()
    start_rules = fields.Dict()
    closed_at = fields.DateTime(allow_none=True)
    answers = fields.List(fields.Nested(WrittenAnswerSchema))
    #: The explained outcome once closed: result, the rules' answers with clauses, the
    #: units and their answers, the explanation in Danish and English.
    outcome = fields.Dict(allow_none=True)
    #: The meeting and agenda item it was put on after it closed.
    meeting_id = fields.Integer(allow_none=True)
    item_id = fields.Integer(allow_none=True)
    #: The units the caller may still answer for.
    mine = fields.Function(lambda p: getattr(p, "mine", []))
