"""Moving along the route: which step a body may act on (no skipping), the single door
through which a decision or position is recorded (:func:`record_decision`), and where
the proposal is now.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core import clock
from core.audit import operations as audit
from core.bodies.facts import body_facts
from core.bodies.models import Body
from core.decisions.operations import follow_ups_for
from core.errors import refuse
from core.extensions import db
from core.proposals.models import (
    Proposal,
    ProposalState,
    ProposalStep,
    StepKind,
    StepOutcome,
    StepState,
)
from core.proposals.operations.agenda import _arrive
from core.proposals.operations.common import _event, lock, matter_of
from core.proposals.operations.follow_ups import _create_follow_ups


#: The actions at which a body decides (and ``body_competence`` is asked); at the others
#: (recommend, revise, forward) it takes a position and carries the proposal on or not.
DECIDING_ACTIONS = frozenset({"decide"})


def _route_names(proposal: Proposal) -> str:
    return " → ".join(s.body.name if s.body is not None else "høring" for s in proposal.steps)


def check_move(hooks, tenant, proposal: Proposal, body: Body) -> ProposalStep:
    """The step ``body`` may act on now, or a refusal citing the rule: the proposal has
    ended, is in hearing, ``body`` comes later on the route (no skipping), or is not on it."""
    if proposal.state is not ProposalState.IN_PROGRESS:
        refuse(409, f"Forslaget er afsluttet ({proposal.state.value}); det kan ikke behandles igen.",
               clause=proposal.route_clause, rule="proposal_route")
    step = proposal.current_step
    if step.body_id == body.id and step.kind is StepKind.BODY:
        return step
    if step.kind is StepKind.HEARING:
        refuse(409, "Forslaget er i høring; høringen skal afsluttes, før forslaget behandles videre.",
               clause=step.clause, rule="proposal_route")
    if any(s.body_id == body.id for s in proposal.steps if s.position > step.position):
        refuse(409, f"{body.name} kan ikke behandle forslaget endnu: det er hos {step.body.name}, "
                "og et trin på ruten kan ikke springes over.",
               clause=step.clause, rule="proposal_route")
    refuse(409, f"{body.name} er ikke på forslagets rute nu ({_route_names(proposal)}).",
           clause=proposal.route_clause, rule="proposal_route")


def step_for_agenda_item(agenda_item_id: int) -> ProposalStep | None:
    """The proposal step an agenda item was created for, if any: when a motion on that item
    closes, the motions feature passes its outcome to :func:`record_decision`."""
    return db.session.scalar(
        sa.select(ProposalStep).where(ProposalStep.agenda_item_id == agenda_item_id)
    )


def record_decision(
    hooks, tenant, proposal: Proposal, body: Body, *, passed: bool, text: str,
    provenance: dict, actor=None, now: datetime | None = None,
) -> ProposalStep:
    """Record ``body``'s decision (or position) on the proposal's current step and move it on.

    At a ``decide`` step the body must have the competence (``body_competence``); the
    decision adopts or rejects the proposal and creates the follow-ups the rules name
    (``follow_ups``). At a ``recommend``/``revise``/``forward`` step the body carries the
    proposal on, or stops it. ``provenance`` says how the decision was taken
    (``{"by": "secretary", …}`` or ``{"by": "motion", "motion_id": …}``).
    """
    now = now or clock.now()
    lock(proposal)
    step = check_move(hooks, tenant, proposal, body)
    facts = body_facts(body, tenant.slug)
    matter = matter_of(proposal)
    deciding = step.action in DECIDING_ACTIONS
    verdict = None
    if deciding:
        verdict = hooks.body_competence(body=facts, matter=matter)
        if not verdict.ok:
            refuse(409, verdict.reason, clause=verdict.clause, rule="body_competence")
        outcome = StepOutcome.ADOPTED if passed else StepOutcome.REJECTED
    else:
        outcome = StepOutcome.CARRIED_ON if passed else StepOutcome.NOT_CARRIED_ON

    step.state = StepState.DONE
    step.outcome = outcome
    step.decision_text = text
    step.provenance = {**provenance, "competence": verdict.as_dict() if verdict else None}
    step.completed_at = now
    step.completed_by_id = actor.id if actor is not None else None
    verb = {
        StepOutcome.ADOPTED: "vedtog forslaget",
        StepOutcome.REJECTED: "forkastede forslaget",
        StepOutcome.CARRIED_ON: "førte forslaget videre",
        StepOutcome.NOT_CARRIED_ON: "førte ikke forslaget videre",
    }[outcome]
    _event(proposal, "decided", f"{body.name} {verb}: {text}".strip(), step=step, actor=actor,
           clause=verdict.clause if verdict else step.clause, now=now,
           data={"body": body.key, "action": step.action, "outcome": outcome.value,
                 "text": text, "provenance": step.provenance})
    # Every decision or position on a proposal goes to the audit chain; a motion's full
    # outcome is already there (motion.closed), so the motion is named, not copied.
    audit.record("proposal.decided", f"proposal:{proposal.id}", {
        "step": step.position, "body": body.key, "action": step.action,
        "outcome": outcome.value, "text": text,
        "provenance": {k: v for k, v in step.provenance.items() if k != "outcome"},
    }, actor_id=actor.id if actor is not None else None)
    if deciding:
        # The follow-ups are computed once per decision: a motion's close stored them with
        # its outcome (from the motion's matter); a decision recorded by hand computes them.
        stored = (provenance.get("outcome") or {}).get("follow_ups")
        if provenance.get("by") != "motion" or stored is None:
            stored = follow_ups_for(hooks, facts, matter, passed)
        _create_follow_ups(proposal, step, stored, actor, now)

    following = [s for s in proposal.steps if s.position > step.position]
    if passed and following:
        _arrive(hooks, tenant, proposal, following[0], actor=actor, now=now)
    else:
        for s in following:
            s.state = StepState.NOT_REACHED
        if passed:
            proposal.state = ProposalState.ADOPTED
        else:
            proposal.state = ProposalState.REJECTED if deciding else ProposalState.STOPPED
        proposal.closed_at = now
        _event(proposal, "closed", {
            ProposalState.ADOPTED: f"Forslaget er vedtaget af {body.name}.",
            ProposalState.REJECTED: f"Forslaget er forkastet af {body.name}.",
            ProposalState.STOPPED: f"{body.name} førte ikke forslaget videre; det stopper her.",
        }[proposal.state], step=step, actor=actor, now=now, data={"state": proposal.state.value})
    db.session.flush()
    return step


def where_is(proposal: Proposal) -> dict:
    """Where the proposal is now, in a sentence for its originating body (``text``, Danish;
    ``text_en``, English)."""
    step = proposal.current_step
    if proposal.state is not ProposalState.IN_PROGRESS:
        last = next((s for s in reversed(proposal.steps) if s.state is StepState.DONE), None)
        by = last.body.name if last and last.body else None
        da, en = {
            ProposalState.ADOPTED: ("Vedtaget", "Adopted"),
            ProposalState.REJECTED: ("Forkastet", "Rejected"),
            ProposalState.STOPPED: ("Standset", "Stopped"),
        }[proposal.state]
        return {"state": proposal.state.value, "step": last.position if last else None,
                "body": last.body.key if last and last.body else None,
                "text": da + (f" af {by}" if by else "") + ".",
                "text_en": en + (f" by {by}" if by else "") + "."}
    if step.kind is StepKind.HEARING:
        opened = step.hearing is not None
        return {"state": "in_hearing", "step": step.position, "body": None,
                "text": "I høring." if opened else "Venter på at blive sendt i høring.",
                "text_en": "In hearing." if opened else "Waiting to be sent for hearing."}
    if step.meeting is not None:
        da, en = f" på mødet {step.meeting.starts_at:%Y-%m-%d}", f" on the meeting of {step.meeting.starts_at:%Y-%m-%d}"
    else:
        da, en = " (venter på et planlagt møde)", " (waiting for a planned meeting)"
    return {"state": "at_body", "step": step.position, "body": step.body.key,
            "text": f"Hos {step.body.name}{da}.", "text_en": f"With {step.body.name}{en}."}
