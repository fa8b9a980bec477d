"""Follow-ups (CORE-FOLLOW-UPS): the tasks a decision sets off (``follow_ups``), who may mark one
done, and marking it done.
"""

from __future__ import annotations

import sqlalchemy as sa

from core import clock
from core.bodies.models import Body
from core.errors import refuse
from core.extensions import db
from core.organisations.models import Organisation, OrganisationKind
from core.proposals.models import FollowUpState, FollowUpTask, Proposal
from core.proposals.operations.access import can_see, may_answer_for, may_manage
from core.proposals.operations.common import _event, lock
from core.tenants.models import Participation


def _participating_housing_organisations() -> list[Organisation]:
    # Select the tenant-scoped Participation itself: the tenant filter applies to the
    # statement's selected entities, and a global Organisation joined to it would
    # otherwise bring every tenant's participations along.
    parts = db.session.scalars(
        sa.select(Participation)
        .join(Organisation, Participation.organisation_id == Organisation.id)
        .where(Organisation.kind == OrganisationKind.HOUSING_ORGANISATION)
    ).all()
    return sorted((p.organisation for p in parts), key=lambda o: o.code)


def _create_follow_ups(proposal, step, follow_ups: list[dict], actor, now):
    """CORE-FOLLOW-UPS: a task for each follow-up the decision set off (``follow_ups_for``'s dicts)."""
    for up in follow_ups:
        if up["assignee_kind"] == "organisation" and up["assignee"] == "*housing":
            # "The organisations' boards": one task per housing organisation taking part.
            targets = [("organisation", o.code, None, o) for o in _participating_housing_organisations()]
        elif up["assignee_kind"] == "organisation":
            org = db.session.scalar(sa.select(Organisation).filter_by(code=up["assignee"]))
            targets = [("organisation", up["assignee"], None, org)]
        else:
            body = db.session.scalar(sa.select(Body).filter_by(key=up["assignee"]))
            targets = [("body", up["assignee"], body, None)]
        for kind, assignee, body, org in targets:
            with db.session.no_autoflush:
                task = FollowUpTask(
                    proposal=proposal, step_id=step.id, assignee_kind=kind, assignee=assignee,
                    body=body, organisation=org, title=up["title"], clause=up["clause"],
                    source=up["source"], created_at=now,
                )
            db.session.add(task)
            _event(proposal, "follow_up_created", f"Opfølgning: {up['title']} ({assignee}).",
                   step=step, actor=actor, clause=up["clause"], now=now,
                   data={"assignee_kind": kind, "assignee": assignee, "title": up["title"]})


def get_follow_up(proposal: Proposal, task_id: int) -> FollowUpTask:
    """One of the proposal's follow-up tasks; 404 for any other id."""
    task = db.session.get(FollowUpTask, task_id)
    if task is None or task.proposal_id != proposal.id:
        refuse(404, message="Not found.")
    return task


def may_complete_follow_up(user, tenant, proposal: Proposal, task: FollowUpTask) -> bool:
    """Those who act for the organisation, the secretary of the body concerned or of the
    deciding body, or the secretariat (CORE-FOLLOW-UPS)."""
    deciding = next((s.body for s in proposal.steps if s.id == task.step_id), None)
    return bool(
        (task.organisation is not None and may_answer_for(user, tenant, task.organisation))
        or (task.body is not None and may_manage(user, tenant, task.body))
        or (deciding is not None and may_manage(user, tenant, deciding))
    )


def complete_follow_up(proposal: Proposal, task: FollowUpTask, *, note: str, actor, now=None):
    now = now or clock.now()
    lock(proposal)
    db.session.refresh(task)
    if task.state is FollowUpState.DONE:
        refuse(409, "Opfølgningen er allerede markeret som udført.",
               clause=task.clause, rule="follow_ups")
    task.state = FollowUpState.DONE
    task.note = note
    task.done_at = now
    task.done_by_id = actor.id if actor is not None else None
    _event(proposal, "follow_up_done", f"Opfølgning udført: {task.title} ({task.assignee}). {note}".strip(),
           actor=actor, clause=task.clause, now=now,
           data={"follow_up_id": task.id, "title": task.title, "assignee": task.assignee, "note": note})
    db.session.flush()
    return task


def open_follow_ups(user, tenant) -> list[FollowUpTask]:
    """Follow-up tasks not yet done, on the proposals the user may follow."""
    tasks = db.session.scalars(
        sa.select(FollowUpTask).where(FollowUpTask.state == FollowUpState.OPEN)
        .order_by(FollowUpTask.proposal_id, FollowUpTask.id)
    ).all()
    return [t for t in tasks if can_see(user, tenant, t.proposal)]
