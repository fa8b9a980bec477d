"""The proposals feature's own hook implementations, registered for every tenant because
they are in this feature's ``hooks.py`` (core/hooks/host.py):

* ``decision_taken`` — a motion closed on an agenda item a proposal step placed: the step
  moves on through :func:`core.proposals.operations.record_decision`, the single door, with
  the motion's stored outcome as provenance (the decisions feature knows nothing of
  proposals; it only announces the decision).
* ``pending_for_user`` — hearing answers due from the user's organisations, and open
  follow-up tasks the user may close (CORE-FOLLOW-UPS, CORE-HEARING).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.bodies.facts import body_facts
from core.extensions import db
from core.hooks import hookimpl
from core.identity.models import User
from core.hooks.helpers import page_url
from core.identity.permissions import Role, role_in_body
from core.proposals import operations as ops
from core.proposals.models import (
    FollowUpState,
    FollowUpTask,
    Hearing,
    ProposalState,
    ProposalStep,
    StepKind,
    StepState,
)
from core.rules.types import PendingItem
from core.tenants.models import Tenant


@hookimpl
def decision_taken(tenant, body, decision):
    step = ops.step_for_agenda_item(decision.item_id)
    if step is None:
        return []
    if decision.result == "not_quorate":  # nothing was decided: the step stays where it is
        return [f"proposal {step.proposal_id}: not quorate, the step waits"]
    proposal = step.proposal
    if (proposal.state is not ProposalState.IN_PROGRESS or step.state is not StepState.ACTIVE
            or step.kind is not StepKind.BODY or proposal.current_step is not step):
        # Already moved on (the secretary recorded it by hand) or ended: a decision taken
        # stays taken, and the proposal is not moved twice.
        return [f"proposal {proposal.id}: step {step.position} is not open, left as it is"]
    tenant_row = db.session.get(Tenant, tenant.id)
    hooks = _tenant_hooks(tenant_row)
    if step.action in ops.DECIDING_ACTIONS:
        # record_decision would refuse (and roll back the close); ask first, and leave the
        # step for the secretary when the body may not decide the proposal's matter.
        verdict = hooks.body_competence(body=body_facts(step.body, tenant.slug),
                                        matter=ops.matter_of(proposal))
        if not verdict.ok:
            return [f"proposal {proposal.id}: {verdict.clause}: {verdict.reason}"]
    actor = db.session.get(User, decision.user_id) if decision.user_id else None
    ops.record_decision(
        hooks, tenant_row, proposal, step.body, passed=decision.passed, text=decision.text,
        provenance={
            "by": "motion", "motion_id": decision.motion_id, "item_id": decision.item_id,
            "result": decision.result, "explanation": decision.explanation,
            "outcome": decision.outcome,
        },
        actor=actor,
    )
    return [f"proposal {proposal.id}: step {step.position} {decision.result}"]


def _tenant_hooks(tenant: Tenant):
    from flask import current_app

    return current_app.extensions["kommissorium.host"].for_tenant(tenant.plugins)


def _url(tenant, proposal_id: int, tail: str = "") -> str:
    return f"/api/v1/tenants/{tenant.slug}/proposals/{proposal_id}{tail}"


@hookimpl
def pending_for_user(user_id, tenant):
    user = db.session.get(User, user_id)
    if user is None:
        return []
    orgs = {a.organisation_id for a in user.affiliations}
    out: list[PendingItem] = []
    # CORE-HEARING: a hearing answer is due from each organisation asked that has not answered.
    hearings = db.session.scalars(
        sa.select(Hearing).join(ProposalStep, Hearing.step_id == ProposalStep.id)
        .where(Hearing.closed_at.is_(None), ProposalStep.state == StepState.ACTIVE)
        .order_by(Hearing.deadline_at, Hearing.id)
    ).all()
    for h in hearings:
        answered = {r.organisation_id for r in h.responses}
        for asked in h.asked:
            if asked.organisation_id in orgs and asked.organisation_id not in answered:
                p = h.step.proposal
                out.append(PendingItem(
                    kind="hearing_answer_due",
                    title=f"Høringssvar fra {asked.organisation.code}: {p.title}",
                    title_en=f"Hearing answer from {asked.organisation.code}: {p.title}",
                    body=p.origin_body.key, url=_url(tenant, p.id, "/hearing/responses"),
                    due=h.deadline_at.date(), clause=h.step.clause,
                    page_url=page_url("web.hearing_answer_page", tenant=tenant.slug, proposal_id=p.id),
                ))
    # CORE-FOLLOW-UPS: follow-ups for the user's organisations, or for a body the user is secretary of.
    tasks = db.session.scalars(
        sa.select(FollowUpTask).where(FollowUpTask.state == FollowUpState.OPEN)
        .order_by(FollowUpTask.proposal_id, FollowUpTask.id)
    ).all()
    for t in tasks:
        mine = (t.organisation_id is not None and t.organisation_id in orgs) or (
            t.body is not None and role_in_body(user, t.body) >= Role.BODY_SECRETARY)
        if mine:
            out.append(PendingItem(
                kind="follow_up", title=f"Opfølgning: {t.title} ({t.assignee})",
                title_en=f"Follow-up: {t.title} ({t.assignee})",
                body=t.body.key if t.body is not None else None,
                url=_url(tenant, t.proposal_id, f"/follow-ups/{t.id}/done"), clause=t.clause,
                page_url=page_url("web.follow_ups", tenant=tenant.slug, _anchor=f"opfoelgning-{t.id}"),
            ))
    return out
