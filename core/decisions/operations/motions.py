"""A motion's life: opened on a decision item (competence, quorum, procedure), put to the
vote or objected to, closed with its explained outcome (written to the minutes and passed
on through ``decision_taken``), and the dissents recorded on it (CORE-DISSENT).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core import clock
from core.audit import operations as audit
from core.bodies.facts import body_facts
from core.bodies.models import Body
from core.decisions.explain import BY_CONSENSUS, BY_NO_OBJECTION, BY_VOTE, Cast, compute_outcome
from core.decisions.models import (
    Dissent,
    Majority,
    Motion,
    MotionPhase,
    MotionResult,
    Objection,
    ProcedureKind,
    SecretBallot,
    Vote,
)
from core.decisions.operations.access import _require_leader, _units_of
from core.decisions.operations.common import _FINISHED
from core.decisions.operations.loading import motion_for_item
from core.decisions.operations.situation import (
    Situation,
    _check_quorum,
    _keep,
    follow_ups_for,
    _motion_situation,
    _procedure_choice,
    matter_for,
    situation,
)
from core.errors import refuse
from core.extensions import db
from core.meetings import operations as meetings
from core.meetings.attendees import attendees as meeting_attendees
from core.meetings.models import AgendaItem, ItemKind, Meeting
from core.rules.types import Choice, DecisionTaken, Procedure, Verdict


def open_motion(
    item: AgendaItem, *, user, hooks, tenant, text: str, secret: bool = False,
    weighted: bool = False, majority: str = "simple",
) -> Motion:
    """Open a motion on a decision item: the body must have competence, the meeting must be
    quorate; the body's procedure decides whether voting starts at once."""
    meeting: Meeting = item.meeting
    body: Body = meeting.body
    matter = matter_for(item, majority)
    sit = situation(hooks, tenant, body, matter, meeting_attendees(meeting), weighted=weighted,
                    day=meeting.starts_at.date(), disqualified=meetings.disqualified_on(item))
    _require_leader(user, body, sit, "åbne et forslag til beslutning",
                    "open a motion")
    if item.kind is not ItemKind.DECISION:
        refuse(422, "Kun beslutningspunkter (B) kan afgøres; punktet er et "
               f"{'drøftelsespunkt (D)' if item.kind is ItemKind.DISCUSSION else 'orienteringspunkt (O)'}.",
               clause="CORE-MOTION", rule="motion")
    _require_session(meeting, "åbnes forslag til beslutning")
    if motion_for_item(item) is not None:
        refuse(409, "Punktet har allerede et forslag til beslutning.", clause="CORE-MOTION",
               rule="motion")
    competence = hooks.body_competence(body=sit.body, matter=matter)
    if not competence.ok:
        refuse(409, competence.reason, clause=competence.clause, rule="body_competence")
    quorum = _check_quorum(hooks, sit)
    choice = hooks.decision_procedure(body=sit.body, matter=matter)
    now = clock.now()
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
    _keep(hooks, tenant, motion, sit)  # its votes use it while nothing it read changes
    audit.record("motion.opened", f"motion:{motion.id}", {
        "item_id": item.id, "meeting_id": meeting.id, "text": text,
        "procedure": choice.procedure.value, "procedure_clause": choice.clause,
        "competence": competence.as_dict(), "quorum": quorum.as_dict(),
        "options": {"secret": secret, "weighted": weighted, "majority": majority},
    }, actor_id=user.id)
    return motion


@meetings.session_end_check
def _open_motions(meeting: Meeting) -> str | None:
    """CORE-SESSION: the meeting leader closes every motion before the meeting ends; one left
    open could neither be voted on nor closed afterwards."""
    open_items = db.session.scalars(
        sa.select(AgendaItem.position).join(Motion, Motion.item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting.id, Motion.phase != MotionPhase.CLOSED)
        .order_by(AgendaItem.position)
    ).all()
    if not open_items:
        return None
    return ("Forslaget til beslutning på punkt " + ", ".join(map(str, open_items))
            + " er ikke afsluttet; mødelederen afslutter det, før mødet registreres som afholdt.")


def _start_voting(motion: Motion, sit: Situation, hooks) -> Verdict:
    quorum = _check_quorum(hooks, sit)  # checked again when voting opens
    motion.phase = MotionPhase.VOTING
    motion.voting_opened_at = clock.now()
    motion.quorum_at_voting = quorum.as_dict()
    return quorum


def _require_session(meeting: Meeting, acting: str) -> None:
    """CORE-SESSION: a decision is taken only while its meeting sits (opened on its day,
    not yet recorded held); between meetings only through a written procedure."""
    why = meetings.session_refusal(meeting, acting)
    if why is not None:
        refuse(409, why, clause=meetings.SESSION_CLAUSE, rule="meeting_session")


def _require_phase(motion: Motion, *phases: MotionPhase, acting: str) -> None:
    if motion.phase is not MotionPhase.CLOSED:
        _require_session(motion.item.meeting, acting)
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
    (CORE-PROCEDURE)."""
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
    """A member objects to the conclusion or to consensus; the motion goes to a vote
    (CORE-PROCEDURE). Only those who may cast a unit's vote may object for it."""
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


def record_dissent(motion: Motion, *, user, hooks, tenant, text: str) -> Dissent:
    """Record a present member's dissent (særstandpunkt) for the minutes, on request, as
    the ``dissent_allowed`` rule allows (CORE-DISSENT, or the tenant's clause)."""
    allowed = _dissent_rule(hooks, tenant, motion.item)
    if motion.item.meeting.state in _FINISHED:
        refuse(409, "Referatet er godkendt; der kan ikke tilføjes særstandpunkter.",
               clause="CORE-MINUTES-FINAL", rule="dissent")
    if not allowed.ok:
        refuse(409, allowed.reason, clause=allowed.clause, rule="dissent_allowed")
    here = [a for a in meeting_attendees(motion.item.meeting) if a.person == user.email]
    if not here:
        refuse(409, "Kun et medlem, der er til stede ved mødet, kan få et særstandpunkt "
               "ført til referat.", clause="CORE-ATTENDANCE", rule="dissent")
    exists = db.session.scalar(sa.select(sa.func.count(Dissent.id)).where(
        Dissent.motion_id == motion.id, Dissent.person_id == user.id))
    if exists:
        refuse(409, "Dit særstandpunkt er allerede ført til referat.", clause="CORE-DISSENT",
               rule="dissent")
    dissent = Dissent(motion=motion, person_id=user.id, organisation=here[0].organisation, text=text,
                      clause=allowed.clause)
    db.session.add(dissent)
    try:
        db.session.flush()
    except IntegrityError:
        refuse(409, "Dit særstandpunkt er allerede ført til referat.", clause="CORE-DISSENT",
               rule="dissent")
    audit.record("dissent.recorded", f"motion:{motion.id}", {
        "organisation": dissent.organisation, "text": text, "clause": allowed.clause,
    }, actor_id=user.id)
    if motion.phase is MotionPhase.CLOSED:  # after the close: it joins the minutes (CORE-DISSENT)
        meetings.record_motion_dissent(motion.item, _minutes_dissent(dissent))
    return dissent


def _dissent_rule(hooks, tenant, item: AgendaItem) -> Verdict:
    """The ``dissent_allowed`` rule's answer for ``item``: the clause a dissent cites."""
    return hooks.dissent_allowed(body=body_facts(item.meeting.body, tenant.slug,
                                                 item.meeting.starts_at.date()),
                                 matter=matter_for(item))


def _minutes_dissent(d: Dissent) -> dict:
    """A dissent as the minutes entry keeps it (the meetings feature's shape)."""
    return {"by": d.person.name if d.person else "", "email": d.person.email if d.person else None,
            "organisation": d.organisation, "text": d.text, "clause": d.clause}


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


def close_motion(motion: Motion, *, user, hooks, tenant) -> Motion:
    """Close the motion: the quorum is checked again, the outcome computed and stored with
    its explanation, and the motion takes no more votes."""
    sit = _motion_situation(hooks, tenant, motion)
    _require_leader(user, motion.item.meeting.body, sit, "afslutte forslaget",
                    "close the motion")
    if motion.phase is not MotionPhase.CLOSED:
        _require_session(motion.item.meeting, "afsluttes forslag")
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
        disqualifications=sit.disqualifications,
        competence=Verdict(**{k: v for k, v in motion.competence_rule.items() if k != "reason_en"},
                           reason_en=motion.competence_rule.get("reason_en")),
    )
    # Tasks the decision creates elsewhere (a decision of principle goes on to the city
    # council and the organisations' boards, CORE-FOLLOW-UPS), stored for the proposals to act on.
    outcome["follow_ups"] = follow_ups_for(hooks, sit.body, sit.matter, outcome["passed"])
    motion.phase = MotionPhase.CLOSED
    motion.result = MotionResult(outcome["result"])
    motion.outcome = outcome
    motion.closed_at = clock.now()
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
        tenant=tenant.facts(), body=sit.body,
        decision=DecisionTaken(
            motion_id=motion.id, item_id=motion.item_id, result=outcome["result"],
            passed=outcome["passed"], text=motion.text,
            explanation=outcome["explanation"]["da"],
            explanation_en=outcome["explanation"].get("en", ""), outcome=outcome,
            user_id=user.id,
        ),
    )
    return motion
