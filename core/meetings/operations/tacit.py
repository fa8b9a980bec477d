"""Tacit approval of minutes (stiltiende godkendelse, approval mode ``tacit``).

The minutes are approved when no member objects within the body's ``approval_due_days`` of
their being sent. A member's objection, with what it is about, sends them back to the
secretary (the meeting is *held* again, the draft open); sending them again starts a new
round with a new deadline, and the objection stays with the version it was made against.
The tick approves minutes whose round ended without an objection, as of the deadline
(docs/meetings.md, "Approving the minutes").
"""

from __future__ import annotations

from datetime import datetime

from core import clock
from core.audit import operations as audit
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.meetings.models import Meeting, MeetingState, MinutesObjection
from core.meetings.operations.compliance import deadlines
from core.meetings.operations.minutes import _finish_approval, expected_approvers
from core.meetings.operations.states import _refuse_transition
from core.rules.types import MeetingRules

#: Longest objection a member can write.
OBJECTION_MAX = 5000


def _clause(meeting: Meeting, rules: MeetingRules) -> str | None:
    return deadlines(meeting, rules).approval_clause


def object_to_minutes(meeting: Meeting, user: User, text: str, rules: MeetingRules,
                      tenant, hooks) -> MinutesObjection:
    """A member objects to minutes sent for tacit approval, before the deadline: the
    objection is recorded and the minutes go back to the secretary."""
    clause = _clause(meeting, rules)
    if rules.approval_mode != "tacit":
        refuse(409, message="Referatet godkendes ikke stiltiende i dette organ; der kan ikke gøres "
                            "indsigelse.", reason_en="The minutes of this body are not approved "
                            "tacitly; there is nothing to object to.", rule="meeting_rules", clause=clause)
    if meeting.state is not MeetingState.MINUTES_SENT:
        _refuse_transition(meeting, MeetingState.HELD, "få gjort indsigelse mod referatet")
    if user.id not in {u.id for u in expected_approvers(meeting, tenant, hooks)}:
        refuse(403, message="Kun organets medlemmer kan gøre indsigelse mod referatet.",
               reason_en="Only the body's members may object to the minutes.",
               rule="minutes_approvers", clause="CORE-APPROVERS")
    due = deadlines(meeting, rules).approval_due_at
    now = clock.now()
    if due is not None and now >= due:
        local = due.astimezone(clock.tenant_zone(tenant)).strftime("%d.%m.%Y kl. %H:%M")
        refuse(409, message=f"Fristen for indsigelser udløb {local}; referatet er godkendt stiltiende.",
               reason_en=f"The time to object ended {local}; the minutes are approved tacitly.",
               rule="meeting_rules", clause=clause)
    version = meeting.minutes_versions[0]
    objection = MinutesObjection(user=user, text=text, sent_at=meeting.minutes_sent_at, created_at=now)
    version.objections.append(objection)
    # Back to the secretary: the draft is open again, and a new sending starts a new round.
    meeting.state = MeetingState.HELD
    db.session.flush()
    audit.record("minutes.objection", f"meeting:{meeting.id}", {
        "version": version.number, "objection": objection.id, "clause": clause,
    }, actor_id=user.id)
    return objection


def tacit_approval_due(meeting: Meeting, rules: MeetingRules, now: datetime) -> bool:
    """Whether the round of minutes sent for tacit approval ended without an objection."""
    if rules.approval_mode != "tacit" or meeting.state is not MeetingState.MINUTES_SENT:
        return False
    due = deadlines(meeting, rules).approval_due_at
    return due is not None and now >= due and not any(
        o.sent_at == meeting.minutes_sent_at for o in meeting.minutes_versions[0].objections)


def approve_tacitly(meeting: Meeting, rules: MeetingRules, now: datetime) -> bool:
    """Approve minutes whose time to object has ended without an objection (run by the
    tick); approved as of the deadline, which is when the approval happened. ``True`` when
    they were approved now."""
    if not tacit_approval_due(meeting, rules, now):
        return False
    d = deadlines(meeting, rules)
    _finish_approval(meeting, rules, {
        "mode": "tacit", "clause": d.approval_clause,
        "reason": "Intet medlem gjorde indsigelse inden fristen.",
        "reason_en": "No member objected in time.",
    }, decided_at=d.approval_due_at)
    return True
