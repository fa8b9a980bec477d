"""The meetings API's routes for the minutes: the draft's entries and dissents, sending,
approval in each mode (CORE-APPROVAL-MODE; in the mode ``tacit`` a member objects before the
time to object ends and the minutes go back to the secretary), corrections of final minutes.
On the meetings blueprint (``core.meetings.api``); docs/meetings.md."""

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
)
from core.tenancy import current_tenant, tenant_hooks


def _minutes(meeting, role: Role, rules=None):
    """The answer of every minutes route: every version of the minutes, as ``role`` reads them."""
    return present.minutes_view(meeting, role, rules or _rules(meeting.body), current_tenant(),
                                tenant_hooks())


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
    ops.write_entry(meeting, ops.get_item(meeting, item_id), data)
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
