"""Decisions: open a motion on a decision item, vote, object, record dissent, close, dry run.

Every rule comes from the tenant's hooks (passed in as ``hooks``): ``body_competence``
(may the body decide this?), ``vote_units`` (who votes, who may cast each unit),
``quorum``, ``decision_procedure`` and ``tally``. Units are computed from the meeting's
attendance (:func:`core.meetings.attendees.attendees`) each time they are needed, so a
member who leaves stops counting for the quorum at the close.

Refusals cite their clause: ``abort(409|422, message=<Danish reason>, clause=…, rule=…)``.
A refused operation writes nothing (the session is rolled back before the refusal).
Operations flush, never commit; every vote, change and outcome is also written to the
audit log (:mod:`core.audit.operations`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from core.audit import operations as audit
from core.bodies.facts import body_facts
from core.bodies.models import Body, SeatRole
from core.decisions.explain import (
    BY_CONSENSUS,
    BY_NO_OBJECTION,
    BY_VOTE,
    Cast,
    compute_outcome,
    verdict_dict,
)
from core.decisions.models import (
    CastAs,
    Dissent,
    Majority,
    Motion,
    MotionPhase,
    MotionResult,
    Objection,
    ProcedureKind,
    SecretBallot,
    Vote,
    VoteChange,
    VoteChoice,
)
from core.extensions import db
from core.identity.models import User
from core.identity.permissions import Role, role_in_body
from core.meetings import operations as meetings
from core.meetings.attendees import attendees as meeting_attendees
from core.meetings.models import AgendaItem, AttendanceStatus, ItemKind, Meeting, MeetingState
from core.models import utcnow
from core.organisations.models import Organisation, OrganisationKind
from core.rules.types import (
    Attendee,
    BodyFacts,
    Choice,
    DecisionTaken,
    Matter,
    Procedure,
    ProcedureChoice,
    TenantFacts,
    Verdict,
    VoteUnit,
)
from core.rules.types import ItemKind as RuleItemKind

#: Meeting states in which decisions can no longer be taken or changed.
_FINISHED = (MeetingState.CANCELLED, MeetingState.MINUTES_APPROVED)


def refuse(code: int, message: str, *, clause: str | None, rule: str) -> None:
    """Refuse the operation: nothing is written, the envelope cites the clause."""
    db.session.rollback()
    abort(code, message=message, clause=clause, rule=rule)


# ------------------------------------------------------------------------- loading


def get_item(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        abort(404, message="Punktet findes ikke.")
    return item


def get_motion(motion_id: int) -> Motion:
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        abort(404, message="Forslaget findes ikke.")
    return motion


def motion_for_item(item: AgendaItem) -> Motion | None:
    return db.session.scalar(sa.select(Motion).where(Motion.item_id == item.id))


def decision_for_item(item: AgendaItem) -> dict | None:
    """The item's stored decision, for the minutes and for proposals: ``None`` until a
    motion on it has closed.

    :return: ``motion_id``, ``text`` (the decision as proposed or concluded), ``result``
        (adopted | rejected | not_quorate), ``passed``, ``closed_at``, ``explanation``
        (``da``, ``en``), ``outcome`` (the full explained outcome) and ``dissents``
        (organisation, person, text; SLA-6).
    """
    motion = motion_for_item(item)
    if motion is None or motion.phase is not MotionPhase.CLOSED:
        return None
    return {
        "motion_id": motion.id,
        "text": motion.text,
        "result": motion.result.value,
        "passed": motion.result is MotionResult.ADOPTED,
        "closed_at": motion.closed_at,
        "explanation": motion.outcome["explanation"],
        "outcome": motion.outcome,
        "dissents": [
            {"organisation": d.organisation, "person": d.person.name if d.person else None,
             "text": d.text}
            for d in motion.dissents
        ],
    }


# ------------------------------------------------------------------------- the situation


def matter_for(item: AgendaItem, majority: str = "simple") -> Matter:
    """The item as the rules see it."""
    return Matter(
        title=item.title,
        kind=RuleItemKind(item.kind.value),
        topics=frozenset(item.topics or ()),
        plan=item.plan,
        district=item.district,
        majority=majority,
    )


@dataclass(frozen=True)
class Situation:
    """What the rules see of one item at one moment, and the names to explain it with."""

    body: BodyFacts
    matter: Matter
    attendees: tuple[Attendee, ...]
    units: tuple[VoteUnit, ...]
    names: Mapping[str, str]
    weights_clause: str | None = None


def _display_names(facts: BodyFacts, units: Sequence[VoteUnit]) -> dict[str, str]:
    """Units are named by organisation code, as members know them (VA, AKB); a
    municipality by its name (Albertslund Kommune), since its code is an internal key;
    a seat unit by its organisation's code, or else the seat's title."""
    codes = {u.key.partition(":")[2] for u in units} | {u.label for u in units}
    orgs = {o.code: o for o in db.session.scalars(
        sa.select(Organisation).where(Organisation.code.in_(codes)))} if codes else {}
    seats = {s.key: s for s in facts.seats}

    def org_name(code: str) -> str:
        org = orgs.get(code)
        return org.name if org is not None and org.kind is OrganisationKind.MUNICIPALITY else code

    names = {}
    for u in units:
        kind, _, ref = u.key.partition(":")
        if kind == "org":
            names[u.key] = org_name(ref)
        elif u.label in orgs:
            names[u.key] = org_name(u.label)
        elif kind == "seat" and ref in seats:
            names[u.key] = seats[ref].title
        else:
            names[u.key] = u.label
    return names


def _apply_weights(units: list[VoteUnit], facts: BodyFacts) -> tuple[list[VoteUnit], str]:
    """Weighted units, a core option: the tenant file's ``[bodies.extra] vote_weights``
    (weight by organisation code, seat key or unit key), citing
    ``[bodies.extra] vote_weights_clause``."""
    weights = facts.extra.get("vote_weights")
    clause = facts.extra.get("vote_weights_clause") or "CORE-WEIGHTS"
    if not weights:
        refuse(422, f"{facts.name} har ingen stemmevægte i sit kommissorium; der kan ikke "
               "stemmes med vægtede stemmer.", clause="CORE-WEIGHTS", rule="vote_weights")
    out = []
    for u in units:
        ref = u.key.partition(":")[2]
        weight = weights.get(u.key, weights.get(ref, weights.get(u.label, u.weight)))
        out.append(replace(u, weight=int(weight)))
    return out, clause


def situation(
    hooks, tenant, body: Body, matter: Matter, attendees: Sequence[Attendee], *,
    weighted: bool = False,
) -> Situation:
    facts = body_facts(body, tenant.slug)
    units = list(hooks.vote_units(body=facts, attendees=list(attendees), matter=matter))
    weights_clause = None
    if weighted:
        units, weights_clause = _apply_weights(units, facts)
    return Situation(facts, matter, tuple(attendees), tuple(units),
                     _display_names(facts, units), weights_clause)


def _motion_situation(hooks, tenant, motion: Motion) -> Situation:
    item = motion.item
    return situation(
        hooks, tenant, item.meeting.body, matter_for(item, motion.majority.value),
        meeting_attendees(item.meeting), weighted=motion.is_weighted,
    )


def _procedure_choice(motion: Motion) -> ProcedureChoice:
    r = motion.procedure_rule
    return ProcedureChoice(Procedure(motion.procedure.value), r["reason"], r["clause"], r["source"])


def _check_quorum(hooks, sit: Situation) -> Verdict:
    verdict = hooks.quorum(body=sit.body, units=list(sit.units), matter=sit.matter)
    if not verdict.ok:
        refuse(409, verdict.reason, clause=verdict.clause, rule="quorum")
    return verdict


# ------------------------------------------------------------------------- who may act


def may_lead(user, body: Body, sit: Situation | None = None) -> bool:
    """The meeting leader, the chair, the body's secretary or the tenant's administrators
    open, put to the vote and close motions."""
    if user is None:
        return False
    if role_in_body(user, body) >= Role.BODY_SECRETARY:
        return True
    leading = {SeatRole.CHAIR, SeatRole.MEETING_LEADER}
    if any(s.holder_id == user.id and s.role in leading for s in body.current_seats):
        return True
    return sit is not None and any(
        a.person == user.email and a.role in ("chair", "meeting_leader") for a in sit.attendees
    )


#: What a meeting's leader does, in English, for the refusal's ``reason_en``.
def _require_leader(user, body: Body, sit: Situation | None, what: str, what_en: str) -> None:
    if not may_lead(user, body, sit):
        abort(403, message=f"Kun mødelederen, formanden eller sekretæren kan {what}.",
              reason_en=f"Only the meeting leader, the chair or the secretary may {what_en}.")


def is_visible(item: AgendaItem, user) -> bool:
    """A closed (confidential) item and its decision process are visible to the body's
    members and to those present at the meeting only; other items to everyone."""
    if not item.is_confidential:
        return True
    if user is None:
        return False
    body = item.meeting.body
    if role_in_body(user, body) >= Role.MEMBER:
        return True
    return any(a.person_id == user.id and a.status is AttendanceStatus.PRESENT
               for a in item.meeting.attendances)


def _units_of(user, sit: Situation, unit_key: str | None, *, acting: str) -> VoteUnit:
    """The one unit ``user`` may act for (vote or object), or a refusal citing the rule.

    Any present representative of a unit (holder, substitute or delegate) may cast its
    vote; non-voting seats never vote (ALB-B1/B2)."""
    units_clause = next((u.clause for u in sit.units if u.clause), "CORE-UNITS")
    mine = [u for u in sit.units if user.email in u.casters]
    if unit_key is not None:
        mine = [u for u in mine if u.key == unit_key or u.label == unit_key]
    if not mine:
        here = [a for a in sit.attendees if a.person == user.email]
        if not here:
            refuse(409, f"Du er ikke registreret som til stede ved mødet og kan ikke {acting}.",
                   clause="CORE-ATTENDANCE", rule="vote_units")
        if unit_key is not None and any(a.is_voting for a in here):
            refuse(409, f"Du kan ikke {acting} for {unit_key}.", clause=units_clause,
                   rule="vote_units")
        refuse(409, f"Din plads har ikke stemmeret; kun stemmeberettigede pladser kan {acting}.",
               clause=units_clause, rule="vote_units")
    eligible = [u for u in mine if u.eligible]
    if not eligible:
        unit = mine[0]
        refuse(409, unit.reason or f"{unit.label} har ikke stemmeret i denne sag.",
               clause=unit.clause, rule="vote_units")
    if len(eligible) > 1:
        refuse(422, "Du repræsenterer flere stemmeberettigede; angiv hvilken ('unit': "
               + ", ".join(u.key for u in eligible) + ").", clause=None, rule="vote_units")
    return eligible[0]


def _attendee_for(user, sit: Situation, unit: VoteUnit) -> Attendee | None:
    """The seat through which ``user`` casts ``unit``'s vote (for holder/substitute/delegate)."""
    mine = [a for a in sit.attendees if a.person == user.email and a.is_voting]
    return next(iter(_seats_of(unit, mine)), None)


def _seats_of(unit: VoteUnit, attendees: list[Attendee]) -> list[Attendee]:
    """Those of ``attendees`` that sit for ``unit`` itself (its seat, or a seat of its
    organisation), or all of them when none does."""
    kind, _, ref = unit.key.partition(":")
    exact = [a for a in attendees if (kind == "seat" and a.seat_key == ref)
             or (kind == "org" and a.organisation == ref)]
    return exact or attendees


# ------------------------------------------------------------------------- motions


def open_motion(
    item: AgendaItem, *, user, hooks, tenant, text: str, secret: bool = False,
    weighted: bool = False, majority: str = "simple",
) -> Motion:
    """Open a motion on a decision item: the body must have competence, the meeting must be
    quorate; the body's procedure decides whether voting starts at once."""
    meeting: Meeting = item.meeting
    body: Body = meeting.body
    matter = matter_for(item, majority)
    sit = situation(hooks, tenant, body, matter, meeting_attendees(meeting), weighted=weighted)
    _require_leader(user, body, sit, "åbne et forslag til beslutning",
                    "open a motion")
    if item.kind is not ItemKind.DECISION:
        refuse(422, "Kun beslutningspunkter (B) kan afgøres; punktet er et "
               f"{'drøftelsespunkt (D)' if item.kind is ItemKind.DISCUSSION else 'orienteringspunkt (O)'}.",
               clause="CORE-MOTION", rule="motion")
    if meeting.state in _FINISHED:
        refuse(409, "Mødet er aflyst eller referatet godkendt; der kan ikke træffes beslutninger.",
               clause="CORE-MOTION", rule="motion")
    if motion_for_item(item) is not None:
        refuse(409, "Punktet har allerede et forslag til beslutning.", clause="CORE-MOTION",
               rule="motion")
    competence = hooks.body_competence(body=sit.body, matter=matter)
    if not competence.ok:
        refuse(409, competence.reason, clause=competence.clause, rule="body_competence")
    quorum = _check_quorum(hooks, sit)
    choice = hooks.decision_procedure(body=sit.body, matter=matter)
    now = utcnow()
    votes_now = choice.procedure is Procedure.VOTE
    motion = Motion(
        item=item,
        text=text,
        procedure=ProcedureKind(choice.procedure.value),
        procedure_rule={"reason": choice.reason, "clause": choice.clause, "source": choice.source},
        competence_rule=competence.as_dict(),
        phase=MotionPhase.VOTING if votes_now else MotionPhase.DELIBERATION,
        is_secret=secret,
        is_weighted=weighted,
        majority=Majority(majority),
        quorum_at_open=quorum.as_dict(),
        quorum_at_voting=quorum.as_dict() if votes_now else None,
        opened_by_id=user.id,
        opened_at=now,
        voting_opened_at=now if votes_now else None,
    )
    db.session.add(motion)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent request opened one first
        refuse(409, "Punktet har allerede et forslag til beslutning.", clause="CORE-MOTION",
               rule="motion")
    audit.record("motion.opened", f"motion:{motion.id}", {
        "item_id": item.id, "meeting_id": meeting.id, "text": text,
        "procedure": choice.procedure.value, "procedure_clause": choice.clause,
        "competence": competence.as_dict(), "quorum": quorum.as_dict(),
        "options": {"secret": secret, "weighted": weighted, "majority": majority},
    }, actor_id=user.id)
    return motion


def _start_voting(motion: Motion, sit: Situation, hooks) -> Verdict:
    quorum = _check_quorum(hooks, sit)  # checked again when voting opens
    motion.phase = MotionPhase.VOTING
    motion.voting_opened_at = utcnow()
    motion.quorum_at_voting = quorum.as_dict()
    return quorum


def _require_phase(motion: Motion, *phases: MotionPhase, acting: str) -> None:
    if motion.item.meeting.state in _FINISHED:
        refuse(409, f"Mødet er aflyst eller referatet godkendt; der kan ikke {acting}.",
               clause="CORE-MOTION", rule="motion")
    if motion.phase in phases:
        return
    if motion.phase is MotionPhase.CLOSED:
        refuse(409, f"Forslaget er afsluttet; der kan ikke {acting}.", clause="CORE-MOTION-CLOSED",
               rule="motion")
    clause = motion.procedure_rule.get("clause")
    if motion.phase is MotionPhase.DELIBERATION:
        refuse(409, f"Forslaget er ikke sat til afstemning; der kan ikke {acting} endnu. "
               + motion.procedure_rule.get("reason", ""), clause=clause, rule="decision_procedure")
    refuse(409, f"Forslaget er sat til afstemning; der kan ikke {acting}.", clause=clause,
           rule="decision_procedure")


def open_voting(motion: Motion, *, user, hooks, tenant) -> Motion:
    """Consensus was not reached: the meeting leader puts the motion to a majority vote
    (ALB-B4)."""
    sit = _motion_situation(hooks, tenant, motion)
    _require_leader(user, motion.item.meeting.body, sit, "sætte forslaget til afstemning",
                    "put the motion to the vote")
    _require_phase(motion, MotionPhase.DELIBERATION, acting="sættes til afstemning")
    quorum = _start_voting(motion, sit, hooks)
    db.session.flush()
    audit.record("motion.voting_opened", f"motion:{motion.id}",
                 {"quorum": quorum.as_dict(), "reason": "no_consensus"}, actor_id=user.id)
    return motion


def object_to(motion: Motion, *, user, hooks, tenant, reason: str = "",
              unit: str | None = None) -> Objection:
    """A member objects to the conclusion or to consensus; the motion goes to a vote (SLA-5,
    ALB-B4). Only those who may cast a unit's vote may object for it."""
    _require_phase(motion, MotionPhase.DELIBERATION, acting="gøres indsigelse")
    sit = _motion_situation(hooks, tenant, motion)
    vote_unit = _units_of(user, sit, unit, acting="gøre indsigelse")
    objection = Objection(motion=motion, unit_key=vote_unit.key,
                          unit_label=sit.names.get(vote_unit.key, vote_unit.label),
                          person_id=user.id, reason=reason)
    db.session.add(objection)
    quorum = _start_voting(motion, sit, hooks)
    db.session.flush()
    audit.record("motion.objection", f"motion:{motion.id}", {
        "unit": vote_unit.key, "reason": reason, "clause": motion.procedure_rule.get("clause"),
        "quorum": quorum.as_dict(),
    }, actor_id=user.id)
    return objection


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

    def already():
        refuse(409, f"{name} har allerede stemt; hver stemmeberettiget stemmer kun én gang.",
               clause=vote_unit.clause, rule="vote_units")

    exists = db.session.scalar(sa.select(sa.func.count(Vote.id)).where(
        Vote.motion_id == motion.id, Vote.unit_key == vote_unit.key))
    if exists:
        already()
    vote = Vote(
        motion_id=motion.id, unit_key=vote_unit.key, unit_label=vote_unit.label,
        weight=vote_unit.weight,
        choice=None if motion.is_secret else VoteChoice(choice),
        cast_by_id=cast_by_id, cast_as=CastAs(cast_as), recorded_by_id=recorded_by_id,
    )
    db.session.add(vote)
    try:
        db.session.flush()  # the unique constraint speaks here
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
    represented at the meeting (attendance, with its stand-in and delegation rules: ALB-B5,
    KBH-6, KBH-7), one vote per unit (ALB-B2, SLA-4, KBH-5). The vote is the present
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
        abort(422, message="Stemmerne kunne ikke registreres.", errors={"json": {"votes": errors}})
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
    vote = db.session.scalar(sa.select(Vote).where(
        Vote.motion_id == motion.id, sa.or_(Vote.unit_key == unit_key, Vote.unit_label == unit_key)))
    if vote is None:
        abort(404, message=f"{unit_key} har ikke stemt.")
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
    vote.changed_at = change.changed_at = utcnow()
    db.session.flush()
    audit.record("vote.changed", f"motion:{motion.id}", {
        "unit": vote.unit_key, "from": change.from_choice.value, "to": new.value,
    }, actor_id=user.id)
    return vote


def record_dissent(motion: Motion, *, user, hooks, tenant, text: str) -> Dissent:
    """Record a present member's dissent (særstandpunkt) for the minutes, on request (SLA-6)."""
    if motion.item.meeting.state in _FINISHED:
        refuse(409, "Referatet er godkendt; der kan ikke tilføjes særstandpunkter.",
               clause="SLA-6", rule="dissent")
    here = [a for a in meeting_attendees(motion.item.meeting) if a.person == user.email]
    if not here:
        refuse(409, "Kun et medlem, der er til stede ved mødet, kan få et særstandpunkt "
               "ført til referat.", clause="CORE-ATTENDANCE", rule="dissent")
    exists = db.session.scalar(sa.select(sa.func.count(Dissent.id)).where(
        Dissent.motion_id == motion.id, Dissent.person_id == user.id))
    if exists:
        refuse(409, "Dit særstandpunkt er allerede ført til referat.", clause="CORE-DISSENT",
               rule="dissent")
    dissent = Dissent(motion=motion, person_id=user.id, organisation=here[0].organisation, text=text)
    db.session.add(dissent)
    try:
        db.session.flush()
    except IntegrityError:
        refuse(409, "Dit særstandpunkt er allerede ført til referat.", clause="CORE-DISSENT",
               rule="dissent")
    audit.record("dissent.recorded", f"motion:{motion.id}", {
        "organisation": dissent.organisation, "text": text,
    }, actor_id=user.id)
    if motion.phase is MotionPhase.CLOSED:  # after the close: it joins the minutes (SLA-6)
        meetings.record_motion_dissent(motion.item, _minutes_dissent(dissent))
    return dissent


def _minutes_dissent(d: Dissent) -> dict:
    """A dissent as the minutes entry keeps it (the meetings feature's shape)."""
    return {"by": d.person.name if d.person else "", "email": d.person.email if d.person else None,
            "organisation": d.organisation, "text": d.text}


def votes_waiting(user, *, hooks, tenant) -> list[tuple[Motion, VoteUnit, str]]:
    """The votes ``user`` may cast now and has not: for every motion open for voting, each
    eligible unit the user may cast (present holder, substitute or delegate; ALB-B2, ALB-B5,
    KBH-7) whose vote is not cast yet, with the unit's display name."""
    out = []
    motions = db.session.scalars(
        sa.select(Motion).where(Motion.phase == MotionPhase.VOTING).order_by(Motion.id)).all()
    for motion in motions:
        sit = _motion_situation(hooks, tenant, motion)
        cast = set(db.session.scalars(sa.select(Vote.unit_key).where(Vote.motion_id == motion.id)))
        out += [(motion, u, sit.names.get(u.key, u.label)) for u in sit.units
                if u.eligible and user.email in u.casters and u.key not in cast]
    return out


def _casts(motion: Motion) -> tuple[list[Cast], list[str]]:
    votes = list(db.session.scalars(sa.select(Vote).where(Vote.motion_id == motion.id)
                                    .order_by(Vote.id)))
    participants = [v.unit_key for v in votes]
    if motion.is_secret:
        ballots = db.session.scalars(sa.select(SecretBallot).where(
            SecretBallot.motion_id == motion.id).order_by(SecretBallot.id))
        return [Cast(None, Choice(b.choice.value), b.weight) for b in ballots], participants
    users = {v.cast_by_id: v.cast_by for v in votes}
    return [Cast(v.unit_key, Choice(v.choice.value), v.weight,
                 users[v.cast_by_id].email if users.get(v.cast_by_id) else None)
            for v in votes], participants


def _follow_ups(hooks, sit: Situation, passed: bool) -> list[dict]:
    return [
        {"assignee_kind": f.assignee_kind, "assignee": f.assignee, "title": f.title,
         "clause": f.clause, "source": f.source}
        for f in hooks.collect("follow_ups", body=sit.body, matter=sit.matter, passed=passed)
    ]


def close_motion(motion: Motion, *, user, hooks, tenant) -> Motion:
    """Close the motion: the quorum is checked again, the outcome computed and stored with
    its explanation, and the motion takes no more votes."""
    sit = _motion_situation(hooks, tenant, motion)
    _require_leader(user, motion.item.meeting.body, sit, "afslutte forslaget",
                    "close the motion")
    _require_phase(motion, MotionPhase.DELIBERATION, MotionPhase.VOTING, acting="afsluttes igen")
    if motion.phase is MotionPhase.DELIBERATION:
        decided_by = BY_CONSENSUS if motion.procedure is ProcedureKind.CONSENSUS_THEN_MAJORITY \
            else BY_NO_OBJECTION
    else:
        decided_by = BY_VOTE
    quorum = hooks.quorum(body=sit.body, units=list(sit.units), matter=sit.matter)
    casts, participants = _casts(motion)
    outcome = compute_outcome(
        hooks, body=sit.body, matter=sit.matter, units=sit.units, names=sit.names,
        procedure=_procedure_choice(motion), decided_by=decided_by, casts=casts,
        participants=participants, quorum=quorum, quorum_at_open=motion.quorum_at_open,
        quorum_at_voting=motion.quorum_at_voting,
        objections=[o.unit_label for o in motion.objections],
        secret=motion.is_secret, weighted=motion.is_weighted, weights_clause=sit.weights_clause,
        competence=Verdict(**{k: v for k, v in motion.competence_rule.items() if k != "reason_en"},
                           reason_en=motion.competence_rule.get("reason_en")),
    )
    # Tasks the decision creates elsewhere (a decision of principle goes on to the city
    # council and the organisations' boards, VEJ-1), stored for the proposals to act on.
    outcome["follow_ups"] = _follow_ups(hooks, sit, outcome["passed"])
    motion.phase = MotionPhase.CLOSED
    motion.result = MotionResult(outcome["result"])
    motion.outcome = outcome
    motion.closed_at = utcnow()
    motion.closed_by_id = user.id
    db.session.flush()
    audit.record("motion.closed", f"motion:{motion.id}", {
        "item_id": motion.item_id, "result": outcome["result"], "outcome": outcome,
    }, actor_id=user.id)
    # The decision goes into the item's minutes entry (decisions may call meetings) ...
    meetings.record_motion_decision(
        motion.item, decision=motion.text, result=outcome["result"],
        explanation=outcome["explanation"]["da"],
        dissents=[_minutes_dissent(d) for d in motion.dissents],
    )
    # ... and the features above (proposals) react through the event hook.
    hooks.decision_taken(
        tenant=TenantFacts(id=tenant.id, slug=tenant.slug, name=tenant.name), body=sit.body,
        decision=DecisionTaken(
            motion_id=motion.id, item_id=motion.item_id, result=outcome["result"],
            passed=outcome["passed"], text=motion.text,
            explanation=outcome["explanation"]["da"],
            explanation_en=outcome["explanation"].get("en", ""), outcome=outcome,
            user_id=user.id,
        ),
    )
    return motion


# ------------------------------------------------------------------------- dry run


def _dry_attendees(body: Body, on: date, present: Iterable[str] | None,
                   actual: Sequence[Attendee] | None) -> list[Attendee]:
    """Attendance for a dry run: the given seat keys or organisation codes are present
    (their holders, or a stand-in name for a vacant seat); without a list, the meeting's
    recorded attendance, or else every seat."""
    if present is None and actual is not None:
        return list(actual)
    wanted = None if present is None else set(present)
    out = []
    for seat in body.seats:
        if not seat.is_valid_on(on):
            continue
        here = wanted is None or seat.key in wanted or seat.organisation.code in wanted
        person = (seat.holder.email if seat.holder is not None else f"{seat.key}@dry-run") \
            if here else None
        out.append(Attendee(seat.key, seat.organisation.code, seat.role.value, seat.is_voting,
                            person))
    return out


def dry_run(
    body: Body, *, hooks, tenant, matter: Matter, item: AgendaItem | None = None,
    present: Sequence[str] | None = None, votes: Mapping[str, str] | None = None,
    objections: Sequence[str] = (), secret: bool = False, weighted: bool = False,
) -> dict:
    """What would the outcome be if these units attended and voted so? The same rules as a
    real motion, and nothing is stored.

    :param present: seat keys or organisation codes present (default: the item's recorded
        attendance, or every seat).
    :param votes: choice per unit (by unit key, e.g. ``org:VA``, or label, e.g. ``VA``).
    :param objections: units (key or label) that object to consensus or to the conclusion.
    """
    on = item.meeting.starts_at.date() if item is not None else date.today()
    actual = meeting_attendees(item.meeting) if item is not None else None
    sit = situation(hooks, tenant, body, matter, _dry_attendees(body, on, present, actual),
                    weighted=weighted)
    by_ref = {}
    for u in sit.units:
        by_ref.setdefault(u.key, u)
        by_ref.setdefault(u.label, u)
    problems = {}
    casts = []
    for ref, choice in (votes or {}).items():
        unit = by_ref.get(ref)
        if unit is None:
            problems[ref] = ["Ukendt stemmeberettiget; se 'units' for nøglerne."]
        elif not unit.eligible:
            problems[ref] = [unit.reason or "Har ikke stemmeret i denne sag."]
        elif not unit.present:
            problems[ref] = ["Er ikke til stede og kan ikke stemme."]
        else:
            casts.append(Cast(unit.key, Choice(choice), unit.weight))
    objecting = []
    for ref in objections:
        unit = by_ref.get(ref)
        if unit is None or not unit.present:
            problems[ref] = ["Ukendt eller ikke til stede; kan ikke gøre indsigelse."]
        else:
            objecting.append(sit.names.get(unit.key, unit.label))
    if problems:
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"votes": problems}})

    competence = hooks.body_competence(body=sit.body, matter=matter)
    procedure = hooks.decision_procedure(body=sit.body, matter=matter)
    quorum = hooks.quorum(body=sit.body, units=list(sit.units), matter=matter)
    result = {"stored": False, "competence": verdict_dict(competence)}
    if not competence.ok:
        return result | {
            "result": "refused", "passed": False, "decided_by": None,
            "units": [], "counts": None, "votes": None,
            "quorum": {"at_close": verdict_dict(quorum)},
            "provenance": [{"rule": "body_competence", "clause": competence.clause,
                            "source": competence.source}],
            "explanation": {"da": f"Kan ikke afgøres her: {competence.reason}",
                            "en": f"Cannot be decided here: {competence.reason_en or competence.reason}"},
        }
    if procedure.procedure is Procedure.VOTE or casts or objecting:
        decided_by = BY_VOTE
    elif procedure.procedure is Procedure.CONSENSUS_THEN_MAJORITY:
        decided_by = BY_CONSENSUS
    else:
        decided_by = BY_NO_OBJECTION
    casts_secret = [Cast(None, c.choice, c.weight) for c in casts] if secret else casts
    outcome = compute_outcome(
        hooks, body=sit.body, matter=matter, units=sit.units, names=sit.names,
        procedure=procedure, decided_by=decided_by, casts=casts_secret,
        participants=[c.unit for c in casts], quorum=quorum, objections=objecting,
        secret=secret, weighted=weighted, weights_clause=sit.weights_clause,
        competence=competence,
    )
    return result | outcome | {"follow_ups": _follow_ups(hooks, sit, outcome["passed"])}


def dry_run_for_input(body: Body, data: Mapping, *, user, hooks, tenant) -> dict:
    """A dry run asked for with ``DryRunSchema``'s input (the API and the page): the matter
    from the agenda item ``item_id`` (visible to ``user`` and in ``body``), else from
    ``matter``. Stores nothing; the caller rolls back whatever the rules touched."""
    item = None
    majority = data["majority"]
    if data.get("item_id") is not None:
        item = get_item(data["item_id"])
        if not is_visible(item, user):
            abort(404, message="Punktet findes ikke.")
        if item.meeting.body_id != body.id:
            abort(404, message="Punktet findes ikke i dette organ.")
        matter = matter_for(item, majority)
    else:
        m = data.get("matter") or {}
        matter = Matter(
            title=m.get("title") or "Prøveafstemning", topics=frozenset(m.get("topics", ())),
            plan=m.get("plan"), district=m.get("district"), majority=majority,
        )
    return dry_run(
        body, hooks=hooks, tenant=tenant, matter=matter, item=item, present=data.get("present"),
        votes=data.get("votes"), objections=data.get("objections", ()),
        secret=data.get("secret", False), weighted=data.get("weighted", False),
    )


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


# ------------------------------------------------------------------------- audit check


def audit_mismatches(tenant_id: int) -> list[audit.Mismatch]:
    """Each stored vote and each closed motion's result and outcome, compared with what the
    tenant's audit log says they are (``kommissorium audit verify``): the chain proves the
    log was not changed; this proves the tables were not changed past the log.

    The log is replayed per motion: ``vote.cast``/``vote.recorded`` give a unit's choice,
    weight and capacity, ``vote.changed`` its new choice, ``motion.closed`` the result and
    the explained outcome. A row the log does not know, a logged vote whose row is gone and
    every differing field are reported, naming the table, the row and the field."""
    from core.audit.models import AuditEntry
    from core.tenancy import tenant_scope

    out: list[audit.Mismatch] = []

    def differs(table, row_id, subject, field, stored, audited):
        out.append(audit.Mismatch(tenant_id, table, row_id, field, stored, audited, subject))

    with tenant_scope(tenant_id):
        logged_votes: dict[tuple[int, str], dict] = {}
        logged_closes: dict[int, dict] = {}
        for e in db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.subject.like("motion:%"),
                                            AuditEntry.action.in_(("vote.cast", "vote.recorded",
                                                                   "vote.changed", "motion.closed")))
                .order_by(AuditEntry.seq)):
            motion_id = int(e.subject.partition(":")[2])
            if e.action == "motion.closed":
                logged_closes[motion_id] = e.payload
            elif e.action == "vote.changed":
                logged_votes.setdefault((motion_id, e.payload["unit"]), {})["choice"] = e.payload["to"]
            else:
                p = e.payload
                logged_votes[(motion_id, p["unit"])] = {
                    "choice": p.get("choice"), "weight": p.get("weight"), "cast_as": p.get("cast_as")}

        for v in db.session.scalars(sa.select(Vote).order_by(Vote.id)):
            subject = f"motion:{v.motion_id}"
            logged = logged_votes.pop((v.motion_id, v.unit_key), None)
            stored = {"choice": v.choice.value if v.choice else None, "weight": v.weight,
                      "cast_as": v.cast_as.value}
            if logged is None:
                differs("votes", v.id, subject, f"vote of {v.unit_key}", stored, audit.ABSENT)
                continue
            for name, value in stored.items():
                if name in logged and logged[name] != value:
                    differs("votes", v.id, subject, name, value, logged[name])
        for (motion_id, unit), logged in sorted(logged_votes.items()):
            differs("votes", None, f"motion:{motion_id}", f"vote of {unit}", audit.ABSENT, logged)

        motions = {m.id: m for m in db.session.scalars(
            sa.select(Motion).where(sa.or_(Motion.result.is_not(None),
                                           Motion.id.in_(list(logged_closes) or [-1])))
            .order_by(Motion.id))}
        for motion_id in sorted(motions.keys() | logged_closes.keys()):
            m, logged = motions.get(motion_id), logged_closes.get(motion_id)
            subject = f"motion:{motion_id}"
            if m is None:
                differs("motions", None, subject, "result", audit.ABSENT, logged["result"])
                continue
            result = m.result.value if m.result else None
            if logged is None:
                differs("motions", m.id, subject, "result", result, audit.ABSENT)
                continue
            if result != logged["result"]:
                differs("motions", m.id, subject, "result", result, logged["result"])
            found = audit.first_difference(m.outcome, logged.get("outcome"), "outcome")
            if found:
                differs("motions", m.id, subject, *found)
    return out
