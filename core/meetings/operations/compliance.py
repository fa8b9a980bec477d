"""Deadlines and compliance: each meeting's deadlines with the clause that sets them, the
breaches recorded when something is late, and the year's figures a board reports
(Landsbyggefonden).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from core import clock
from core.bodies.facts import body_facts
from core.bodies.models import Body, SeatRole
from core.extensions import db
from core.kept import kept
from core.meetings.models import BreachKind, DeadlineBreach, Meeting, MeetingKind, MeetingState
from core.meetings.operations.loading import body_meetings
from core.meetings.operations.states import HELD_STATES
from core.rules.types import MeetingRules


#: Bodies whose meeting rules a process keeps.
_KEPT_BODIES = 256


def meeting_rules(body: Body, tenant, hooks) -> MeetingRules:
    """The body's meeting rules (deadlines, approval) as its rules answer them today: kept
    while the tenant's and the body's ``situation_version`` and the day stay the same
    (core/kept.py), so a meeting rendered anew after a write to it does not read the body's
    seats and recipients again."""
    stamp = _rules_stamp(body, tenant, hooks)
    rules = kept("meeting_rules", _KEPT_BODIES).get(body.id, stamp) if stamp else None
    if rules is None:
        rules = hooks.meeting_rules(body=body_facts(body, tenant.slug))
        if stamp is not None:
            kept("meeting_rules", _KEPT_BODIES).put(body.id, stamp, rules)
    return rules


def _rules_stamp(body: Body, tenant, hooks) -> tuple | None:
    """What a body's meeting rules are computed from, or ``None`` (computed, not kept)
    while the session holds unflushed changes that a kept answer could not show."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return None
    versions = (getattr(tenant, "situation_version", None), body.situation_version)
    if not all(versions):
        return None
    return (hooks, tenant.id, body.id, *versions, clock.today())


@dataclass(frozen=True)
class Deadlines:
    """The deadlines of one meeting, each with the clause that sets it."""

    agenda_due_at: datetime | None
    agenda_clause: str | None
    submission_due_at: datetime | None
    submission_clause: str | None
    minutes_due_at: datetime | None
    minutes_clause: str | None
    approval_mode: str
    approval_due_at: datetime | None
    approval_clause: str | None


def deadlines(meeting: Meeting, rules: MeetingRules) -> Deadlines:
    """Notice (CORE-NOTICE-DAYS), submission (CORE-SUBMISSION-DEADLINE-DAYS), minutes
    (CORE-MINUTES-DUE-DAYS) and approval (CORE-APPROVAL-DUE-DAYS by e-mail; at the next
    meeting, CORE-APPROVAL-MODE; tacit approval: the days members have to object, from
    sending the minutes)."""
    start = meeting.starts_at
    sources = meeting.body.sources or {}

    def before(d):
        return None if d is None else start - timedelta(days=d.days)

    def after(d):
        return None if d is None else start + timedelta(days=d.days)

    approval_due = after(rules.approval_due)
    approval_clause = rules.approval_due.clause if rules.approval_due else None
    if rules.approval_mode == "tacit":
        # Tacit approval counts from sending the minutes: members object within the days.
        # An objection sent them back: no round runs until they are sent again.
        sent = meeting.minutes_sent_at if meeting.state in (
            MeetingState.MINUTES_SENT, MeetingState.MINUTES_APPROVED) else None
        approval_due = None if sent is None or rules.approval_due is None else (
            sent + timedelta(days=rules.approval_due.days))
    if rules.approval_mode == "next_meeting":
        nxt = next_meeting(meeting)
        approval_due = nxt.starts_at + timedelta(minutes=nxt.duration_minutes) if nxt else None
        approval_clause = sources.get("approval_mode")
    return Deadlines(
        agenda_due_at=before(rules.notice),
        agenda_clause=rules.notice.clause if rules.notice else None,
        submission_due_at=before(rules.submission_deadline),
        submission_clause=rules.submission_deadline.clause if rules.submission_deadline else None,
        minutes_due_at=after(rules.minutes_due),
        minutes_clause=rules.minutes_due.clause if rules.minutes_due else None,
        approval_mode=rules.approval_mode,
        approval_due_at=approval_due,
        approval_clause=approval_clause or sources.get("approval_mode"),
    )


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The body's next meeting that is not cancelled."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.starts_at > meeting.starts_at,
            Meeting.state != MeetingState.CANCELLED,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def _record_breach(meeting: Meeting, kind: BreachKind, due_at: datetime | None, clause, at) -> None:
    """Late is possible, and recorded (the compliance view reports it)."""
    if due_at is None or at <= due_at:
        return
    if any(b.kind is kind for b in meeting.breaches):
        return
    meeting.breaches.append(DeadlineBreach(kind=kind, due_at=due_at, happened_at=at, clause=clause))


def chair_on(body: Body, day) -> tuple[str, str] | None:
    """``(seat title, person's name)`` of who chaired the body on ``day``: the holder that
    day of its chair seat (else its meeting leader's), not today's (docs/decisions/0038)."""
    for role in (SeatRole.CHAIR, SeatRole.MEETING_LEADER):
        for seat in body.seats_on(day):
            holder = seat.holder_on(day) if seat.role is role else None
            if holder is not None:
                return seat.title, holder.name
    return None


def compliance(body: Body, year: int, tenant, hooks) -> dict:
    """The figures a board reports to Landsbyggefonden for a year: meetings held against the
    meetings required (CORE-MEETINGS-PER-YEAR), agendas on time,
    minutes on time, minutes approved on time, and every recorded breach."""
    rules = meeting_rules(body, tenant, hooks)
    meetings = body_meetings(body, year)
    at = clock.now()
    held = [m for m in meetings if m.state in HELD_STATES]
    published = [m for m in meetings if m.agenda_published_at is not None]
    sent = [m for m in held if m.minutes_sent_at is not None]
    approved = [m for m in held if m.state is MeetingState.MINUTES_APPROVED]

    def late(m, kind):
        return any(b.kind is kind for b in m.breaches)

    def overdue(due, done):
        return due is not None and done is None and at > due

    def named(m) -> dict:
        # Meetings are named by title and date, as members know them (not by their id).
        return {"meeting_id": m.id, "meeting_title": m.title or f"Møde i {body.name}",
                "meeting_starts_at": m.starts_at}

    def chaired(m) -> dict:
        seat, name = chair_on(body, m.starts_at.date()) or (None, None)
        return {"chair_seat": seat, "chair": name}

    open_overdue = []
    for m in meetings:
        if m.state is MeetingState.CANCELLED:
            continue
        d = deadlines(m, rules)
        if overdue(d.agenda_due_at, m.agenda_published_at):
            open_overdue.append({**named(m), "kind": "agenda_overdue",
                                 "due_at": d.agenda_due_at, "clause": d.agenda_clause})
        if m.state in HELD_STATES and overdue(d.minutes_due_at, m.minutes_sent_at):
            open_overdue.append({**named(m), "kind": "minutes_overdue",
                                 "due_at": d.minutes_due_at, "clause": d.minutes_clause})
        # Tacit approval is not overdue: at its deadline the minutes are approved.
        if m.state is MeetingState.MINUTES_SENT and rules.approval_mode != "tacit" \
                and overdue(d.approval_due_at, m.minutes_approved_at):
            open_overdue.append({**named(m), "kind": "approval_overdue",
                                 "due_at": d.approval_due_at, "clause": d.approval_clause})
    needs_approval = rules.approval_mode not in ("none", "")

    def still_overdue(kind: str) -> int:
        return len([o for o in open_overdue if o["kind"] == kind])

    # "On time" is counted out of everything that was due: what was done (late or not)
    # and what is overdue and not done yet, so the figures agree with the list below them.
    return {
        "body": body.key,
        "year": year,
        "meetings_required": rules.meetings_per_year,
        "meetings_required_clause": rules.clause,
        "meetings_planned": len([m for m in meetings if m.kind is MeetingKind.ORDINARY]),
        "meetings_held": len(held),
        "extraordinary_held": len([m for m in held if m.kind is MeetingKind.EXTRAORDINARY]),
        "meetings_cancelled": len([m for m in meetings if m.state is MeetingState.CANCELLED]),
        "requirement_met": len(held) >= rules.meetings_per_year,
        "agendas_published": len(published),
        "agendas_due": len(published) + still_overdue("agenda_overdue"),
        "agendas_on_time": len([m for m in published if not late(m, BreachKind.AGENDA_LATE)]),
        "agenda_clause": rules.notice.clause if rules.notice else None,
        "minutes_sent": len(sent),
        "minutes_due": len(sent) + still_overdue("minutes_overdue"),
        "minutes_on_time": len([m for m in sent if not late(m, BreachKind.MINUTES_LATE)]),
        "minutes_clause": rules.minutes_due.clause if rules.minutes_due else None,
        "approval_mode": rules.approval_mode,
        "minutes_approved": len(approved) if needs_approval else None,
        "approvals_due": len(approved) + still_overdue("approval_overdue") if needs_approval else None,
        "minutes_approved_on_time": (
            len([m for m in approved if not late(m, BreachKind.APPROVAL_LATE)])
            if needs_approval else None
        ),
        "approval_clause": rules.approval_due.clause if rules.approval_due else None,
        "breaches": [
            {**named(m), "kind": b.kind.value, "due_at": b.due_at,
             "happened_at": b.happened_at, "clause": b.clause}
            for m in meetings for b in m.breaches
        ],
        "overdue": open_overdue,
        # each meeting of the year with who chaired the body on its day (history, not today)
        "meetings": [{**named(m), "state": m.state.value, **chaired(m)}
                     for m in meetings if m.state is not MeetingState.CANCELLED],
    }
