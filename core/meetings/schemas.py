"""Marshmallow schemas for meetings: ``<Thing>Schema`` for output, ``…CreateSchema`` for input."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.meetings.models import ActingAs, AttendanceStatus, ItemKind, MeetingKind, MeetingState
from core.meetings.operations import CONFIDENTIALITY_REASONS
from core.openapi import Boolean


def _values(enum_cls):
    return [m.value for m in enum_cls]


# --------------------------------------------------------------------------- input


class GuestSchema(Schema):
    #: A guest invited to one item (ALB-R5, SLA-13, KBH-8).
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation = fields.String(load_default="", validate=validate.Length(max=200))
    email = fields.Email(load_default="")


class MeetingCreateSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    kind = fields.String(load_default="ordinary", validate=validate.OneOf(_values(MeetingKind)))
    title = fields.String(load_default="", validate=validate.Length(max=200))
    duration_minutes = fields.Integer(load_default=None, validate=validate.Range(min=15, max=24 * 60))
    location = fields.String(load_default="", validate=validate.Length(max=300))
    online_url = fields.Url(load_default="")
    #: For an extraordinary meeting: on whose behalf it is called (ALB-B7, SLA-7).
    on_behalf_of = fields.String(
        load_default="self", validate=validate.OneOf(["self", "body", "secretariat", "members_majority"])
    )
    call_reason = fields.String(load_default="", validate=validate.Length(max=2000))
    #: With ``members_majority``: the members who back the call (SLA-7).
    supporters = fields.List(fields.Email(), load_default=list)


class PlannedMeetingSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    title = fields.String(load_default="", validate=validate.Length(max=200))
    duration_minutes = fields.Integer(load_default=None, validate=validate.Range(min=15, max=24 * 60))
    location = fields.String(load_default="", validate=validate.Length(max=300))
    online_url = fields.Url(load_default="")


class PlanSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    meetings = fields.List(fields.Nested(PlannedMeetingSchema), required=True,
                           validate=validate.Length(min=1, max=60))


class MeetingUpdateSchema(Schema):
    starts_at = fields.AwareDateTime()
    title = fields.String(validate=validate.Length(max=200))
    duration_minutes = fields.Integer(validate=validate.Range(min=15, max=24 * 60))
    location = fields.String(validate=validate.Length(max=300))
    online_url = fields.Url()


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class _ItemFields(Schema):
    kind = fields.String(validate=validate.OneOf(_values(ItemKind)))
    title = fields.String(validate=validate.Length(min=1, max=300))
    case_text = fields.String()
    recommendation = fields.String()
    is_confidential = Boolean()
    confidentiality_reason = fields.String(
        validate=validate.OneOf(list(CONFIDENTIALITY_REASONS) + [""])
    )
    topics = fields.List(fields.String(validate=validate.Length(max=64)))
    plan = fields.String(allow_none=True, validate=validate.Length(max=200))
    district = fields.String(allow_none=True, validate=validate.Length(max=200))
    guests = fields.List(fields.Nested(GuestSchema))


class ItemCreateSchema(_ItemFields):
    kind = fields.String(required=True, validate=validate.OneOf(_values(ItemKind)))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))

    @validates_schema
    def _closed_needs_reason(self, data, **kwargs):
        if data.get("is_confidential") and not data.get("confidentiality_reason"):
            raise ValidationError("Et lukket punkt kræver en begrundelse.", "confidentiality_reason")


class ItemUpdateSchema(_ItemFields):
    position = fields.Integer(validate=validate.Range(min=1))


class AttendanceInputSchema(Schema):
    status = fields.String(load_default="present", validate=validate.OneOf(_values(AttendanceStatus)))
    person = fields.Email(load_default=None, allow_none=True)
    acting_as = fields.String(load_default="holder", validate=validate.OneOf(_values(ActingAs)))


class DelegationCreateSchema(Schema):
    seat = fields.String(required=True)
    to_organisation = fields.String(required=True)
    to_person = fields.Email(load_default=None, allow_none=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class MinutesDissentSchema(Schema):
    by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    text = fields.String(required=True, validate=validate.Length(min=1))
    email = fields.String(load_default="")
    organisation = fields.String(load_default="")


class MinutesEntryInputSchema(Schema):
    decision = fields.String()
    public_decision = fields.String()
    dissents = fields.List(fields.Nested(MinutesDissentSchema))


class DissentInputSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ApproveInputSchema(Schema):
    #: The meeting at which the minutes were approved (ALB-S4; optional for SLA-9).
    at_meeting = fields.Integer(load_default=None, allow_none=True)


class CorrectionEntrySchema(MinutesEntryInputSchema):
    item_id = fields.Integer(required=True)


class CorrectionSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    entries = fields.List(fields.Nested(CorrectionEntrySchema), load_default=list)


class YearQuerySchema(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


class UploadSchema(Schema):
    file = Upload(required=True)


# --------------------------------------------------------------------------- output


class ItemAttachmentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    created_at = fields.AwareDateTime()


class ItemSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    kind = fields.Function(lambda i: i.kind.value)
    title = fields.String()
    case_text = fields.String()
    recommendation = fields.String()
    is_confidential = Boolean()
    confidentiality_reason = fields.String()
    standing_clause = fields.String(allow_none=True)
    topics = fields.List(fields.String())
    plan = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    guests = fields.List(fields.Dict())
    submitted_by = fields.Function(lambda i: getattr(i, "submitted_by_email", None))
    approves_minutes_of_id = fields.Integer(allow_none=True)
    attachments = fields.List(fields.Nested(ItemAttachmentSchema))


class DeadlinesSchema(Schema):
    agenda_due_at = fields.AwareDateTime(allow_none=True)
    agenda_clause = fields.String(allow_none=True)
    submission_due_at = fields.AwareDateTime(allow_none=True)
    submission_clause = fields.String(allow_none=True)
    minutes_due_at = fields.AwareDateTime(allow_none=True)
    minutes_clause = fields.String(allow_none=True)
    approval_mode = fields.String()
    approval_due_at = fields.AwareDateTime(allow_none=True)
    approval_clause = fields.String(allow_none=True)


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
    clause = fields.String(allow_none=True)


class MeetingSummarySchema(Schema):
    id = fields.Integer()
    body = fields.Function(lambda m: m.body.key)
    kind = fields.Function(lambda m: m.kind.value)
    state = fields.Function(lambda m: m.state.value)
    title = fields.String()
    starts_at = fields.AwareDateTime()
    duration_minutes = fields.Integer()
    location = fields.String()
    online_url = fields.String()


class MeetingSchema(MeetingSummarySchema):
    call_reason = fields.String()
    agenda_published_at = fields.AwareDateTime(allow_none=True)
    held_at = fields.AwareDateTime(allow_none=True)
    minutes_sent_at = fields.AwareDateTime(allow_none=True)
    minutes_approved_at = fields.AwareDateTime(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = fields.String()
    minutes_approval = fields.Dict(allow_none=True)
    deadlines = fields.Nested(DeadlinesSchema)
    items = fields.List(fields.Nested(ItemSchema))
    attendance = fields.List(fields.Nested(AttendanceSchema))
    breaches = fields.List(fields.Nested(BreachSchema))


class MinutesEntrySchema(Schema):
    item_id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    is_confidential = Boolean()
    decision = fields.String()
    public_decision = fields.String()
    dissents = fields.List(fields.Dict())
    #: The result when a motion decided the item (adopted, rejected, not_quorate).
    result = fields.String(allow_none=True)
    #: The motion's explained outcome (empty for a closed item shown to non-members).
    explanation = fields.String()


class MinutesVersionSchema(Schema):
    number = fields.Integer()
    correction_reason = fields.String()
    approved_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    entries = fields.List(fields.Nested(MinutesEntrySchema))
    approved_by = fields.List(fields.String())


class MinutesSchema(Schema):
    meeting_id = fields.Integer()
    state = fields.String()
    approval_mode = fields.String()
    approval = fields.Dict(allow_none=True)
    awaiting_approval_from = fields.List(fields.String())
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
    body = fields.String()
    year = fields.Integer()
    meetings_required = fields.Integer()
    meetings_required_clause = fields.String(allow_none=True)
    meetings_planned = fields.Integer()
    meetings_held = fields.Integer()
    extraordinary_held = fields.Integer()
    meetings_cancelled = fields.Integer()
    requirement_met = Boolean()
    agendas_published = fields.Integer()
    agendas_on_time = fields.Integer()
    agenda_clause = fields.String(allow_none=True)
    minutes_sent = fields.Integer()
    minutes_on_time = fields.Integer()
    minutes_clause = fields.String(allow_none=True)
    approval_mode = fields.String()
    minutes_approved = fields.Integer(allow_none=True)
    minutes_approved_on_time = fields.Integer(allow_none=True)
    breaches = fields.List(fields.Dict())
    overdue = fields.List(fields.Dict())


# --------------------------------------------------------------------------- public


class PublicItemSchema(Schema):
    position = fields.Integer()
    kind = fields.String()
    title = fields.String()
    is_confidential = Boolean()
    case_text = fields.String()
    recommendation = fields.String()
    decision = fields.String(allow_none=True)
    result = fields.String(allow_none=True)
    explanation = fields.String(allow_none=True)


class PublicMeetingSchema(Schema):
    id = fields.Integer()
    body = fields.String()
    body_name = fields.String()
    kind = fields.String()
    state = fields.String()
    title = fields.String()
    starts_at = fields.AwareDateTime()
    location = fields.String()
    agenda_published_at = fields.AwareDateTime(allow_none=True)
    minutes_approved_at = fields.AwareDateTime(allow_none=True)
    minutes_version = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(PublicItemSchema))


__all__ = [n for n in dir() if n.endswith("Schema")] + ["MeetingState"]
