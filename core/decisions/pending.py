"""What the decisions feature has waiting for a user (the ``pending_for_user`` hook,
registered for every tenant through ``CORE_FEATURES`` in core/hooks/host.py):

* ``vote_to_cast`` — a motion open for voting where the user may cast a unit's vote (its
  present holder, substitute or delegate; ALB-B2, ALB-B5, KBH-7) and that unit's vote has
  not been cast.

Runs inside the tenant's scope, so it sees that tenant's motions only.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from core.decisions import operations as ops
from core.decisions.models import Motion, MotionPhase, Vote
from core.extensions import db
from core.hooks import hookimpl
from core.identity.models import User
from core.rules.types import PendingItem
from core.tenants.models import Tenant


@hookimpl
def pending_for_user(user_id, tenant):
    user = db.session.get(User, user_id)
    if user is None:
        return []
    motions = db.session.scalars(
        sa.select(Motion).where(Motion.phase == MotionPhase.VOTING).order_by(Motion.id)
    ).all()
    if not motions:
        return []
    tenant_row = db.session.get(Tenant, tenant.id)
    hooks = current_app.extensions["kommissorium.host"].for_tenant(tenant_row.plugins)
    out: list[PendingItem] = []
    for motion in motions:
        sit = ops._motion_situation(hooks, tenant_row, motion)
        cast = set(db.session.scalars(sa.select(Vote.unit_key).where(Vote.motion_id == motion.id)))
        item = motion.item
        for unit in sit.units:
            if unit.eligible and user.email in unit.casters and unit.key not in cast:
                name = sit.names.get(unit.key, unit.label)
                out.append(PendingItem(
                    kind="vote_to_cast",
                    title=f"Afgiv {name}s stemme: {item.title} ({item.meeting.body.name})",
                    title_en=f"Cast {name}'s vote: {item.title} ({item.meeting.body.name})",
                    body=item.meeting.body.key,
                    url=f"/api/v1/tenants/{tenant.slug}/motions/{motion.id}/votes",
                    due=item.meeting.starts_at.date(), clause=unit.clause,
                ))
    return out
