"""The meetings API's routes for disqualification (inhabilitet, forvaltningsloven § 3) on an
agenda item: the item's disqualifications, a member declaring it (or the chair, the meeting
leader or the secretary recording it for a member), and withdrawing it before the item is
decided (core/meetings/operations/disqualification.py, CORE-DISQUALIFIED). On the meetings
blueprint (``core.meetings.api``); docs/meetings.md."""

from __future__ import annotations

from core import transactions
from core.identity.permissions import Role, access, current_person
from core.meetings import operations as ops
from core.meetings.api import _meeting, blp
from core.meetings.schemas import DisqualificationInputSchema, DisqualificationSchema


def _rows(meeting, item) -> list[dict]:
    return [ops.disqualification_dict(d) for d in ops.disqualifications(meeting).get(item.id, [])]


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>/disqualifications")
@blp.response(200, DisqualificationSchema(many=True))
@access(Role.MEMBER)
def list_disqualifications(meeting_id: int, item_id: int):
    """The item's disqualifications, standing and withdrawn (the body's members)."""
    meeting, _role = _meeting(meeting_id, Role.MEMBER)
    return _rows(meeting, ops.get_item(meeting, item_id))


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>/disqualifications", methods=["POST"])
@blp.arguments(DisqualificationInputSchema)
@blp.response(201, DisqualificationSchema)
@access(Role.MEMBER)
def declare_disqualification(data, meeting_id: int, item_id: int):
    """A member declares that they are disqualified on the item (``person`` empty), or the
    chair, the meeting leader or the secretary records it for a member (``person``), with a
    short reason (CORE-DISQUALIFIED). While it stands the member does not read the closed
    item's material and does not vote on it; the ``disqualification_effect`` rule says what
    becomes of their vote unit. 409 when it is already recorded or the item is decided;
    422 naming ``person`` for someone without a seat at the meeting."""
    meeting, _role = _meeting(meeting_id, Role.MEMBER)
    item = ops.get_item(meeting, item_id)
    row = ops.declare_disqualification(meeting, item, current_person(), reason=data["reason"],
                                       person=data.get("person"))
    transactions.commit()
    return ops.disqualification_dict(row)


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>/disqualifications/"
           "<int:disqualification_id>/withdraw", methods=["POST"])
@blp.response(200, DisqualificationSchema)
@access(Role.MEMBER)
def withdraw_disqualification(meeting_id: int, item_id: int, disqualification_id: int):
    """Withdraw a standing disqualification before the item is decided: whoever declared it,
    or the chair, the meeting leader or the secretary. The record stays; 409 the second
    time."""
    meeting, _role = _meeting(meeting_id, Role.MEMBER)
    item = ops.get_item(meeting, item_id)
    row = ops.withdraw_disqualification(meeting, item, ops.get_disqualification(item, disqualification_id),
                                        current_person())
    transactions.commit()
    return ops.disqualification_dict(row)
