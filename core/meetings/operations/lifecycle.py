"""A meeting's life: the annual plan, ordinary and extraordinary meetings, changes,
opening it on its day (its session, CORE-SESSION), and recording it held or cancelled (the
moves themselves are in ``states``; publishing the agenda is in ``agenda``, sending and
approving minutes in ``minutes``).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from core import clock
from core.bodies.facts import body_facts
from core.bodies.models import Body, SeatRole
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.identity.permissions import Role, role_in_body
from core.meetings.models import AttendanceStatus, Meeting, MeetingKind, MeetingState
from core.meetings.operations.agenda import _add_approval_item, _add_standing_items
from core.meetings.operations.compliance import meeting_rules, next_meeting
from core.meetings.operations.states import SESSION_CLAUSE, _move, _refuse_transition
from core.rules.types import Caller, Verdict


def plan_year(body: Body, year: int, meetings: list[dict], tenant, hooks) -> list[Meeting]:
    """The annual plan: the year's ordinary meetings, fixed at the start of the year
    (CORE-MEETINGS-PER-YEAR; some bodies agree them at the year's last meeting)."""
    out = []
    for data in sorted(meetings, key=lambda d: d["starts_at"]):
        if data["starts_at"].year != year:
            refuse(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"meetings": [f"{data['starts_at'].isoformat()} is not in {year}."]}})
        out.append(_new_meeting(body, data, MeetingKind.ORDINARY, tenant, hooks))
    return out


def create_meeting(body: Body, data: dict, user: User, tenant, hooks) -> Meeting:
    """An ordinary meeting (by the secretariat) or an extraordinary one, called by those the
    rules allow (``extraordinary_meeting_allowed``, CORE-EXTRAORDINARY: e.g. the body, the
    secretariat, the chair, or a majority of the members)."""
    kind = MeetingKind(data.get("kind", "ordinary"))
    role = role_in_body(user, body)
    if kind is MeetingKind.ORDINARY:
        if role < Role.BODY_SECRETARY:
            refuse(403, message="Kun sekretariatet planlægger ordinære møder.",
                  reason_en="Only the secretariat plans ordinary meetings.")
        return _new_meeting(body, data, kind, tenant, hooks)

    caller = _caller(body, user, role, data)
    verdict = hooks.extraordinary_meeting_allowed(body=body_facts(body, tenant.slug), caller=caller)
    if verdict.ok and caller.on_behalf_of == "members_majority" \
            and caller.supporters * 2 <= caller.members:
        # A rule that let a majority call without counting it: the core counts (a majority
        # is more than half), citing its own rule.
        verdict = Verdict(False, _too_few(caller), "CORE-EXTRAORDINARY", "core",
                          _too_few(caller, en=True))
    if not verdict.ok:
        # A rule refused (docs/decisions/0025-which-status-a-refusal-gets.md): 409.
        refuse(409, message=verdict.reason, clause=verdict.clause, rule="extraordinary_meeting_allowed",
              reason_en=verdict.reason_en or verdict.reason)
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
    held = [s for s in body.seats if s.holder_id_on(today) == user.id and s.is_valid_on(today)]
    roles = {s.role.value for s in held}
    if role >= Role.TENANT_ADMIN:
        roles.add("secretariat")
    on_behalf_of = data.get("on_behalf_of", "self")
    if on_behalf_of in ("secretariat", "body") and role < Role.BODY_SECRETARY:
        refuse(403, message="Kun sekretariatet kan indkalde på sekretariatets eller organets vegne.",
              reason_en="Only the secretariat may call a meeting on the secretariat's or the "
              "body's behalf.")
    if on_behalf_of == "members_majority":
        members = {
            holder.email for s in body.seats
            if (holder := s.holder_on(today)) is not None and s.is_valid_on(today)
            and s.role is not SeatRole.SECRETARY
        }
        supporters = {e.lower() for e in data.get("supporters", [])} | {user.email}
        backing = supporters & members
    else:
        backing, members = set(), set()
    # Whether the backing is enough is the rule's to say (with its clause).
    return Caller(
        person=user.email,
        roles=frozenset(roles),
        organisations=frozenset(a.organisation.code for a in user.affiliations),
        on_behalf_of=on_behalf_of,
        supporters=len(backing),
        members=len(members),
    )


def _too_few(caller: Caller, *, en: bool = False) -> str:
    if en:
        return (f"A majority of the members must back the call: {caller.supporters} of "
                f"{caller.members} have.")
    return (f"Et flertal af medlemmerne skal stå bag: {caller.supporters} af {caller.members} "
            "har tilsluttet sig.")


def _new_meeting(body: Body, data: dict, kind: MeetingKind, tenant, hooks) -> Meeting:
    if body.ended_on is not None:
        # The tenant file no longer names the body (``tenants sync`` ended it): its past
        # meetings stay, it takes no new ones.
        refuse(409, message=f"{body.name} er nedlagt (ophørt {body.ended_on:%d.%m.%Y}) og "
              "kan ikke få nye møder.", clause="CORE-BODY-ENDED", rule="body",
              reason_en=f"{body.name} was ended on {body.ended_on:%Y-%m-%d} and takes no new "
              "meetings.")
    _check_period(body, data["starts_at"])
    meeting = Meeting(
        body=body,
        kind=kind,
        state=MeetingState.PLANNED,
        # Every meeting has a title, listed with its date (a secretary may name it).
        title=(data.get("title") or "").strip() or (
            f"Ekstraordinært møde i {body.name}" if kind is MeetingKind.EXTRAORDINARY
            else f"Møde i {body.name}"),
        starts_at=data["starts_at"],
        duration_minutes=data.get("duration_minutes") or body.meeting_duration_minutes or 120,
        location=data.get("location", ""),
        online_url=data.get("online_url", ""),
    )
    db.session.add(meeting)
    db.session.flush()
    _add_standing_items(meeting, tenant, hooks)
    # CORE-APPROVAL-MODE: minutes still awaiting approval go on this meeting's agenda.
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


def _check_period(body: Body, starts_at) -> None:
    """CORE-PERIOD: a body meets within its period; a meeting dated before the body's
    period starts is refused, naming the field."""
    if body.period_start is not None and starts_at.date() < body.period_start:
        refuse(422, message="The input is invalid; see errors for each field.", errors={"json": {
            "starts_at": [f"{body.name} arbejder fra {body.period_start:%d.%m.%Y}; mødet ligger "
                          f"før (CORE-PERIOD)."]}})


def update_meeting(meeting: Meeting, data: dict) -> Meeting:
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        _refuse_transition(meeting, meeting.state, "ændres")
    if "starts_at" in data:
        _check_period(meeting.body, data["starts_at"])
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


#: What keeps a sitting meeting from ending, by the features that build on meetings:
#: ``check(meeting) -> str | None`` (a Danish reason, CORE-SESSION). The decisions feature
#: registers its open motions (core/decisions/operations/motions.py); meetings import none.
SESSION_END_CHECKS: list[Callable[[Meeting], str | None]] = []


def session_end_check(check: Callable[[Meeting], str | None]) -> Callable:
    """Register ``check``: the meeting cannot be recorded held while it answers a reason."""
    SESSION_END_CHECKS.append(check)
    return check


def may_open(user: User, meeting: Meeting) -> bool:
    """The meeting leader (or the chair, where the kommissorium has the chair lead) and the
    secretary open a meeting (CORE-SESSION)."""
    if user is None:
        return False
    if role_in_body(user, meeting.body) >= Role.BODY_SECRETARY:
        return True
    leading = {SeatRole.CHAIR, SeatRole.MEETING_LEADER}
    day = meeting.starts_at.date()
    return any(s.holder_id_on(day) == user.id and s.role in leading
               for s in meeting.body.seats_on(day))


def open_session(meeting: Meeting, user: User, tenant) -> Meeting:
    """Open the meeting: its session begins (CORE-SESSION). Only the meeting leader or the
    secretary, only a meeting whose agenda went out, and only on the meeting's day in the
    tenant's time zone; votes, objections and closing a motion happen only while it sits."""
    if not may_open(user, meeting):
        refuse(403, message="Kun mødelederen, formanden eller sekretæren kan åbne mødet.",
              reason_en="Only the meeting leader, the chair or the secretary may open the meeting.")
    if meeting.state is MeetingState.PLANNED:
        refuse(409, message="Dagsordenen er ikke udsendt; mødet kan ikke åbnes, før der er "
              "indkaldt til det.", clause=SESSION_CLAUSE, rule="meeting_session",
              reason_en="The agenda has not been sent out; the meeting cannot be opened "
              "before it has been called.")
    if meeting.state is not MeetingState.AGENDA_PUBLISHED:
        _refuse_transition(meeting, MeetingState.IN_SESSION, "åbnes")
    at = clock.now()
    zone = clock.tenant_zone(tenant)
    day, today = meeting.starts_at.astimezone(zone).date(), at.astimezone(zone).date()
    if day != today:
        refuse(409, message=f"Mødet kan kun åbnes på mødedagen, {day:%d.%m.%Y}; i dag er det "
              f"{today:%d.%m.%Y}.", clause=SESSION_CLAUSE, rule="meeting_session",
              reason_en=f"The meeting can only be opened on its day, {day:%Y-%m-%d}; today is "
              f"{today:%Y-%m-%d}.")
    _move(meeting, MeetingState.IN_SESSION, "åbnes")
    meeting.session_opened_at = at
    meeting.session_opened_by_id = user.id
    db.session.flush()
    return meeting


def record_held(meeting: Meeting) -> Meeting:
    """The meeting ends: recorded held, which needs that it was opened (CORE-SESSION) and
    that attendance was recorded (CORE-ATTENDANCE), since the minutes name who was there."""
    if meeting.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        refuse(409, message="Mødet er ikke åbnet; det kan først registreres som afholdt, når "
              "mødelederen eller sekretæren har åbnet det på mødedagen.",
              clause=SESSION_CLAUSE, rule="meeting_session",
              reason_en="The meeting has not been opened; it can be recorded held only after "
              "the meeting leader or the secretary opened it on its day.")
    if meeting.state is MeetingState.IN_SESSION and not any(
        a.status is AttendanceStatus.PRESENT for a in meeting.attendances
    ):
        refuse(409, message="Fremmødet er ikke registreret: ingen er registreret som til stede. "
              "Registrér fremmødet, før mødet registreres som afholdt.",
              clause="CORE-ATTENDANCE", rule="meeting_session",
              reason_en="No attendance is recorded: nobody is recorded as present. Record the "
              "attendance before recording the meeting held.")
    if meeting.state is MeetingState.IN_SESSION:
        for check in SESSION_END_CHECKS:
            why = check(meeting)
            if why:
                refuse(409, message=why, clause=SESSION_CLAUSE, rule="meeting_session")
    _move(meeting, MeetingState.HELD, "registreres som afholdt")
    meeting.held_at = clock.now()
    db.session.flush()
    return meeting


def cancel(meeting: Meeting, reason: str) -> Meeting:
    _move(meeting, MeetingState.CANCELLED, "aflyses")
    meeting.cancelled_at = clock.now()
    meeting.cancel_reason = reason
    db.session.flush()
    return meeting
