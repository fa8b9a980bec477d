"""Marshmallow schemas for proposals, hearings and follow-ups."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from core.fields import Text, VisibleText
from core.openapi import Boolean


class ProposalCreateSchema(Schema):
    #: The body the proposal starts in (its key).
    body = Text(required=True, validate=validate.Length(min=1, max=64))
    title = VisibleText(required=True, validate=validate.Length(min=1, max=300))
    text = VisibleText(required=True, validate=validate.Length(min=1))
    decision_sought = VisibleText(required=True, validate=validate.Length(min=1))
    topics = fields.List(VisibleText(validate=validate.Length(min=1, max=64)), load_default=list)
    plan = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    district = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))


class DecisionSchema(Schema):
    #: The body whose decision (or position) this is.
    body = Text(required=True)
    outcome = Text(required=True, validate=validate.OneOf(["adopted", "rejected"]))
    text = VisibleText(required=True, validate=validate.Length(min=1))


class HearingOpenSchema(Schema):
    deadline_at = fields.AwareDateTime(required=True, default_timezone=None)
    remind_days_before = fields.Integer(load_default=3, validate=validate.Range(min=0, max=60))
    #: Organisation codes; by default those the route names.
    organisations = fields.List(Text(), load_default=None, allow_none=True)


class HearingResponseCreateSchema(Schema):
    organisation = Text(required=True)
    kind = Text(required=True, validate=validate.OneOf(["comments", "no_comments"]))
    text = Text(load_default="")
    #: The secretariat records an answer received on paper (or by mail); it is marked as
    #: recorded by them. Implied for the secretariat answering for an organisation it does
    #: not act for.
    on_paper = Boolean(load_default=False)
    #: For a paper answer: when it was received (decides whether it was late); default now.
    received_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=None)


class HearingLinkAnswerSchema(Schema):
    """The answer given through a hearing contact's personal link."""

    kind = Text(required=True, validate=validate.OneOf(["comments", "no_comments"]))
    text = Text(load_default="")


class HearingLinkAttachmentSchema(Schema):
    id = fields.Integer()
    filename = Text()
    content_type = Text()
    size_bytes = fields.Integer()


class HearingLinkSchema(Schema):
    """What a personal link shows: the proposal and its attachments, the organisation it
    answers for, the deadline, and until when the link works. Nothing else."""

    tenant = Text()
    body = Text()
    organisation = Text()
    organisation_name = Text()
    title = Text()
    text = Text()
    decision_sought = Text()
    attachments = fields.List(fields.Nested(HearingLinkAttachmentSchema))
    deadline_at = fields.DateTime()
    expires_at = fields.DateTime()
    #: The deadline has passed: an answer now is recorded as late (CORE-HEARING).
    is_late = Boolean()
    clause = Text(allow_none=True)


class HearingReceiptSchema(Schema):
    """The organisation's answer as received."""

    organisation = fields.Function(lambda r: r.organisation.code)
    kind = fields.Function(lambda r: r.kind.value)
    text = Text()
    is_late = Boolean()
    channel = fields.Function(lambda r: r.channel.value)
    responded_at = fields.DateTime()


class FollowUpDoneSchema(Schema):
    note = Text(load_default="")


class AttachmentUploadSchema(Schema):
    file = Upload(required=True)


class ProposalAttachmentSchema(Schema):
    id = fields.Integer()
    filename = Text()
    content_type = Text()
    size_bytes = fields.Integer()
    sha256 = Text()
    created_at = fields.DateTime()


class AnswerSchema(Schema):
    organisation = Text()
    organisation_name = Text()
    #: comments, no_comments or missing.
    status = Text()
    is_late = Boolean()
    is_overdue = Boolean()
    responded_at = Text(allow_none=True)
    text = Text()
    #: platform, link (a hearing contact's personal link) or paper (recorded by the
    #: secretariat); None while missing.
    channel = Text(allow_none=True)
    #: Who answered on the platform, or the hearing contact whose link answered.
    answered_by = Text(allow_none=True)
    #: For an answer received on paper: who in the secretariat recorded it.
    recorded_by = Text(allow_none=True)


class HearingSchema(Schema):
    id = fields.Integer()
    deadline_at = fields.DateTime()
    remind_days_before = fields.Integer()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    answers = fields.List(fields.Nested(AnswerSchema))


class StepSchema(Schema):
    position = fields.Integer()
    kind = fields.Function(lambda s: s.kind.value)
    action = Text()
    body = fields.Function(lambda s: s.body.key if s.body is not None else None)
    body_name = fields.Function(lambda s: s.body.name if s.body is not None else None)
    organisations = fields.List(Text())
    clause = Text(allow_none=True)
    state = fields.Function(lambda s: s.state.value)
    outcome = fields.Function(lambda s: s.outcome.value if s.outcome is not None else None)
    decision_text = Text()
    provenance = fields.Dict(allow_none=True)
    meeting_id = fields.Integer(allow_none=True)
    agenda_item_id = fields.Integer(allow_none=True)
    standing_item = fields.Function(
        lambda s: s.standing_item.title if s.standing_item is not None else None
    )
    arrived_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.Function(lambda s: s.completed_by.name if s.completed_by else None)
    hearing = fields.Method("_hearing", allow_none=True)

    def _hearing(self, step):
        from core.proposals.operations import hearing_overview

        h = step.hearing
        if h is None:
            return None
        return HearingSchema().dump({
            "id": h.id, "deadline_at": h.deadline_at, "remind_days_before": h.remind_days_before,
            "opened_at": h.opened_at, "closed_at": h.closed_at, "answers": hearing_overview(h),
        })


class EventSchema(Schema):
    kind = Text()
    #: What happened, in Danish: the record, as stored.
    message = Text()
    #: The same in English, worded from ``kind`` and ``data`` (core/proposals/history.py);
    #: the Danish message for a kind the core does not know.
    text_en = fields.Method("_text_en")
    clause = Text(allow_none=True)
    step = fields.Function(lambda e: e.step.position if e.step is not None else None)
    actor = fields.Function(lambda e: e.actor.name if e.actor is not None else None)
    data = fields.Dict()
    created_at = fields.DateTime()

    def _text_en(self, event):
        from core.proposals.history import describe_en

        return describe_en(event)


class FollowUpSchema(Schema):
    id = fields.Integer()
    proposal_id = fields.Integer()
    assignee_kind = Text()
    assignee = Text()
    title = Text()
    clause = Text(allow_none=True)
    source = Text()
    state = fields.Function(lambda t: t.state.value)
    note = Text()
    created_at = fields.DateTime()
    done_at = fields.DateTime(allow_none=True)


class WhereSchema(Schema):
    state = Text()
    step = fields.Integer(allow_none=True)
    body = Text(allow_none=True)
    text = Text()
    text_en = Text()


class ProposalSummarySchema(Schema):
    id = fields.Integer()
    title = Text()
    origin = fields.Function(lambda p: p.origin_body.key)
    state = fields.Function(lambda p: p.state.value)
    where = fields.Method("_where")
    created_at = fields.DateTime()

    def _where(self, p):
        from core.proposals.operations import where_is

        return WhereSchema().dump(where_is(p))


class ProposalSchema(ProposalSummarySchema):
    text = Text()
    decision_sought = Text()
    topics = fields.List(Text())
    plan = Text(allow_none=True)
    district = Text(allow_none=True)
    proposed_by = fields.Function(lambda p: p.proposed_by.name if p.proposed_by else None)
    route = fields.Function(lambda p: {
        "reason": p.route_reason, "clause": p.route_clause, "source": p.route_source,
    })
    origin_verdict = fields.Dict()
    closed_at = fields.DateTime(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))
    history = fields.List(fields.Nested(EventSchema), attribute="events")
    attachments = fields.List(fields.Nested(ProposalAttachmentSchema))
    follow_ups = fields.List(fields.Nested(FollowUpSchema))
