"""The meeting leader's view while the meeting sits: who is present against the body's
quorum rule, with the rule's own reason and clause ("Beslutningsdygtig: …" or what is
missing), and the open motion's votes as they come in (a secret ballot: who has voted,
not how). The rules are asked as a vote asks them: the units of the attendance recorded
now (``vote_units``), then ``quorum`` on them, for the open motion's item when one is
open, else for a decision item of the meeting as such.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.bodies.models import Seat, seat_valid_on
from core.decisions.models import Motion, MotionPhase
from core.decisions.operations.loading import motions_of_items
from core.decisions.operations.situation import _motion_situation, situation
from core.extensions import db
from core.identity.models import User
from core.meetings.attendees import attendees as meeting_attendees
from core.meetings.models import AgendaItem, Attendance, ItemKind, Meeting
from core.meetings.operations import closed_title
from core.organisations.models import Organisation
from core.rules.types import Matter


def _seats(meeting: Meeting) -> list[dict]:
    """Every seat of the body on the meeting's day, in the body's order, with what is
    recorded for it: present (and who), apologies, absent, or nothing yet. One statement."""
    day = meeting.starts_at.date()
    rows = db.session.execute(
        sa.select(Seat.key, Seat.title, Seat.is_voting, Seat.valid_from, Seat.valid_to,
                  Seat.ended_on, Organisation.code, Attendance.status, Attendance.acting_as,
                  User.name)
        .join(Organisation, Organisation.id == Seat.organisation_id)
        .outerjoin(Attendance, sa.and_(Attendance.seat_id == Seat.id,
                                       Attendance.meeting_id == meeting.id))
        .outerjoin(User, User.id == Attendance.person_id)
        .where(Seat.body_id == meeting.body_id)
        .order_by(Seat.position, Seat.id)
    ).all()
    return [{"key": r.key, "title": r.title, "organisation": r.code, "voting": r.is_voting,
             "status": r.status.value if r.status is not None else None,
             "acting_as": r.acting_as.value if r.acting_as is not None else None,
             "person": r.name if r.status is not None and r.status.value == "present" else None}
            for r in rows if seat_valid_on(r.valid_from, r.valid_to, r.ended_on, day)]


def _open_motions(meeting: Meeting) -> list[Motion]:
    items = db.session.scalars(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                    AgendaItem.kind == ItemKind.DECISION)
        .order_by(AgendaItem.position, AgendaItem.id)).all()
    motions = motions_of_items(items)
    return [motions[i.id] for i in items
            if i.id in motions and motions[i.id].phase is not MotionPhase.CLOSED]


def _votes(motion: Motion, sit, hidden: frozenset[int] = frozenset()) -> dict:
    """The motion's votes so far, unit by unit: every unit that may vote on it, whether it
    is represented and has voted, and (unless the ballot is secret) how."""
    cast = {v.unit_key: v for v in motion.votes}
    units = []
    for u in sit.units:
        if not u.eligible:
            continue
        vote = cast.get(u.key)
        units.append({"key": u.key, "name": sit.names.get(u.key, u.label), "weight": u.weight,
                      "present": u.present, "voted": vote is not None,
                      "choice": (vote.choice.value if vote is not None and vote.choice is not None
                                 and not motion.is_secret else None)})
    counts = None
    if not motion.is_secret:
        counts = {c: sum(v.weight or 1 for v in motion.votes if v.choice is not None
                         and v.choice.value == c) for c in ("yes", "no", "abstain")}
    closed = motion.item_id in hidden  # a closed item the reader is disqualified on
    return {"id": motion.id, "item_id": motion.item_id,
            "item_title": closed_title(motion.item) if closed else motion.item.title,
            "text": "" if closed else motion.text, "closed": closed, "phase": motion.phase.value, "secret": motion.is_secret,
            "units": units, "voted": sum(1 for u in units if u["voted"]),
            "present": sum(1 for u in units if u["present"]), "counts": counts}


def session_view(meeting: Meeting, *, hooks, tenant, hidden: frozenset[int] = frozenset()) -> dict:
    """What the meeting leader sees while ``meeting`` sits: the seats and their attendance,
    the voting units the rules make of it, the quorum verdict with its clause, and each
    open motion's votes so far. A closed item in ``hidden`` (the reader stands disqualified
    on it) is named by its public title, without its motion's text (CORE-DISQUALIFIED)."""
    motions = _open_motions(meeting)
    voting = next((m for m in motions if m.phase is MotionPhase.VOTING), None)
    asked = voting or (motions[0] if motions else None)
    if asked is not None:
        sit = _motion_situation(hooks, tenant, asked)
    else:
        sit = situation(hooks, tenant, meeting.body, Matter(title=meeting.title),
                        meeting_attendees(meeting))
    verdict = hooks.quorum(body=sit.body, units=list(sit.units), matter=sit.matter)
    units = [{"key": u.key, "name": sit.names.get(u.key, u.label), "present": u.present,
              "eligible": u.eligible, "weight": u.weight} for u in sit.units]
    return {
        "seats": _seats(meeting),
        "units": units,
        "units_present": sum(1 for u in units if u["present"] and u["eligible"]),
        "units_eligible": sum(1 for u in units if u["eligible"]),
        "quorum": verdict.as_dict(),
        "quorum_for": (None if asked is None else closed_title(asked.item)
                       if asked.item_id in hidden else asked.item.title),
        "motions": [_votes(m, sit if m is asked else _motion_situation(hooks, tenant, m), hidden)
                    for m in motions],
    }
