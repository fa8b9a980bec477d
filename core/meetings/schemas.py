"""Marshmallow schemas for meetings: ``<Thing>Schema`` for output, ``…CreateSchema`` for input."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.fields import Text, VisibleText
from core.meetings.models import ActingAs, AttendanceStatus, ItemKind, MeetingKind, MeetingState
from core.meetings.operations import CONFIDENTIALITY_REASONS
from core.openapi import Boolean


def _values(enum_cls):
    return [m.value for m in enum_cls]


# --------------------------------------------------------------------------- input


class GuestSchema(Schema):
    #: A guest invited to one item (CORE-GUESTS).
    name = VisibleText(required=True, validate=validate.Length(min=1, max=200))
    organisation = Text(load_default="", validate=validate.Length(max=200))
    email = fields.Email(load_default="")


class MeetingCreateSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    kind = Text(load_default="ordinary", validate=validate.OneOf(_values(MeetingKind)))
    title = Text(load_default="", validate=validate.Length(max=200))
    duration_minutes = fields.Integer(load_default=None, validate=validate.Range(min=15, max=24 * 60))
    location = Text(load_default="", validate=validate.Length(max=300))
    online_url = fields.Url(load_default="")
    #: For an extraordinary meeting: on whose behalf it is called (CORE-EXTRAORDINARY).
    on_behalf_of = Text(
        load_default="self", validate=validate.OneOf(["self", "body", "secretariat", "members_majority"])
    )
    call_reason = Text(load_default="", validate=validate.Length(max=2000))
    #: With ``members_majority``: the members who back the call (CORE-EXTRAORDINARY).
    supporters = fields.List(fields.Email(), load_default=list)


class PlannedMeetingSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    title = Text(load_default="", validate=validate.Length(max=200))
    duration_minutes = fields.Integer(load_default=None, validate=validate.Range(min=15, max=24 * 60))
    location = Text(load_default="", validate=validate.Length(max=300))
    online_url = fields.Url(load_default="")


class PlanSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    meetings = fields.List(fields.Nested(PlannedMeetingSchema), required=True,
                           validate=validate.Length(min=1, max=60))


class MeetingUpdateSchema(Schema):
    starts_at = fields.AwareDateTime()
    title = Text(validate=validate.Length(max=200))
    duration_minutes = fields.Integer(validate=validate.Range(min=15, max=24 * 60))
    location = Text(validate=validate.Length(max=300))
    online_url = fields.Url()


class CancelSchema(Schema):
    reason = VisibleText(required=True, validate=validate.Length(min=1, max=2000))


class _ItemFields(Schema):
    kind = Text(validate=validate.OneOf(_values(ItemKind)))
    title = VisibleText(validate=validate.Length(min=1, max=300))
    decision_theme = Text()
    case_text = Text()
    economy = Text()
    recommendation = Text()
    is_confidential = Boolean()
    confidentiality_reason = Text(
        validate=validate.OneOf(list(CONFIDENTIALITY_REASONS) + [""])
    )
    #: A closed item's name outside the platform (default from the reason, "Personalesag").
    public_title = Text(validate=validate.Length(max=300))
    topics = fields.List(Text(validate=validate.Length(max=64)))
    plan = Text(allow_none=True, validate=validate.Length(max=200))
    district = Text(allow_none=True, validate=validate.Length(max=200))
    guests = fields.List(fields.Nested(GuestSchema))


class ItemCreateSchema(_ItemFields):
    kind = Text(required=True, validate=validate.OneOf(_values(ItemKind)))
    title = VisibleText(required=True, validate=validate.Length(min=1, max=300))

    @validates_schema
    def _closed_needs_reason(self, data, **kwargs):
        if data.get("is_confidential") and not data.get("confidentiality_reason"):
            raise ValidationError("Et lukket punkt kræver en begrundelse.", "confidentiality_reason")


class ItemUpdateSchema(_ItemFields):
    position = fields.Integer(validate=validate.Range(min=1))


class AttendanceInputSchema(Schema):
    status = Text(load_default="present", validate=validate.OneOf(_values(AttendanceStatus)))
    person = fields.Email(load_default=None, allow_none=True)
    acting_as = Text(load_default="holder", validate=validate.OneOf(_values(ActingAs)))


class AttendanceAllInputSchema(Schema):
    """The whole meeting's attendance in one call: ``{"seats": {seat_key: {status,
    acting_as, person}}}``."""

    seats = fields.Dict(
        keys=Text(validate=validate.Length(min=1, max=100)),
        values=fields.Nested(AttendanceInputSchema), required=True,
        validate=validate.Length(min=1),
    )


class DelegationCreateSchema(Schema):
    seat = Text(required=True)
    to_organisation = Text(required=True)
    to_person = fields.Email(load_default=None, allow_none=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class MinutesDissentSchema(Schema):
    by = VisibleText(required=True, validate=validate.Length(min=1, max=200))
    text = VisibleText(required=True, validate=validate.Length(min=1))
    email = Text(load_default="")
    organisation = Text(load_default="")


class MinutesEntryInputSchema(Schema):
    decision = Text()
    public_decision = Text()
    dissents = fields.List(fields.Nested(MinutesDissentSchema))


class DissentInputSchema(Schema):
    text = VisibleText(required=True, validate=validate.Length(min=1, max=5000))


class DisqualificationInputSchema(Schema):
    #: Who (e-mail): empty for oneself; another member by the chair, leader or secretary.
    person = fields.Email(load_default=None, allow_none=True)
    #: Why, in a few words (forvaltningsloven § 3).
    reason = VisibleText(required=True, validate=validate.Length(min=1, max=500))


class DisqualificationSchema(Schema):
    """A member disqualified (inhabil) on an agenda item (CORE-DISQUALIFIED)."""

    id = fields.Integer(required=True)
    item_id = fields.Integer(required=True)
    person = fields.String(required=True)  # e-mail
    name = fields.String(required=True)
    reason = fields.String(required=True)
    declared_by = fields.String(allow_none=True, required=True)
    declared_at = fields.AwareDateTime(required=True)
    withdrawn_at = fields.AwareDateTime(allow_none=True, required=True)
    withdrawn_by = fields.String(allow_none=True, required=True)
    is_standing = Boolean(required=True)


class MinutesObjectionInputSchema(Schema):
    #: What the member objects to in minutes sent for tacit approval.
    text = VisibleText(required=True, validate=validate.Length(min=1, max=5000))


class ApproveInputSchema(Schema):
    #: The meeting at which the minutes were approved (CORE-APPROVAL-MODE; optional when
    #: the body approves them).
    at_meeting = fields.Integer(load_default=None, allow_none=True)


class CorrectionEntrySchema(MinutesEntryInputSchema):
    item_id = fields.Integer(required=True)


class CorrectionSchema(Schema):
    reason = VisibleText(required=True, validate=validate.Length(min=1, max=2000))
    entries = fields.List(fields.Nested(CorrectionEntrySchema), load_default=list)


class YearQuerySchema(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


class UploadSchema(Schema):
    file = Upload(required=True)


# --------------------------------------------------------------------------- output


class ItemAttachmentSchema(Schema):
    id = fields.Integer()
    filename = Text()
    content_type = Text()
    size_bytes = fields.Integer()
    sha256 = Text()
    page_count = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    #: The attachment that replaced this one, if any (a new version of the file).
    replaced_by_id = fields.Integer(allow_none=True)


class ItemSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    kind = fields.Function(lambda i: i.kind.value)
    title = Text()
    decision_theme = Text()
    case_text = Text()
    economy = Text()
    recommendation = Text()
    is_confidential = Boolean()
    confidentiality_reason = Text()
    public_title = Text()
    standing_clause = Text(allow_none=True)
    topics = fields.List(Text())
    plan = Text(allow_none=True)
    district = Text(allow_none=True)
    guests = fields.List(fields.Dict())
    submitted_by = fields.Function(lambda i: getattr(i, "submitted_by_email", None))
    approves_minutes_of_id = fields.Integer(allow_none=True)
    attachments = fields.List(fields.Nested(ItemAttachmentSchema))


class DeadlinesSchema(Schema):
    agenda_due_at = fields.AwareDateTime(allow_none=True)
    agenda_clause = Text(allow_none=True)
    submission_due_at = fields.AwareDateTime(allow_none=True)
    submission_clause = Text(allow_none=True)
    minutes_due_at = fields.AwareDateTime(allow_none=True)
    minutes_clause = Text(allow_none=True)
    approval_mode = Text()
    approval_due_at = fields.AwareDateTime(allow_none=True)
    approval_clause = Text(allow_none=True)


class AttendanceSchema(Schema):
    seat = fields.Function(lambda a: a.seat.key)
    status = fields.Function(lambda a: a.status.value)
    person = fields.Function(lambda a: a.person.email if a.person else None)
    acting_as = fields.Function(lambda a: a.acting_as.value)
    verdict = fields.Dict(allow_none=True)


class BreachSchema(Schema):
    kind = fields.Function(lambda b: b.kind.value)
    due_at = fields.AwareDateTime()
    happened_at = fields.AwareDateTime()
    clause = Text(allow_none=True)


class MeetingSummarySchema(Schema):
    id = fields.Integer()
    body = fields.Function(lambda m: m.body.key)
    kind = fields.Function(lambda m: m.kind.value)
    state = fields.Function(lambda m: m.state.value)
    title = Text()
    starts_at = fields.AwareDateTime()
    duration_minutes = fields.Integer()
    location = Text()
    online_url = Text()


class MeetingSchema(MeetingSummarySchema):
    call_reason = Text()
    agenda_published_at = fields.AwareDateTime(allow_none=True)
    #: When the meeting was opened (its session began, CORE-SESSION), and by whom.
    session_opened_at = fields.AwareDateTime(allow_none=True)
    session_opened_by = fields.Function(
        lambda m: m.session_opened_by.name if m.session_opened_by else None, allow_none=True
    )
    held_at = fields.AwareDateTime(allow_none=True)
    minutes_sent_at = fields.AwareDateTime(allow_none=True)
    minutes_approved_at = fields.AwareDateTime(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = Text()
    minutes_approval = fields.Dict(allow_none=True)
    deadlines = fields.Nested(DeadlinesSchema)
    items = fields.List(fields.Nested(ItemSchema))
    attendance = fields.List(fields.Nested(AttendanceSchema))
    breaches = fields.List(fields.Nested(BreachSchema))


class MinutesEntrySchema(Schema):
    item_id = fields.Integer()
    position = fields.Integer()
    title = Text()
    is_confidential = Boolean()
    decision = Text()
    public_decision = Text()
    dissents = fields.List(fields.Dict())
    #: The result when a motion decided the item (adopted, rejected, not_quorate).
    result = Text(allow_none=True)
    #: The motion's explained outcome (empty for a closed item shown to non-members).
    explanation = Text()
    #: Members who took no part in the item for disqualification (CORE-DISQUALIFIED):
    #: ``{name, text, text_en}``, the minutes' sentence in Danish and English.
    disqualifications = fields.List(fields.Dict())


class MinutesVersionSchema(Schema):
    number = fields.Integer()
    correction_reason = Text()
    approved_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    entries = fields.List(fields.Nested(MinutesEntrySchema))
    approved_by = fields.List(Text())


class MinutesObjectionSchema(Schema):
    """A member's objection to minutes sent for tacit approval."""

    id = fields.Integer()
    by = Text()
    text = Text()
    #: When the minutes objected to had been sent.
    sent_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()


class MinutesSchema(Schema):
    meeting_id = fields.Integer()
    state = Text()
    approval_mode = Text()
    approval = fields.Dict(allow_none=True)
    awaiting_approval_from = fields.List(Text())
    #: Tacit approval: when the minutes are approved unless a member objects first.
    objections_due_at = fields.AwareDateTime(allow_none=True)
    #: Tacit approval: the clause that sets the time to object.
    objections_clause = Text(allow_none=True)
    #: Tacit approval: the members' objections (to the members and the secretariat).
    objections = fields.List(fields.Nested(MinutesObjectionSchema))
    versions = fields.List(fields.Nested(MinutesVersionSchema))


class DelegationSchema(Schema):
    id = fields.Integer()
    seat = fields.Function(lambda d: d.seat.key)
    to_organisation = fields.Function(lambda d: d.to_organisation.code)
    to_person = fields.Function(lambda d: d.to_person.email if d.to_person else None)
    starts_on = fields.Date()
    ends_on = fields.Date()
    verdict = fields.Dict()


class ComplianceSchema(Schema):
    body = Text()
    year = fields.Integer()
    meetings_required = fields.Integer()
    meetings_required_clause = Text(allow_none=True)
    meetings_planned = fields.Integer()
    meetings_held = fields.Integer()
    extraordinary_held = fields.Integer()
    meetings_cancelled = fields.Integer()
    requirement_met = Boolean()
    agendas_published = fields.Integer()
    #: Agendas that were due: published (on time or late) and overdue, not yet published.
    agendas_due = fields.Integer()
    agendas_on_time = fields.Integer()
    agenda_clause = Text(allow_none=True)
    minutes_sent = fields.Integer()
    #: Minutes that were due: sent, and overdue, not yet sent.
    minutes_due = fields.Integer()
    minutes_on_time = fields.Integer()
    minutes_clause = Text(allow_none=True)
    approval_mode = Text()
    minutes_approved = fields.Integer(allow_none=True)
    #: Approvals that were due: minutes approved, and approvals overdue.
    approvals_due = fields.Integer(allow_none=True)
    minutes_approved_on_time = fields.Integer(allow_none=True)
    approval_clause = Text(allow_none=True)
    #: Each with ``meeting_id``, ``meeting_title``, ``meeting_starts_at`` (ISO 8601),
    #: ``kind``, ``due_at``, ``happened_at`` and ``clause``.
    breaches = fields.List(fields.Dict())
    #: As ``breaches``, for deadlines passed with nothing done yet.
    overdue = fields.List(fields.Dict())
    #: The year's meetings (not cancelled), each with ``meeting_id``, ``meeting_title``,
    #: ``meeting_starts_at``, ``state``, and who chaired the body on its day: ``chair``
    #: (the name of the chair seat's holder then, else the meeting leader's) and
    #: ``chair_seat`` (that seat's title); ``null`` where the seat was vacant.
    meetings = fields.List(fields.Dict())


# --------------------------------------------------------------------------- public


class PublicItemSchema(Schema):
    position = fields.Integer()
    kind = Text()
    title = Text()
    is_confidential = Boolean()
    #: For a closed item: its § 27 reason (the title is its public title).
    confidentiality_reason = Text()
    case_text = Text()
    recommendation = Text()
    decision = Text(allow_none=True)
    result = Text(allow_none=True)
    explanation = Text(allow_none=True)
    #: Who took no part for disqualification, once public: ``{name, text, text_en}``.
    disqualifications = fields.List(fields.Dict())


class PublicMeetingSchema(Schema):
    id = fields.Integer()
    body = Text()
    body_name = Text()
    kind = Text()
    state = Text()
    title = Text()
    starts_at = fields.AwareDateTime()
    location = Text()
    agenda_published_at = fields.AwareDateTime(allow_none=True)
    minutes_approved_at = fields.AwareDateTime(allow_none=True)
    minutes_version = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(PublicItemSchema))


__all__ = [n for n in dir() if n.endswith("Schema")] + ["MeetingState"]


# --------------------------------------------------------------------------- review round


class ReviewSendInputSchema(Schema):
    #: Optional deadline for the members' comments (in the future).
    deadline_at = fields.AwareDateTime(load_default=None, allow_none=True)


class ReviewCommentInputSchema(Schema):
    #: The item commented on; empty (null) for the minutes as a whole.
    item_id = fields.Integer(load_default=None, allow_none=True)
    text = VisibleText(required=True, validate=validate.Length(min=1, max=5000))


class ReviewResolveInputSchema(Schema):
    #: ``accepted`` (the draft is changed) or ``answered`` (a reply, the draft stays).
    resolution = Text(required=True, validate=validate.OneOf(["accepted", "answered"]))
    #: The secretary's reply; required when answered.
    reply = Text(load_default="", validate=validate.Length(max=5000))
    #: Accepted on an item: the item's new decision (and public decision of a closed item),
    #: written into the draft.
    decision = Text(load_default=None, allow_none=True)
    public_decision = Text(load_default=None, allow_none=True)


class ReviewEntrySchema(Schema):
    item_id = fields.Integer()
    position = fields.Integer()
    title = Text()
    decision = Text()
    public_decision = Text()


class ReviewRoundSchema(Schema):
    round = fields.Integer()
    sent_at = fields.AwareDateTime()
    deadline_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    #: The draft as it was sent in this round.
    entries = fields.List(fields.Nested(ReviewEntrySchema))


class ReviewCommentSchema(Schema):
    id = fields.Integer()
    round = fields.Integer()
    #: Null: a comment on the minutes as a whole.
    item_id = fields.Integer(allow_none=True)
    item_position = fields.Integer(allow_none=True)
    author = Text()
    mine = Boolean()
    text = Text()
    created_at = fields.AwareDateTime()
    resolution = Text(allow_none=True)
    reply = Text()
    #: Accepted with a new wording: the entry before and after.
    change = fields.Dict(allow_none=True)
    resolved_by = Text(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)


class ReviewSchema(Schema):
    meeting_id = fields.Integer()
    state = Text()
    #: Whether the members may comment now.
    open = Boolean()
    round = fields.Integer(allow_none=True)
    deadline_at = fields.AwareDateTime(allow_none=True)
    deadline_passed = Boolean()
    rounds = fields.List(fields.Nested(ReviewRoundSchema))
    comments = fields.List(fields.Nested(ReviewCommentSchema))
    #: Comments not yet resolved: sending for approval is refused while any are.
    unresolved = fields.Integer()
