"""A meeting's life: the annual plan, ordinary and extraordinary meetings, changes, and
recording it held or cancelled (the moves themselves are in ``states``; publishing the
agenda is in ``agenda``, sending and approving minutes in ``minutes``).
"""

from __future__ import annotations

import sqlalchemy as sa

from core import clock
from core.bodies.facts import body_facts
from core.bodies.models import Body, SeatRole
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.identity.permissions import Role, role_in_body
from core.meetings.models import Meeting, MeetingKind, MeetingState
from core.meetings.operations.agenda import _add_approval_item, _add_standing_items
from core.meetings.operations.compliance import meeting_rules, next_meeting
from core.meetings.operations.states import _move, _refuse_transition
from core.rules.types import Caller


def plan_year(body: Body, year: int, meetings: list[dict], tenant, hooks) -> list[Meeting]:
    """The annual plan: the year's ordinary meetings, fixed at the start of the year
    (ALB-B7, ALB-R2, ALB-S3; SLA-7: agreed at the year's last meeting)."""
    out = []
    for data in sorted(meetings, key=lambda d: d["starts_at"]):
        if data["starts_at"].year != year:
            refuse(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"meetings": [f"{data['starts_at'].isoformat()} is not in {year}."]}})
        out.append(_new_meeting(body, data, MeetingKind.ORDINARY, tenant, hooks))
    return out


def create_meeting(body: Body, data: dict, user: User, tenant, hooks) -> Meeting:
    """An ordinary meeting (by the secretariat) or an extraordinary one, called by those the
    rules allow (ALB-B7: the board or the secretariat; SLA-7: the chair, a majority of the
    members, or the competence chief)."""
    kind = MeetingKind(data.get("kind", "ordinary"))
    role = role_in_body(user, body)
    if kind is MeetingKind.ORDINARY:
        if role < Role.BODY_SECRETARY:
            refuse(403, message="Kun sekretariatet planlægger ordinære møder.",
                  reason_en="Only the secretariat plans ordinary meetings.")
        return _new_meeting(body, data, kind, tenant, hooks)

    caller = _caller(body, user, role, data)
    verdict = hooks.extraordinary_meeting_allowed(body=body_facts(body, tenant.slug), caller=caller)
    if not verdict.ok:
        refuse(422, message=verdict.reason, clause=verdict.clause, rule="extraordinary_meeting_allowed")
    meeting = _new_meeting(body, data, kind, tenant, hooks)
    meeting.called_by_id = user.id
    meeting.call_reason = (
        f"{data.get('call_reason', '').strip()} [{verdict.clause}: {verdict.reason}]".strip()
    )
    return meeting


def _caller(body: Body, user: User, role: Role, data: dict) -> Caller:
    """Who calls, checked: acting for the secretariat or the body needs that standing, and a
    majority of members needs their names."""
    today = clock.now().date()
    held = [s for s in body.seats if s.holder_id == user.id and s.is_valid_on(today)]
    roles = {s.role.value for s in held}
    if role >= Role.TENANT_ADMIN:
        roles.add("secretariat")
    on_behalf_of = data.get("on_behalf_of", "self")
    if on_behalf_of in ("secretariat", "body") and role < Role.BODY_SECRETARY:
        refuse(422, message="Kun sekretariatet kan indkalde på sekretariatets eller organets vegne.",
              clause=None, rule="extraordinary_meeting_allowed")
    if on_behalf_of == "members_majority":
        members = {
            s.holder.email for s in body.seats
            if s.holder is not None and s.is_valid_on(today) and s.role is not SeatRole.SECRETARY
        }
        supporters = {e.lower() for e in data.get("supporters", [])} | {user.email}
        backing = supporters & members
        if len(backing) * 2 <= len(members):
            refuse(422, message=f"Et flertal af medlemmerne skal stå bag: {len(backing)} af "
                  f"{len(members)} har tilsluttet sig.", clause=None,
                  rule="extraordinary_meeting_allowed")
    return Caller(
        person=user.email,
        roles=frozenset(roles),
        organisations=frozenset(a.organisation.code for a in user.affiliations),
        on_behalf_of=on_behalf_of,
    )


def _new_meeting(body: Body, data: dict, kind: MeetingKind, tenant, hooks) -> Meeting:
    if body.ended_on is not None:
        # The tenant file no longer names the body (``tenants sync`` ended it): its past
        # meetings stay, it takes no new ones.
        refuse(409, message=f"{body.name} er nedlagt (ophørt {body.ended_on:%d.%m.%Y}) og "
              "kan ikke få nye møder.", clause="CORE-BODY-ENDED", rule="body",
              reason_en=f"{body.name} was ended on {body.ended_on:%Y-%m-%d} and takes no new "
              "meetings.")
    meeting = Meeting(
        body=body,
        kind=kind,
        state=MeetingState.PLANNED,
        title=data.get("title", ""),
        starts_at=data["starts_at"],
        duration_minutes=data.get("duration_minutes") or body.meeting_duration_minutes or 120,
        location=data.get("location", ""),
        online_url=data.get("online_url", ""),
    )
    db.session.add(meeting)
    db.session.flush()
    _add_standing_items(meeting, tenant, hooks)
    # ALB-S4: minutes still awaiting approval go on this meeting's agenda.
    rules = meeting_rules(body, tenant, hooks)
    if rules.approval_mode == "next_meeting":
        prev = db.session.scalar(
            sa.select(Meeting).where(
                Meeting.body_id == body.id, Meeting.starts_at < meeting.starts_at,
                Meeting.state == MeetingState.MINUTES_SENT,
            ).order_by(Meeting.starts_at.desc()).limit(1)
        )
        if prev is not None and next_meeting(prev) is meeting:
            _add_approval_item(meeting, prev)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, data: dict) -> Meeting:
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        _refuse_transition(meeting, meeting.state, "ændres")
    moved = False
    for field in ("title", "starts_at", "duration_minutes", "location", "online_url"):
        if field in data and data[field] != getattr(meeting, field):
            setattr(meeting, field, data[field])
            moved = moved or field != "title"
    if moved and meeting.state is MeetingState.AGENDA_PUBLISHED:
        # Those invited are told again (core/notifications: ``meeting_changed``).
        meeting.revision += 1
    db.session.flush()
    return meeting


def record_held(meeting: Meeting) -> Meeting:
    at = clock.now()
    if meeting.state is MeetingState.AGENDA_PUBLISHED and at < meeting.starts_at:
        refuse(409, message="Mødet er ikke begyndt endnu; det kan ikke registreres som afholdt.",
              rule="meeting_lifecycle", clause=None)
    _move(meeting, MeetingState.HELD, "registreres som afholdt")
    meeting.held_at = at
    db.session.flush()
    return meeting


def cancel(meeting: Meeting, reason: str) -> Meeting:
    _move(meeting, MeetingState.CANCELLED, "aflyses")
    meeting.cancelled_at = clock.now()
    meeting.cancel_reason = reason
    db.session.flush()
    return meeting
