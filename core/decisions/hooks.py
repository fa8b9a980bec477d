"""What the decisions feature has waiting for a user (the ``pending_for_user`` hook,
registered for every tenant because it is in this feature's ``hooks.py``, core/hooks/host.py):

* ``vote_to_cast`` — a motion open for voting where the user may cast a unit's vote (its
  present holder, substitute or delegate; CORE-UNITS, CORE-SUBSTITUTE, CORE-MANDATE) and that
  unit's vote has
  not been cast (:func:`core.decisions.operations.votes_waiting`);
* ``written_to_answer`` — an open written procedure the user may still answer for a unit
  (its seat's holder, or the holder of its delegated mandate; the vote's own units)
  (:func:`core.decisions.operations.written_waiting_for`).

Runs inside the tenant's scope, so it sees that tenant's motions only.
"""

from __future__ import annotations

from core.decisions import operations as ops
from core.hooks import hookimpl
from core.hooks.helpers import page_url, pending_subject
from core.rules.types import PendingItem


@hookimpl
def pending_for_user(user_id, tenant):
    subject = pending_subject(user_id, tenant)
    if subject is None:
        return []
    user, tenant_row, hooks = subject
    out: list[PendingItem] = []
    for motion, unit, name in ops.votes_waiting(user, hooks=hooks, tenant=tenant_row):
        item = motion.item
        body = item.meeting.body
        out.append(PendingItem(
            kind="vote_to_cast",
            title=f"Afgiv {name}s stemme: {item.title} ({body.name})",
            title_en=f"Cast {name}'s vote: {item.title} ({body.name})",
            body=body.key, url=f"/api/v1/tenants/{tenant.slug}/motions/{motion.id}/votes",
            due=item.meeting.starts_at.date(), clause=unit.clause,
            page_url=page_url("web.meeting", tenant=tenant.slug, meeting_id=item.meeting_id,
                              _anchor=f"punkt-{item.id}"),
        ))
    for procedure, unit in ops.written_waiting_for(user, hooks=hooks, tenant=tenant_row):
        body = procedure.body
        out.append(PendingItem(
            kind="written_to_answer",
            title=f"Svar for {unit['name']}: {procedure.title} ({body.name}, skriftlig behandling)",
            title_en=f"Answer for {unit['name']}: {procedure.title} ({body.name}, written procedure)",
            body=body.key, url=f"/api/v1/tenants/{tenant.slug}/written-procedures/{procedure.id}/answers",
            due=procedure.deadline_at.date(), clause=None,
            page_url=page_url("web.written_procedure", tenant=tenant.slug, procedure_id=procedure.id),
        ))
    return out
