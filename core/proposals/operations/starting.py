"""Starting a proposal: who may start one where (``proposal_origin_allowed``), its route
(``proposal_route``), and sending it to its first step.
"""

from __future__ import annotations

from datetime import datetime

from core import clock
from core.bodies.facts import body_facts
from core.bodies.models import Body
from core.errors import refuse
from core.extensions import db
from core.proposals.models import Proposal, ProposalStep, StepKind
from core.proposals.operations.access import _takes_part, caller_for
from core.proposals.operations.agenda import _arrive
from core.proposals.operations.common import _all_bodies, _event, matter_of
from core.rules.types import RouteStep


def start_proposal(
    hooks, tenant, *, origin: Body, proposer, title: str, text: str, decision_sought: str,
    topics=(), plan: str | None = None, district: str | None = None, now: datetime | None = None,
) -> Proposal:
    """Start a proposal in ``origin``: check the proposer may (``proposal_origin_allowed``),
    compute and store its route (``proposal_route``) and send it to its first step."""
    now = now or clock.now()
    facts = body_facts(origin, tenant.slug)
    verdict = hooks.proposal_origin_allowed(
        body=facts, proposer=caller_for(proposer, origin, tenant, now),
        takes_part=_takes_part(proposer, tenant),
    )
    if not verdict.ok:
        refuse(403, verdict.reason,
               clause=verdict.clause, rule="proposal_origin_allowed", reason_en=verdict.reason_en)

    proposal = Proposal(
        origin_body=origin, proposed_by=proposer, title=title, text=text,
        decision_sought=decision_sought, topics=list(topics), plan=plan, district=district,
        origin_verdict=verdict.as_dict(), created_at=now,
    )
    matter = matter_of(proposal)
    bodies = _all_bodies()
    by_key = {b.key: b for b in bodies}
    route = hooks.proposal_route(
        body=facts, matter=matter, bodies=[body_facts(b, tenant.slug) for b in bodies]
    )
    steps = list(route.steps)
    if not steps:
        # No route: the origin handles the proposal itself, if it may decide it.
        competence = hooks.body_competence(body=facts, matter=matter)
        if not competence.ok:
            clause = competence.clause if route.source == "core" else route.clause
            refuse(409, f"{route.reason} {competence.reason}".strip(), clause=clause, rule="proposal_route")
        steps = [RouteStep("body", origin.key, "decide", clause=route.clause)]
    for s in steps:
        if s.kind == "body" and s.target not in by_key:
            refuse(409, f"Ruten nævner et organ, som ikke findes: {s.target}.",
                   clause=route.clause, rule="proposal_route")
        if s.kind not in ("body", "hearing"):
            refuse(409, f"Ruten har et trin af ukendt art: {s.kind}.",
                   clause=route.clause, rule="proposal_route")

    proposal.route_reason = route.reason
    proposal.route_clause = route.clause
    proposal.route_source = route.source
    for i, s in enumerate(steps, start=1):
        proposal.steps.append(ProposalStep(
            position=i,
            kind=StepKind(s.kind),
            action=s.action,
            body=by_key[s.target] if s.kind == "body" else None,
            organisations=list(s.organisations),
            clause=s.clause,
        ))
    db.session.add(proposal)
    db.session.flush()
    _event(proposal, "started", f"Forslaget er rejst i {origin.name}. {route.reason}".strip(),
           actor=proposer, clause=route.clause, now=now,
           data={"origin": origin.key, "route": [_step_label(s) for s in proposal.steps],
                 "origin_verdict": verdict.as_dict()})
    _arrive(hooks, tenant, proposal, proposal.steps[0], actor=proposer, now=now)
    db.session.flush()
    return proposal


def origin_choices(hooks, tenant, user, *, now: datetime | None = None) -> list[tuple[Body, object]]:
    """Every body of the tenant with the ``proposal_origin_allowed`` verdict for ``user``:
    where the user may start a proposal, and why not elsewhere (the same question
    :func:`start_proposal` asks, asked before the form is filled in)."""
    now = now or clock.now()
    takes_part = _takes_part(user, tenant)
    return [
        (body, hooks.proposal_origin_allowed(
            body=body_facts(body, tenant.slug), proposer=caller_for(user, body, tenant, now),
            takes_part=takes_part))
        for body in _all_bodies()
    ]


def _step_label(step: ProposalStep) -> str:
    return f"{step.action}:{step.body.key}" if step.body is not None else "hearing"
