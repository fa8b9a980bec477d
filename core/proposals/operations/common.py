"""What every step of a proposal's way uses: the proposal as the rules see it
(:func:`matter_of`), the tenant's current bodies, an entry in its history (``_event``;
the wording per kind is in core/proposals/history.py), a refusal citing the rule, and the
row lock that serialises moves on one proposal.
"""

from __future__ import annotations

import sqlalchemy as sa

from core import clock
from core.bodies.models import Body
from core.extensions import db
from core.proposals.models import Proposal, ProposalEvent
from core.rules.types import Matter
from core.rules.types import ItemKind as RuleItemKind


def matter_of(proposal: Proposal) -> Matter:
    """The proposal as the rules see it."""
    return Matter(
        title=proposal.title,
        kind=RuleItemKind.DECISION,
        topics=frozenset(proposal.topics or ()),
        plan=proposal.plan,
        district=proposal.district,
    )


def _all_bodies() -> list[Body]:
    """The tenant's current bodies (an ended one is on no route)."""
    return list(db.session.scalars(
        sa.select(Body).where(Body.current_sql(clock.today())).order_by(Body.id)))


def _event(proposal, kind, message, *, step=None, actor=None, clause=None, data=None, now=None):
    with db.session.no_autoflush:
        ev = ProposalEvent(
            proposal=proposal, step_id=step.id if step is not None else None, kind=kind,
            actor_id=actor.id if actor is not None else None, message=message, clause=clause,
            data=data or {}, created_at=now or clock.now(),
        )
    db.session.add(ev)
    return ev



def lock(proposal: Proposal) -> None:
    """Serialise moves on one proposal: take its row lock (on PostgreSQL) and reload it and
    its steps, so two secretaries recording at once cannot both move the same step."""
    db.session.flush()
    db.session.execute(
        sa.select(Proposal.id).where(Proposal.id == proposal.id).with_for_update()
    )
    db.session.refresh(proposal)
    for step in proposal.steps:
        db.session.refresh(step)
