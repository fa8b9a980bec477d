"""Arriving at a step: a body's step becomes an agenda item on the body's next planned
meeting (under the standing item for incoming recommendations, CORE-STANDING-ITEMS, where the rules
have one) with the case so far and the hearing answers; a hearing step waits to be opened
(``hearings``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core import clock
from core.bodies.models import Body
from core.errors import refuse
from core.extensions import db
from core.meetings import operations as meetings
from core.meetings.models import AgendaItem, ItemKind, Meeting, MeetingState
from core.proposals.models import Proposal, ProposalStep, StepKind, StepState
from core.proposals.operations.common import _event, lock


def _arrive(hooks, tenant, proposal, step, *, actor, now, attach: dict | None = None):
    step.state = StepState.ACTIVE
    step.arrived_at = now
    if step.kind is StepKind.HEARING:
        _event(proposal, "arrived", "Forslaget skal i høring.", step=step, actor=actor,
               clause=step.clause, now=now, data={"organisations": step.organisations})
        return
    _event(proposal, "arrived", f"Forslaget er sendt til {step.body.name} ({step.action}).",
           step=step, actor=actor, clause=step.clause, now=now,
           data={"body": step.body.key, "action": step.action, **(attach or {})})
    place_step(hooks, tenant, proposal, step, now=now)


def next_planned_meeting(body: Body, now: datetime) -> Meeting | None:
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.body_id == body.id, Meeting.state == MeetingState.PLANNED,
               Meeting.starts_at > now)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )


def _case_text(proposal: Proposal) -> str:
    parts = [proposal.text]
    done = [s for s in proposal.steps if s.state is StepState.DONE and s.kind is StepKind.BODY]
    if done:
        parts.append("Behandling indtil nu:\n" + "\n".join(
            f"- {s.body.name}: {s.decision_text or s.outcome.value}" for s in done))
    answers = _collected_answers(proposal)
    if answers:
        parts.append("Høringssvar:\n" + "\n".join(_answer_line(a) for a in answers))
    return "\n\n".join(parts)


def _answer_line(a: dict) -> str:
    if a["status"] == "missing":
        return f"- {a['organisation_name']}: intet svar"
    late = " (modtaget efter fristen)" if a["is_late"] else ""
    if a["status"] == "no_comments":
        return f"- {a['organisation_name']}: ingen bemærkninger{late}"
    return f"- {a['organisation_name']}{late}: {a['text']}"


def body_step_now(proposal: Proposal) -> ProposalStep:
    """The step at a body where the proposal is now, or a refusal citing its route."""
    step = proposal.current_step
    if step is None or step.body is None:
        refuse(409, "Forslaget er ikke hos et organ nu.",
               clause=proposal.route_clause, rule="proposal_route")
    return step


def place_current_step(hooks, tenant, proposal: Proposal, *, now: datetime | None = None):
    """Put the current step on its body's next planned meeting, once one is planned (a
    step that arrived while its body had none waits for this)."""
    now = now or clock.now()
    lock(proposal)
    step = body_step_now(proposal)
    if next_planned_meeting(step.body, now) is None:
        refuse(409, f"{step.body.name} har intet planlagt møde.",
               clause=step.clause, rule="proposal_route")
    return place_step(hooks, tenant, proposal, step, now=now)


def place_step(hooks, tenant, proposal: Proposal, step: ProposalStep, *, now: datetime | None = None):
    """Put the step on the next planned meeting of its body, under the standing item for
    incoming recommendations where the rules have one. Without a planned meeting the step
    waits; calling this again once a meeting is planned places it."""
    now = now or clock.now()
    if step.agenda_item_id is not None:
        refuse(409, "Forslaget er allerede sat på en dagsorden.",
               clause=step.clause, rule="proposal_route")
    meeting = next_planned_meeting(step.body, now)
    if meeting is None:
        _event(proposal, "awaiting_meeting",
               f"{step.body.name} har intet planlagt møde; forslaget venter på næste møde.",
               step=step, clause=step.clause, now=now)
        return None
    standing = meetings.receiving_item(meeting, tenant, hooks)
    if standing is not None:
        under = [standing.position] + [
            s.agenda_item.position for s in db.session.scalars(
                sa.select(ProposalStep).where(ProposalStep.standing_item_id == standing.id))
            if s.agenda_item is not None
        ]
        position = max(under) + 1
        for a in meeting.items:
            if a.position >= position:
                a.position += 1
    else:
        position = max((a.position for a in meeting.items), default=0) + 1
    item = AgendaItem(
        position=position,
        kind=ItemKind.DECISION,
        title=f"Indstilling fra {proposal.origin_body.name}: {proposal.title}"[:300],
        case_text=_case_text(proposal),
        recommendation=proposal.decision_sought,
        topics=list(proposal.topics or ()),
        plan=proposal.plan,
        district=proposal.district,
        submitted_by_id=proposal.proposed_by_id,
    )
    meeting.items.append(item)
    db.session.flush()
    step.meeting = meeting
    step.agenda_item = item
    step.standing_item = standing
    where = f" under punktet «{standing.title}»" if standing is not None else ""
    _event(proposal, "placed",
           f"Sat på dagsordenen for {step.body.name}s møde {meeting.starts_at:%Y-%m-%d}{where}.",
           step=step, clause=standing.standing_clause if standing is not None else step.clause,
           now=now, data={"meeting_id": meeting.id, "agenda_item_id": item.id,
                          "standing_item_id": standing.id if standing is not None else None})
    return item


def _collected_answers(proposal: Proposal) -> list[dict]:
    done = [s for s in proposal.steps if s.kind is StepKind.HEARING and s.state is StepState.DONE]
    return [a for s in done for a in (s.provenance or {}).get("answers", [])]
