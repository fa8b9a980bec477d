"""The meetings API's routes for the minutes: the draft's entries and dissents, sending,
approval in each mode (CORE-APPROVAL-MODE; in the mode ``tacit`` a member objects before the
time to object ends and the minutes go back to the secretary), corrections of final minutes,
and the review round of the draft (gennemlæsning: sending, members' comments, the secretary's
resolutions; core/meetings/operations/review.py). On the meetings blueprint (``core.meetings.api``); docs/meetings.md."""

from __future__ import annotations

from core import transactions
from core.identity.permissions import Role, access, current_person
from core.meetings import operations as ops
from core.meetings import present
from core.meetings.api import SEES, _meeting, _rules, _view, blp
from core.meetings.schemas import (
    ApproveInputSchema,
    CorrectionSchema,
    DissentInputSchema,
    MeetingSchema,
    MinutesEntryInputSchema,
    MinutesObjectionInputSchema,
    MinutesSchema,
    ReviewCommentInputSchema,
    ReviewCommentSchema,
    ReviewResolveInputSchema,
    ReviewSchema,
    ReviewSendInputSchema,
)
from core.tenancy import current_tenant, tenant_hooks


def _minutes(meeting, role: Role, rules=None):
    """The answer of every minutes route: every version of the minutes, as ``role`` reads them."""
    return present.minutes_view(meeting, role, rules or _rules(meeting.body), current_tenant(),
                                tenant_hooks(), ops.hidden_items(meeting, current_person()))


@blp.route("/meetings/<int:meeting_id>/minutes")
@blp.response(200, MinutesSchema)
@access(Role.INFORMATION_RECIPIENT)
def get_minutes(meeting_id: int):
    """Every version of the minutes, with approvals."""
    meeting, role = _meeting(meeting_id, SEES)
    return _minutes(meeting, role)


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>/minutes", methods=["PUT"])
@blp.arguments(MinutesEntryInputSchema)
@blp.response(200, MinutesSchema)
@access(Role.BODY_SECRETARY)
def write_minutes_entry(data, meeting_id: int, item_id: int):
    """Write the decision on an item (and dissents) in the draft minutes."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.write_entry(meeting, ops.get_item(meeting, item_id), data, current_person())
    transactions.commit()
    return _minutes(meeting, role)


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>/dissents", methods=["POST"])
@blp.arguments(DissentInputSchema)
@blp.response(200, MinutesSchema)
@access(Role.MEMBER)
def record_dissent(data, meeting_id: int, item_id: int):
    """A member asks for a dissent to be recorded (CORE-DISSENT)."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    ops.record_dissent(meeting, ops.get_item(meeting, item_id), current_person(), data["text"],
                       tenant=current_tenant(), hooks=tenant_hooks())
    transactions.commit()
    return _minutes(meeting, role)


@blp.route("/meetings/<int:meeting_id>/send-minutes", methods=["POST"])
@blp.response(200, MeetingSchema)
@access(Role.BODY_SECRETARY)
def send_minutes(meeting_id: int):
    """Send the minutes; after the minutes deadline it is recorded as a breach
    (CORE-MINUTES-DUE-DAYS)."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.send_minutes(meeting, _rules(meeting.body))
    transactions.commit()
    return _view(meeting, role)


@blp.route("/meetings/<int:meeting_id>/minutes/approvals", methods=["POST"])
@blp.response(200, MinutesSchema)
@access(Role.MEMBER)
def approve_as_member(meeting_id: int):
    """A member approves the minutes (CORE-APPROVAL-MODE: by e-mail, by the deadline)."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    ops.approve_by_member(meeting, current_person(), _rules(meeting.body), current_tenant(), tenant_hooks())
    transactions.commit()
    return _minutes(meeting, role)


@blp.route("/meetings/<int:meeting_id>/minutes/approve", methods=["POST"])
@blp.arguments(ApproveInputSchema)
@blp.response(200, MinutesSchema)
@access(Role.BODY_SECRETARY)
def approve_by_body(data, meeting_id: int):
    """Record approval at the next meeting or by the board (CORE-APPROVAL-MODE)."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.approve_by_body(meeting, data.get("at_meeting"), _rules(meeting.body), actor_id=current_person().id)
    transactions.commit()
    return _minutes(meeting, role)


@blp.route("/meetings/<int:meeting_id>/minutes/corrections", methods=["POST"])
@blp.arguments(CorrectionSchema)
@blp.response(201, MinutesSchema)
@access(Role.BODY_SECRETARY)
def correct_minutes(data, meeting_id: int):
    """Correct final minutes: a new version with its reason."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.correct_minutes(meeting, data["reason"], data["entries"], current_person())
    transactions.commit()
    return _minutes(meeting, role)


@blp.route("/meetings/<int:meeting_id>/minutes/objections", methods=["POST"])
@blp.arguments(MinutesObjectionInputSchema)
@blp.response(201, MinutesSchema)
@access(Role.MEMBER)
def object_to_minutes(data, meeting_id: int):
    """A member objects to minutes sent for tacit approval, before the time to object ends:
    the objection is recorded and the minutes go back to the secretary, who sends them again."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    rules = _rules(meeting.body)
    ops.object_to_minutes(meeting, current_person(), data["text"], rules, current_tenant(), tenant_hooks())
    transactions.commit()
    return _minutes(meeting, role, rules)


# --------------------------------------------------------------------------- review round


def _review(meeting, role: Role):
    return ops.review_view(meeting, role, current_person())


@blp.route("/meetings/<int:meeting_id>/minutes/review")
@blp.response(200, ReviewSchema)
@access(Role.MEMBER)
def get_review(meeting_id: int):
    """The review round of the draft minutes: each round's draft as sent, the comments
    (a closed item's only to those who read it, CORE-CLOSED-ITEMS) and how many are left to
    resolve. For the body's members and secretariat; information recipients take no part."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    return _review(meeting, role)


@blp.route("/meetings/<int:meeting_id>/minutes/review", methods=["POST"])
@blp.arguments(ReviewSendInputSchema)
@blp.response(201, ReviewSchema)
@access(Role.BODY_SECRETARY)
def send_for_review(data, meeting_id: int):
    """Send the draft minutes to the members for comments (send til gennemlæsning), with an
    optional deadline; a changed draft sent again is a new round, the same one is no change."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.send_for_review(meeting, current_person(), data.get("deadline_at"))
    transactions.commit()
    return _review(meeting, role)


@blp.route("/meetings/<int:meeting_id>/minutes/review/comments", methods=["POST"])
@blp.arguments(ReviewCommentInputSchema)
@blp.response(201, ReviewCommentSchema)
@access(Role.MEMBER)
def comment_on_review(data, meeting_id: int):
    """A member comments on an item of the draft minutes (``item_id``) or on the minutes as
    a whole (no ``item_id``), while the round is open and before its deadline."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    comment = ops.add_review_comment(meeting, current_person(), role, data.get("item_id"), data["text"])
    transactions.commit()
    return next(c for c in _review(meeting, role)["comments"] if c["id"] == comment.id)


@blp.route("/meetings/<int:meeting_id>/minutes/review/comments/<int:review_comment_id>", methods=["POST"])
@blp.arguments(ReviewResolveInputSchema)
@blp.response(200, ReviewCommentSchema)
@access(Role.BODY_SECRETARY)
def resolve_review_comment(data, meeting_id: int, review_comment_id: int):
    """The secretary resolves a comment: ``accepted`` (for an item, with its new
    ``decision`` written into the draft) or ``answered`` (with a ``reply``)."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    comment = ops.get_review_comment(meeting, review_comment_id, role)
    ops.resolve_review_comment(meeting, comment, current_person(), data)
    transactions.commit()
    return next(c for c in _review(meeting, role)["comments"] if c["id"] == comment.id)
