"""The meetings API's routes for tacit approval of minutes (approval mode ``tacit``): a
member objects before the time to object ends, and the minutes go back to the secretary.
On the meetings blueprint (``core.meetings.api``); docs/meetings.md."""

from __future__ import annotations

from core import transactions
from core.identity.permissions import Role, access, current_person
from core.meetings import operations as ops
from core.meetings import present
from core.meetings.api import _meeting, _rules, blp
from core.meetings.schemas import MinutesSchema, MinutesObjectionInputSchema
from core.tenancy import current_tenant, tenant_hooks


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
    return present.minutes_view(meeting, role, rules, current_tenant(), tenant_hooks())
