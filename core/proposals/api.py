"""JSON API: proposals routed between bodies, their hearings, decisions and follow-ups."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_smorest import abort

from core import clock, files, transactions
from core.bodies.models import Body
from core.extensions import db
from core.identity.permissions import Role, access, check_param, current_person, refuse
from core.openapi import Blueprint, file_response
from core.organisations.models import Organisation
from core.proposals import operations
from core.proposals.models import Proposal, ProposalAttachment, ResponseChannel, ResponseKind
from core.proposals.schemas import (
    AttachmentUploadSchema,
    DecisionSchema,
    FollowUpDoneSchema,
    FollowUpSchema,
    HearingLinkAnswerSchema,
    HearingLinkSchema,
    HearingOpenSchema,
    HearingReceiptSchema,
    HearingResponseCreateSchema,
    ProposalAttachmentSchema,
    ProposalCreateSchema,
    ProposalSchema,
    ProposalSummarySchema,
)
from core.tenancy import bind_tenant, current_tenant, tenant_hooks

blp = Blueprint(
    "proposals", __name__, url_prefix="/api/v1/tenants/<tenant>/proposals",
    description="Proposals routed between bodies, hearings and follow-ups",
)
bind_tenant(blp)



def _body(key: str) -> Body:
    body = db.session.scalar(sa.select(Body).filter_by(key=key))
    if body is None:
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"body": [f"No body {key!r} in this tenant."]}})
    return body


def _visible(proposal_id: int):
    """Load a proposal the user may see; 404 for anyone else."""
    proposal = operations.get_proposal(proposal_id)
    if not operations.can_see(current_person(), current_tenant(), proposal):
        abort(404, message="Not found.")
    return proposal


@check_param("proposal_id")
def _pre_check(proposal_id: int, declared: Role) -> None:
    """Before the input is parsed: the proposal is visible, and a secretary's action is
    asked by a secretary of a body it passes (the handler then checks the exact body)."""
    proposal = _visible(proposal_id)
    if declared >= Role.BODY_SECRETARY:
        bodies = [proposal.origin_body, *(s.body for s in proposal.steps if s.body is not None)]
        _forbid_unless(any(operations.may_manage(current_person(), current_tenant(), b) for b in bodies))


def _forbid_unless(allowed: bool, body=None, **reason):
    """403 unless ``allowed``: a secretary's action (of ``body``), or one whose ``reason``
    says who may."""
    if not allowed:
        refuse(Role.BODY_SECRETARY, body, **reason)


@blp.route("", methods=["POST"])
@blp.arguments(ProposalCreateSchema)
@blp.response(201, ProposalSchema)
@access(Role.AUTHENTICATED)
def start(data):
    """Start a proposal in a body; its route comes from the tenant's rules."""
    origin = _body(data.pop("body"))
    proposal = operations.start_proposal(
        tenant_hooks(), current_tenant(), origin=origin, proposer=current_person(), **data
    )
    transactions.commit()
    return proposal


@blp.route("")
@blp.response(200, ProposalSummarySchema(many=True))
@access(Role.AUTHENTICATED)
def list_proposals():
    """The proposals the user may follow, with where each is now; 404 to a user who takes
    no part in the tenant (docs/permissions.md)."""
    _require_taking_part()
    return operations.visible_proposals(current_person(), current_tenant())


def _require_taking_part() -> None:
    if not operations.takes_part(current_person(), current_tenant()):
        abort(404, message="Not found.")


@blp.route("/follow-ups")
@blp.response(200, FollowUpSchema(many=True))
@access(Role.AUTHENTICATED)
def list_open_follow_ups():
    """Follow-ups not yet done (CORE-FOLLOW-UPS), on the proposals the user may follow; 404
    to a user who takes no part in the tenant."""
    _require_taking_part()
    return operations.open_follow_ups(current_person(), current_tenant())


@blp.route("/<int:proposal_id>")
@blp.response(200, ProposalSchema)
@access(Role.AUTHENTICATED)
def get_proposal(proposal_id: int):
    """A proposal: its route, where it is, its hearing, its history and follow-ups."""
    return _visible(proposal_id)


@blp.route("/<int:proposal_id>/decision", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, ProposalSchema)
@access(Role.BODY_SECRETARY)
def decide(data, proposal_id: int):
    """Record the decision (or position) of the body the proposal is at, by its secretary."""
    proposal = _visible(proposal_id)
    body = _body(data["body"])
    _forbid_unless(operations.may_manage(current_person(), current_tenant(), body), body)
    operations.record_decision(
        tenant_hooks(), current_tenant(), proposal, body,
        passed=data["outcome"] == "adopted", text=data["text"],
        provenance={"by": "secretary", "user": current_person().email}, actor=current_person(),
    )
    transactions.commit()
    return proposal


@blp.route("/<int:proposal_id>/place", methods=["POST"])
@blp.response(200, ProposalSchema)
@access(Role.BODY_SECRETARY)
def place(proposal_id: int):
    """Put the current step on its body's next planned meeting (once one is planned)."""
    proposal = _visible(proposal_id)
    step = operations.body_step_now(proposal)
    _forbid_unless(operations.may_manage(current_person(), current_tenant(), step.body), step.body)
    operations.place_current_step(tenant_hooks(), current_tenant(), proposal)
    transactions.commit()
    return proposal


@blp.route("/<int:proposal_id>/hearing", methods=["POST"])
@blp.arguments(HearingOpenSchema)
@blp.response(200, ProposalSchema)
@access(Role.BODY_SECRETARY)
def open_hearing(data, proposal_id: int):
    """Send the proposal to hearing: the organisations asked and the deadline."""
    proposal = _visible(proposal_id)
    _forbid_unless(operations.may_manage(current_person(), current_tenant(), proposal.origin_body),
                   proposal.origin_body)
    operations.open_hearing(proposal, actor=current_person(), **data)
    transactions.commit()
    return proposal


@blp.route("/<int:proposal_id>/hearing/responses", methods=["POST"])
@blp.arguments(HearingResponseCreateSchema)
@blp.response(201, ProposalSchema)
@blp.alt_response(200, schema=ProposalSchema, description="The same answer was given before: nothing written.")
@access(Role.AUTHENTICATED)
def respond(data, proposal_id: int):
    """An organisation's one answer to the hearing: comments, or no comments, by someone
    who acts for it; or, by the secretariat, an answer received on paper (``on_paper``,
    with ``received_at``), marked as recorded by them. The same request again returns the
    answer given (200) and writes nothing; a different second answer is refused (409)."""
    proposal = _visible(proposal_id)
    org = db.session.scalar(sa.select(Organisation).filter_by(code=data["organisation"]))
    if org is None:
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"organisation": ["Unknown organisation."]}})
    user = current_person()
    channel = operations.answer_channel(user, current_tenant(), org, on_paper=data["on_paper"])
    kind = ResponseKind(data["kind"])
    existing = operations.existing_answer(proposal, org)
    if existing is not None and operations.same_answer(existing, kind=kind, text=data["text"], actor=user,
                                                       channel=channel):
        return proposal, 200
    operations.respond_to_hearing(
        proposal, org, kind=kind, text=data["text"], actor=user, channel=channel,
        received_at=data["received_at"] if channel is ResponseChannel.PAPER else None,
    )
    transactions.commit()
    return proposal


# --------------------------------------------------------------------------- the personal link


def _link(proposal_id: int, answer_token: str):
    """The proposal and the link ``answer_token`` opens on it; 404 for anything else (an
    unknown or altered token, another proposal's, another tenant's)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404, message="Not found.")
    return proposal, operations.find_link(proposal, answer_token)


def _working(link):
    state = operations.link_state(link)
    if state is not None:
        operations.refuse_spent_link(state)


@blp.route("/<int:proposal_id>/hearing/answer-links/<answer_token>")
@blp.response(200, HearingLinkSchema)
@blp.alt_response(410, description="The link is spent: used, expired or the hearing closed.")
@access(Role.PUBLIC)
def link_view(proposal_id: int, answer_token: str):
    """What a hearing contact's personal link shows, without a login (public by design:
    the token is the credential, docs/decisions/0037-hearing-answer-links.md): the
    proposal, its attachments and the deadline. 404 for a token that is not this
    proposal's; 410 once the link is spent."""
    proposal, link = _link(proposal_id, answer_token)
    _working(link)
    hearing = link.hearing
    return {
        "tenant": current_tenant().name, "body": proposal.origin_body.name,
        "organisation": link.organisation.code, "organisation_name": link.organisation.name,
        "title": proposal.title, "text": proposal.text, "decision_sought": proposal.decision_sought,
        "attachments": proposal.attachments, "deadline_at": hearing.deadline_at,
        "expires_at": link.expires_at, "is_late": clock.now() > hearing.deadline_at,
        "clause": hearing.step.clause or proposal.route_clause,
    }


@blp.route("/<int:proposal_id>/hearing/answer-links/<answer_token>", methods=["POST"])
@blp.arguments(HearingLinkAnswerSchema)
@blp.response(201, HearingReceiptSchema)
@blp.alt_response(200, schema=HearingReceiptSchema, description="The same answer was given before: nothing written.")
@blp.alt_response(410, description="The link is spent: used, expired or the hearing closed.")
@access(Role.PUBLIC)
def link_answer(data, proposal_id: int, answer_token: str):
    """The organisation's one answer through its hearing contact's link; the link is spent
    with it. After the deadline it is accepted and recorded as late (CORE-HEARING).
    The same request again returns the answer given (200)."""
    proposal, link = _link(proposal_id, answer_token)
    response, created = operations.answer_by_link(proposal, link, kind=ResponseKind(data["kind"]),
                                                  text=data["text"])
    transactions.commit()
    return response, 201 if created else 200


@blp.route("/<int:proposal_id>/hearing/answer-links/<answer_token>/attachments/<int:attachment_id>")
@blp.doc(**file_response("*/*", "The attachment, with the content type it was uploaded with."))
@access(Role.PUBLIC)
def link_attachment(proposal_id: int, answer_token: str, attachment_id: int):
    """One of the proposal's attachments, for the link's holder while the link works."""
    proposal, link = _link(proposal_id, answer_token)
    _working(link)
    resp = attachment_response(proposal, attachment_id)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@blp.route("/<int:proposal_id>/hearing/close", methods=["POST"])
@blp.response(200, ProposalSchema)
@access(Role.BODY_SECRETARY)
def close_hearing(proposal_id: int):
    """Collect the answers and move the proposal on with them."""
    proposal = _visible(proposal_id)
    _forbid_unless(operations.may_manage(current_person(), current_tenant(), proposal.origin_body),
                   proposal.origin_body)
    operations.close_hearing(tenant_hooks(), current_tenant(), proposal, actor=current_person())
    transactions.commit()
    return proposal


@blp.route("/<int:proposal_id>/attachments", methods=["POST"])
@blp.arguments(AttachmentUploadSchema, location="files")
@blp.response(201, ProposalAttachmentSchema)
@access(Role.AUTHENTICATED)
def attach(files, proposal_id: int):
    """Attach a file (bilag): PDF, office documents, images or text, within the size limit."""
    proposal = _visible(proposal_id)
    user = current_person()
    _forbid_unless(
        proposal.proposed_by_id == user.id
        or operations.may_manage(user, current_tenant(), proposal.origin_body),
        **operations.MAY_ATTACH,
    )
    upload = files["file"]
    attachment = operations.add_attachment(
        proposal, filename=upload.filename or "", stream=upload.stream, actor=user
    )
    transactions.commit()
    return attachment


@blp.route("/<int:proposal_id>/attachments/<int:attachment_id>")
@blp.doc(**file_response("*/*", "The attachment, with the content type it was uploaded with."))
@access(Role.AUTHENTICATED)
def download(proposal_id: int, attachment_id: int):
    """Download an attachment, as stored."""
    return attachment_response(_visible(proposal_id), attachment_id)


def attachment_response(proposal, attachment_id: int) -> Response:
    """One of the proposal's attachments as a download (the API's and the page's)."""
    attachment = db.session.get(ProposalAttachment, attachment_id)
    if attachment is None or attachment.proposal_id != proposal.id:
        abort(404, message="Not found.")
    content = operations.attachment_content(attachment)
    resp = Response(content, mimetype=attachment.content_type)
    resp.headers["Content-Disposition"] = files.content_disposition(attachment.filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Digest"] = f"sha-256={attachment.sha256}"
    return resp


@blp.route("/<int:proposal_id>/follow-ups/<int:task_id>/done", methods=["POST"])
@blp.arguments(FollowUpDoneSchema)
@blp.response(200, FollowUpSchema)
@access(Role.AUTHENTICATED)
def follow_up_done(data, proposal_id: int, task_id: int):
    """Mark a follow-up done: by those who act for the organisation, the secretary of the
    body concerned or of the deciding body, or the secretariat."""
    proposal = _visible(proposal_id)
    task = operations.get_follow_up(proposal, task_id)
    user = current_person()
    _forbid_unless(operations.may_complete_follow_up(user, current_tenant(), proposal, task),
                   **operations.MAY_COMPLETE)
    operations.complete_follow_up(proposal, task, note=data["note"], actor=user)
    transactions.commit()
    return task
