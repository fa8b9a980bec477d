"""Votes: cast by a unit's representative, recorded from the room by the meeting's leader,
changed while voting is open, the votes a person may still cast, and what the live vote
shows. One vote per unit is a database constraint; every vote goes to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core import clock
from core.audit import operations as audit
from core.decisions.models import (
    CastAs,
    Motion,
    MotionPhase,
    SecretBallot,
    Vote,
    VoteChange,
    VoteChoice,
)
from core.decisions.operations.access import (
    _attendee_for,
    _require_leader,
    _seats_of,
    _units_of,
    may_lead,
)
from core.decisions.operations.motions import _require_phase
from core.decisions.operations.situation import Situation, _motion_situation
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.meetings import operations as meetings
from core.rules.types import Attendee, VoteUnit


def cast_vote(motion: Motion, *, user, hooks, tenant, choice: str,
              unit: str | None = None) -> Vote:
    """Cast the vote of the unit the user represents. One vote per unit: the database's
    unique constraint settles concurrent attempts; every other attempt gets a 409."""
    _require_phase(motion, MotionPhase.VOTING, acting="stemmes")
    sit = _motion_situation(hooks, tenant, motion)
    vote_unit = _units_of(user, sit, unit, acting="stemme")
    attendee = _attendee_for(user, sit, vote_unit)
    return _store_vote(motion, sit, vote_unit, choice, cast_by_id=user.id,
                       cast_as=attendee.acting_as if attendee else "holder", actor_id=user.id)


def _store_vote(motion: Motion, sit: Situation, vote_unit: VoteUnit, choice: str, *,
                cast_by_id: int | None, cast_as: str, actor_id: int,
                recorded_by_id: int | None = None) -> Vote:
    """Store one unit's vote (and its anonymous ballots in a secret ballot), or refuse a
    second vote for the unit with a 409, and write it to the audit log."""
    name = sit.names.get(vote_unit.key, vote_unit.label)

    # A unit that is an organisation exists by the rule that gives each organisation one
    # vote (its clause says so); any other unit votes once by the core's rule.
    one_vote = vote_unit.clause if vote_unit.key.startswith("org:") and vote_unit.clause \
        else "CORE-ONE-VOTE"

    def already():
        refuse(409, f"{name} har allerede stemt; hver stemmeberettiget stemmer kun én gang.",
               clause=one_vote, rule="vote_units")

    vote = Vote(
        # The unit as members know it (VA, Albertslund Kommune), as the outcome names it.
        motion_id=motion.id, unit_key=vote_unit.key, unit_label=name,
        weight=vote_unit.weight,
        choice=None if motion.is_secret else VoteChoice(choice),
        cast_by_id=cast_by_id, cast_as=CastAs(cast_as), recorded_by_id=recorded_by_id,
    )
    db.session.add(vote)
    try:
        # the unique constraint (motion, unit) decides, for a second try as for concurrent ones
        db.session.flush()
    except IntegrityError:
        already()
    if motion.is_secret:
        # One anonymous ballot of weight 1 per unit of weight, so a unit's distinctive
        # weight cannot single out its ballot.
        db.session.add_all([SecretBallot(motion_id=motion.id, choice=VoteChoice(choice), weight=1)
                            for _ in range(vote_unit.weight)])
        db.session.flush()
    details = {
        "unit": vote_unit.key, "weight": vote_unit.weight,
        "choice": None if motion.is_secret else choice,
        "cast_as": vote.cast_as.value, "secret": motion.is_secret,
    }
    if recorded_by_id is not None:
        details["recorded_for"] = cast_by_id
    audit.record("vote.recorded" if recorded_by_id is not None else "vote.cast",
                 f"motion:{motion.id}", details, actor_id=actor_id)
    return vote


def record_votes(motion: Motion, votes: Sequence[Mapping], *, user, hooks, tenant) -> list[Vote]:
    """Record the votes given in the room (a show of hands) for units whose representatives
    are present, as the meeting leader or secretary counted them: all of them or none.

    The same rules apply as to a vote cast by the member: only eligible units, only units
    represented at the meeting (attendance, with its stand-in and delegation rules:
    CORE-SUBSTITUTE, CORE-MANDATE), one vote per unit (CORE-UNITS, CORE-ONE-VOTE). The vote is the present
    representative's (holder before substitute or delegate), and it keeps who recorded it.
    A secret ballot cannot be recorded by someone else: that would not be secret."""
    _require_phase(motion, MotionPhase.VOTING, acting="stemmes")
    sit = _motion_situation(hooks, tenant, motion)
    _require_leader(user, motion.item.meeting.body, sit, "registrere stemmer fra mødet",
                    "record the votes given in the meeting")
    if motion.is_secret:
        refuse(409, "En hemmelig afstemning kan ikke registreres af mødelederen; hvert medlem "
               "afgiver selv sin stemme.", clause="CORE-SECRET", rule="motion")
    units_clause = next((u.clause for u in sit.units if u.clause), "CORE-UNITS")
    by_key = {name: u for u in sit.units for name in (sit.names.get(u.key), u.label, u.key) if name}
    chosen: list[tuple[VoteUnit, str]] = []
    errors: dict[int, dict] = {}
    for i, entry in enumerate(votes):
        unit = by_key.get(entry["unit"])
        if unit is None:
            errors[i] = {"unit": [f"{entry['unit']} er ikke stemmeberettiget i {sit.body.name}."]}
        elif any(u.key == unit.key for u, _ in chosen):
            errors[i] = {"unit": [f"{sit.names.get(unit.key, unit.label)} står der to gange."]}
        else:
            chosen.append((unit, entry["choice"]))
    if errors:
        db.session.rollback()
        refuse(422, message="Stemmerne kunne ikke registreres.", errors={"json": {"votes": errors}})
    for unit, _choice in chosen:
        name = sit.names.get(unit.key, unit.label)
        if not unit.eligible:
            refuse(409, unit.reason or f"{name} har ikke stemmeret i denne sag.",
                   clause=unit.clause or units_clause, rule="vote_units")
        if not unit.present:
            refuse(409, f"{name} er ikke repræsenteret ved mødet; kun de fremmødtes stemmer kan "
                   "registreres.", clause=unit.clause or "CORE-ATTENDANCE", rule="vote_units")
    people = _people_by_email({p for unit, _ in chosen for p in unit.casters})
    stored = []
    for unit, choice in chosen:
        attendee = _representative(sit, unit)
        person = people.get(attendee.person) if attendee else None
        stored.append(_store_vote(
            motion, sit, unit, choice, cast_by_id=person.id if person else None,
            cast_as=attendee.acting_as if attendee else "holder", actor_id=user.id,
            recorded_by_id=user.id))
    return stored


def _representative(sit: Situation, unit: VoteUnit) -> Attendee | None:
    """Who is present for ``unit``: a holder before a substitute or a delegate."""
    here = [a for a in sit.attendees if a.is_voting and a.person in unit.casters]
    order = {"holder": 0, "substitute": 1, "delegate": 2}
    return min(_seats_of(unit, here), key=lambda a: order.get(a.acting_as, 3), default=None)


def _people_by_email(emails: Iterable[str]) -> dict:
    emails = set(emails)
    if not emails:
        return {}
    return {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}


def change_vote(motion: Motion, unit_key: str, *, user, hooks, tenant, choice: str) -> Vote:
    """Change a vote while voting is open (not in a secret ballot), by whoever cast it and
    while they still represent the unit, or, for a vote recorded from the room, by the
    meeting leader correcting the count; the change is kept in ``vote_changes`` and in
    the audit log."""
    _require_phase(motion, MotionPhase.VOTING, acting="ændres stemmer")
    if motion.is_secret:
        refuse(409, "I en hemmelig afstemning kan en afgivet stemme ikke ændres.",
               clause="CORE-SECRET", rule="motion")
    keys = (unit_key, f"org:{unit_key}", f"seat:{unit_key}")  # a key, a code or a seat key
    vote = db.session.scalar(sa.select(Vote).where(
        Vote.motion_id == motion.id, sa.or_(Vote.unit_key.in_(keys), Vote.unit_label == unit_key)))
    if vote is None:
        refuse(404, message=f"{unit_key} har ikke stemt.")
    sit = _motion_situation(hooks, tenant, motion)
    if vote.recorded_by_id is not None and may_lead(user, motion.item.meeting.body, sit):
        pass  # the meeting leader corrects a vote recorded from the room
    elif vote.cast_by_id != user.id:
        refuse(409, "Kun den, der afgav stemmen, kan ændre den.", clause="CORE-VOTE-CHANGE",
               rule="motion")
    else:
        _units_of(user, sit, vote.unit_key, acting="stemme")
    new = VoteChoice(choice)
    if new is vote.choice:
        return vote
    change = VoteChange(vote=vote, from_choice=vote.choice, to_choice=new, changed_by_id=user.id)
    db.session.add(change)
    vote.choice = new
    vote.changed_at = change.changed_at = clock.now()
    db.session.flush()
    audit.record("vote.changed", f"motion:{motion.id}", {
        "unit": vote.unit_key, "from": change.from_choice.value, "to": new.value,
    }, actor_id=user.id)
    return vote


def votes_waiting(user, *, hooks, tenant) -> list[tuple[Motion, VoteUnit, str]]:
    """The votes ``user`` may cast now and has not: for every motion open for voting, each
    eligible unit the user may cast (present holder, substitute or delegate;
    CORE-UNITS, CORE-SUBSTITUTE, CORE-MANDATE) whose vote is not cast yet, with the unit's display name."""
    out = []
    motions = db.session.scalars(
        sa.select(Motion).where(Motion.phase == MotionPhase.VOTING).order_by(Motion.id)).all()
    for motion in motions:
        sit = _motion_situation(hooks, tenant, motion)
        cast = set(db.session.scalars(sa.select(Vote.unit_key).where(Vote.motion_id == motion.id)))
        out += [(motion, u, sit.names.get(u.key, u.label)) for u in sit.units
                if u.eligible and user.email in u.casters and u.key not in cast]
    return out


def voting_view(motion: Motion, user, *, hooks, tenant, leader: bool = False) -> dict:
    """What the pages' live vote needs, from one look at the situation while the motion is
    open for voting: ``names`` (each unit's display name), ``mine`` (the eligible units
    ``user`` may cast a vote for; ``cast_vote`` decides) and, for a ``leader``,
    ``recordable`` (the units whose vote given in the room may be recorded now: eligible,
    represented at the meeting, without a vote yet; never in a secret ballot)."""
    out = {"names": {}, "mine": [], "recordable": []}
    if motion.phase is not MotionPhase.VOTING:
        return out
    sit = _motion_situation(hooks, tenant, motion)

    def row(u):
        return {"key": u.key, "label": u.label, "name": sit.names.get(u.key, u.label)}

    out["names"] = {u.key: sit.names.get(u.key, u.label) for u in sit.units}
    if user is not None:
        out["mine"] = [row(u) for u in sit.units if user.email in u.casters and u.eligible]
    if leader and not motion.is_secret:
        cast = {v.unit_key for v in motion.votes}
        out["recordable"] = [row(u) for u in sit.units
                             if u.eligible and u.present and u.key not in cast]
    return out


@meetings.declaration_check
def _voted_already(item, person) -> str | None:
    """CORE-DISQUALIFIED: a member is disqualified before voting on the item; a vote they
    cast on it stands (it is in the audit log), so the declaration is refused instead."""
    voted = db.session.scalar(
        sa.select(sa.func.count(Vote.id)).join(Motion, Motion.id == Vote.motion_id)
        .where(Motion.item_id == item.id, Vote.cast_by_id == person.id))
    if voted:
        return (f"{person.name} har allerede stemt om punktet; inhabilitet erklæres, før der "
                "stemmes.")
    return None
