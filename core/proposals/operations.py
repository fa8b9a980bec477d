"""Proposals: starting one, moving it along its route, hearings and follow-ups.

Every rule comes from the tenant's hooks, passed in as ``hooks``: who may start a proposal
(``proposal_origin_allowed``), where it goes (``proposal_route``), whether a body may decide
it (``body_competence``), which standing item receives it (``standing_items``) and what a
decision sets off (``follow_ups``). A refused move raises before anything is written, with
the rule's reason and clause. Operations flush, never commit.

:func:`record_decision` is the single door through which a body's decision or position on
a step is recorded: the secretary's API action, or a closed motion on the step's agenda
item (the ``decision_taken`` event hook, implemented in :mod:`core.proposals.hooks`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from core import files
from core.audit import operations as audit
from core.bodies.facts import body_facts
from core.bodies.models import Body
from core.extensions import db
from core.identity.permissions import Role, role_in_body, role_in_tenant
from core.meetings.models import AgendaItem, ItemKind, Meeting, MeetingState
from core.models import utcnow
from core.organisations.models import Organisation, OrganisationKind
from core.proposals.models import (
    FollowUpState,
    FollowUpTask,
    Hearing,
    HearingOrganisation,
    HearingReminder,
    HearingResponse,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalState,
    ProposalStep,
    ReminderKind,
    ResponseKind,
    StepKind,
    StepOutcome,
    StepState,
)
from core.rules.types import Caller, Matter, RouteStep
from core.rules.types import ItemKind as RuleItemKind
from core.tenants.models import Participation

#: The actions at which a body decides (and ``body_competence`` is asked); at the others
#: (recommend, revise, forward) it takes a position and carries the proposal on or not.
DECIDING_ACTIONS = frozenset({"decide"})



# ---------------------------------------------------------------------------------------
# Facts for the rules
# ---------------------------------------------------------------------------------------


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
        sa.select(Body).where(Body.current_sql(date.today())).order_by(Body.id)))


def _held_roles(user, body: Body, day) -> frozenset[str]:
    if user is None:
        return frozenset()
    return frozenset(
        s.role.value for s in body.seats if s.holder_id == user.id and s.is_valid_on(day)
    )


def _is_admin(user, tenant) -> bool:
    return user is not None and role_in_tenant(user, tenant) >= Role.TENANT_ADMIN


def _takes_part(user, tenant) -> bool:
    """Holds a seat in the tenant, administers it, or acts for an organisation taking part."""
    if user is None:
        return False
    if role_in_tenant(user, tenant) >= Role.MEMBER:
        return True
    orgs = [a.organisation_id for a in user.affiliations]
    return bool(orgs) and db.session.scalar(
        sa.select(sa.func.count(Participation.id)).where(Participation.organisation_id.in_(orgs))
    ) > 0


def caller_for(user, body: Body, tenant, now: datetime) -> Caller:
    return Caller(
        person=user.email if user is not None else None,
        roles=_held_roles(user, body, now.date()),
        organisations=frozenset(a.organisation.code for a in user.affiliations) if user else frozenset(),
        on_behalf_of="secretariat" if _is_admin(user, tenant) else "self",
    )


def _event(proposal, kind, message, *, step=None, actor=None, clause=None, data=None, now=None):
    with db.session.no_autoflush:
        ev = ProposalEvent(
            proposal=proposal, step_id=step.id if step is not None else None, kind=kind,
            actor_id=actor.id if actor is not None else None, message=message, clause=clause,
            data=data or {}, created_at=now or utcnow(),
        )
    db.session.add(ev)
    return ev


def _refuse(code: int, message: str, clause: str | None, rule: str, reason_en: str | None = None):
    if reason_en:  # the pages show it to a reader who chose English (core/errors.py)
        abort(code, message=message, clause=clause, rule=rule, reason_en=reason_en)
    abort(code, message=message, clause=clause, rule=rule)


#: Who may, where the check is narrower than a role: the reason a refusal (403) gives, in
#: Danish and English (core.identity.permissions.refuse).
MAY_ATTACH = {
    "reason": "Kun forslagsstilleren, sekretæren for det organ, forslaget er rejst i, og "
              "sekretariatet kan vedhæfte bilag.",
    "reason_en": "Only the proposer, the secretary of the body the proposal was raised in and "
                 "the secretariat may attach files.",
}
MAY_ANSWER = {
    "reason": "Kun de, der handler for organisationen, kan afgive dens høringssvar.",
    "reason_en": "Only those who act for the organisation may give its answer to the hearing.",
}
MAY_COMPLETE = {
    "reason": "Kun de, der handler for organisationen, sekretæren for det organ, opfølgningen "
              "angår eller som besluttede, og sekretariatet kan markere opfølgningen som udført.",
    "reason_en": "Only those who act for the organisation, the secretary of the body concerned "
                 "or of the deciding body, and the secretariat may mark the follow-up done.",
}


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


# ---------------------------------------------------------------------------------------
# Starting
# ---------------------------------------------------------------------------------------


def start_proposal(
    hooks, tenant, *, origin: Body, proposer, title: str, text: str, decision_sought: str,
    topics=(), plan: str | None = None, district: str | None = None, now: datetime | None = None,
) -> Proposal:
    """Start a proposal in ``origin``: check the proposer may (``proposal_origin_allowed``),
    compute and store its route (``proposal_route``) and send it to its first step."""
    now = now or utcnow()
    facts = body_facts(origin, tenant.slug)
    verdict = hooks.proposal_origin_allowed(
        body=facts, proposer=caller_for(proposer, origin, tenant, now),
        takes_part=_takes_part(proposer, tenant),
    )
    if not verdict.ok:
        _refuse(403, verdict.reason, verdict.clause, "proposal_origin_allowed", verdict.reason_en)

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
            _refuse(422, f"{route.reason} {competence.reason}".strip(), clause, "proposal_route")
        steps = [RouteStep("body", origin.key, "decide", clause=route.clause)]
    for s in steps:
        if s.kind == "body" and s.target not in by_key:
            _refuse(409, f"Ruten nævner et organ, som ikke findes: {s.target}.", route.clause,
                    "proposal_route")
        if s.kind not in ("body", "hearing"):
            _refuse(409, f"Ruten har et trin af ukendt art: {s.kind}.", route.clause, "proposal_route")

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
    now = now or utcnow()
    takes_part = _takes_part(user, tenant)
    return [
        (body, hooks.proposal_origin_allowed(
            body=body_facts(body, tenant.slug), proposer=caller_for(user, body, tenant, now),
            takes_part=takes_part))
        for body in _all_bodies()
    ]


def _step_label(step: ProposalStep) -> str:
    return f"{step.action}:{step.body.key}" if step.body is not None else "hearing"


# ---------------------------------------------------------------------------------------
# Arriving at a step: an agenda item on the body's next meeting, or a hearing to open
# ---------------------------------------------------------------------------------------


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


def _meeting_number(meeting: Meeting) -> int:
    year_start = meeting.starts_at.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return db.session.scalar(
        sa.select(sa.func.count(Meeting.id)).where(
            Meeting.body_id == meeting.body_id,
            Meeting.state != MeetingState.CANCELLED,
            Meeting.starts_at >= year_start,
            Meeting.starts_at <= meeting.starts_at,
        )
    ) or 1


def _receiving_standing_item(hooks, tenant, body: Body, meeting: Meeting) -> AgendaItem | None:
    """The meeting's standing item for incoming recommendations (ALB-B10), created on the
    agenda if the rules have one and the meeting does not have it yet."""
    facts = body_facts(body, tenant.slug)
    items = hooks.collect(
        "standing_items", body=facts, meeting_number=_meeting_number(meeting),
        year=meeting.starts_at.year,
    )
    receiving = next((i for i in items if i.receives_proposals), None)
    if receiving is None:
        return None
    existing = next(
        (a for a in meeting.items
         if a.standing_clause == receiving.clause and a.title == receiving.title),
        None,
    )
    if existing is not None:
        return existing
    item = AgendaItem(
        position=max((a.position for a in meeting.items), default=0) + 1,
        kind=ItemKind(receiving.kind.value), title=receiving.title,
        standing_clause=receiving.clause, topics=[],
    )
    meeting.items.append(item)
    db.session.flush()
    return item


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
        _refuse(409, "Forslaget er ikke hos et organ nu.", proposal.route_clause, "proposal_route")
    return step


def place_current_step(hooks, tenant, proposal: Proposal, *, now: datetime | None = None):
    """Put the current step on its body's next planned meeting, once one is planned (a
    step that arrived while its body had none waits for this)."""
    now = now or utcnow()
    lock(proposal)
    step = body_step_now(proposal)
    if next_planned_meeting(step.body, now) is None:
        _refuse(409, f"{step.body.name} har intet planlagt møde.", step.clause, "proposal_route")
    return place_step(hooks, tenant, proposal, step, now=now)


def place_step(hooks, tenant, proposal: Proposal, step: ProposalStep, *, now: datetime | None = None):
    """Put the step on the next planned meeting of its body, under the standing item for
    incoming recommendations where the rules have one. Without a planned meeting the step
    waits; calling this again once a meeting is planned places it."""
    now = now or utcnow()
    if step.agenda_item_id is not None:
        _refuse(409, "Forslaget er allerede sat på en dagsorden.", step.clause, "proposal_route")
    meeting = next_planned_meeting(step.body, now)
    if meeting is None:
        _event(proposal, "awaiting_meeting",
               f"{step.body.name} har intet planlagt møde; forslaget venter på næste møde.",
               step=step, clause=step.clause, now=now)
        return None
    standing = _receiving_standing_item(hooks, tenant, step.body, meeting)
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


# ---------------------------------------------------------------------------------------
# Decisions: the single door
# ---------------------------------------------------------------------------------------


def _route_names(proposal: Proposal) -> str:
    return " → ".join(s.body.name if s.body is not None else "høring" for s in proposal.steps)


def check_move(hooks, tenant, proposal: Proposal, body: Body) -> ProposalStep:
    """The step ``body`` may act on now, or a refusal citing the rule: the proposal has
    ended, is in hearing, ``body`` comes later on the route (no skipping), or is not on it."""
    if proposal.state is not ProposalState.IN_PROGRESS:
        _refuse(409, f"Forslaget er afsluttet ({proposal.state.value}); det kan ikke behandles igen.",
                proposal.route_clause, "proposal_route")
    step = proposal.current_step
    if step.body_id == body.id and step.kind is StepKind.BODY:
        return step
    if step.kind is StepKind.HEARING:
        _refuse(409, "Forslaget er i høring; høringen skal afsluttes, før forslaget behandles videre.",
                step.clause, "proposal_route")
    if any(s.body_id == body.id for s in proposal.steps if s.position > step.position):
        _refuse(409, f"{body.name} kan ikke behandle forslaget endnu: det er hos {step.body.name}, "
                "og et trin på ruten kan ikke springes over.", step.clause, "proposal_route")
    _refuse(409, f"{body.name} er ikke på forslagets rute nu ({_route_names(proposal)}).",
            proposal.route_clause, "proposal_route")


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
    now = now or utcnow()
    lock(proposal)
    step = check_move(hooks, tenant, proposal, body)
    facts = body_facts(body, tenant.slug)
    matter = matter_of(proposal)
    deciding = step.action in DECIDING_ACTIONS
    verdict = None
    if deciding:
        verdict = hooks.body_competence(body=facts, matter=matter)
        if not verdict.ok:
            _refuse(422, verdict.reason, verdict.clause, "body_competence")
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
        _create_follow_ups(hooks, tenant, proposal, step, facts, matter, passed, actor, now)

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


# ---------------------------------------------------------------------------------------
# Follow-ups (VEJ-1)
# ---------------------------------------------------------------------------------------


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


def _create_follow_ups(hooks, tenant, proposal, step, facts, matter, passed, actor, now):
    for up in hooks.collect("follow_ups", body=facts, matter=matter, passed=passed):
        if up.assignee_kind == "organisation" and up.assignee == "*housing":
            # "The organisations' boards": one task per housing organisation taking part.
            targets = [("organisation", o.code, None, o) for o in _participating_housing_organisations()]
        elif up.assignee_kind == "organisation":
            org = db.session.scalar(sa.select(Organisation).filter_by(code=up.assignee))
            targets = [("organisation", up.assignee, None, org)]
        else:
            body = db.session.scalar(sa.select(Body).filter_by(key=up.assignee))
            targets = [("body", up.assignee, body, None)]
        for kind, assignee, body, org in targets:
            with db.session.no_autoflush:
                task = FollowUpTask(
                    proposal=proposal, step_id=step.id, assignee_kind=kind, assignee=assignee,
                    body=body, organisation=org, title=up.title, clause=up.clause,
                    source=up.source, created_at=now,
                )
            db.session.add(task)
            _event(proposal, "follow_up_created", f"Opfølgning: {up.title} ({assignee}).",
                   step=step, actor=actor, clause=up.clause, now=now,
                   data={"assignee_kind": kind, "assignee": assignee, "title": up.title})


def get_follow_up(proposal: Proposal, task_id: int) -> FollowUpTask:
    """One of the proposal's follow-up tasks; 404 for any other id."""
    task = db.session.get(FollowUpTask, task_id)
    if task is None or task.proposal_id != proposal.id:
        abort(404, message="Not found.")
    return task


def may_complete_follow_up(user, tenant, proposal: Proposal, task: FollowUpTask) -> bool:
    """Those who act for the organisation, the secretary of the body concerned or of the
    deciding body, or the secretariat (VEJ-1)."""
    deciding = next((s.body for s in proposal.steps if s.id == task.step_id), None)
    return bool(
        (task.organisation is not None and may_answer_for(user, tenant, task.organisation))
        or (task.body is not None and may_manage(user, tenant, task.body))
        or (deciding is not None and may_manage(user, tenant, deciding))
    )


def complete_follow_up(proposal: Proposal, task: FollowUpTask, *, note: str, actor, now=None):
    now = now or utcnow()
    lock(proposal)
    db.session.refresh(task)
    if task.state is FollowUpState.DONE:
        _refuse(409, "Opfølgningen er allerede markeret som udført.", task.clause, "follow_ups")
    task.state = FollowUpState.DONE
    task.note = note
    task.done_at = now
    task.done_by_id = actor.id if actor is not None else None
    _event(proposal, "follow_up_done", f"Opfølgning udført: {task.title} ({task.assignee}). {note}".strip(),
           actor=actor, clause=task.clause, now=now,
           data={"follow_up_id": task.id, "title": task.title, "assignee": task.assignee, "note": note})
    db.session.flush()
    return task


# ---------------------------------------------------------------------------------------
# Hearings
# ---------------------------------------------------------------------------------------


def _hearing_step(proposal: Proposal) -> ProposalStep:
    step = proposal.current_step if proposal.state is ProposalState.IN_PROGRESS else None
    if step is None or step.kind is not StepKind.HEARING:
        clause = step.clause if step is not None else proposal.route_clause
        _refuse(409, "Forslaget er ikke i høring nu.", clause, "proposal_route")
    return step


def open_hearing(
    proposal: Proposal, *, deadline_at: datetime, remind_days_before: int = 3,
    organisations=None, actor=None, now: datetime | None = None,
) -> Hearing:
    """Open the hearing the route has reached: the organisations the rules name (or those
    given), a deadline, and when to remind those who have not answered."""
    now = now or utcnow()
    lock(proposal)
    step = _hearing_step(proposal)
    if step.hearing is not None:
        _refuse(409, "Høringen er allerede sendt ud.", step.clause, "proposal_route")
    if deadline_at <= now:
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"deadline_at": ["Fristen skal ligge efter i dag."]}})
    codes = list(organisations or step.organisations)
    if not codes:
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"organisations": ["Ingen organisationer at høre."]}})
    orgs = {o.code: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.code.in_(codes)))}
    unknown = [c for c in codes if c not in orgs]
    if unknown:
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"organisations": [f"Ukendt organisation: {c}" for c in unknown]}})
    hearing = Hearing(step=step, deadline_at=deadline_at, remind_days_before=remind_days_before,
                      opened_at=now, opened_by_id=actor.id if actor is not None else None)
    for code in dict.fromkeys(codes):
        hearing.asked.append(HearingOrganisation(organisation=orgs[code]))
    db.session.add(hearing)
    db.session.flush()
    _event(proposal, "hearing_opened",
           f"Sendt i høring hos {', '.join(dict.fromkeys(codes))} med frist {deadline_at:%Y-%m-%d %H:%M} UTC.",
           step=step, actor=actor, clause=step.clause, now=now,
           data={"organisations": list(dict.fromkeys(codes)), "deadline_at": deadline_at.isoformat()})
    return hearing


def respond_to_hearing(
    proposal: Proposal, organisation: Organisation, *, kind: ResponseKind, text: str = "",
    actor=None, now: datetime | None = None,
) -> HearingResponse:
    """Record an organisation's one answer; after the deadline it is recorded as late."""
    now = now or utcnow()
    step = _hearing_step(proposal)
    hearing = step.hearing
    if hearing is None:
        _refuse(409, "Høringen er ikke sendt ud endnu.", step.clause, "proposal_route")
    if organisation.id not in {a.organisation_id for a in hearing.asked}:
        _refuse(422, f"{organisation.name} er ikke blandt de hørte organisationer.", step.clause,
                "proposal_route")
    if kind is ResponseKind.COMMENTS and not text.strip():
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"text": ["Skriv bemærkningerne, eller svar «ingen bemærkninger»."]}})
    if any(r.organisation_id == organisation.id for r in hearing.responses):
        _refuse(409, f"{organisation.name} har allerede svaret i denne høring.", step.clause,
                "proposal_route")
    response = HearingResponse(
        hearing_id=hearing.id, organisation_id=organisation.id, kind=kind,
        text=text if kind is ResponseKind.COMMENTS else "", is_late=now > hearing.deadline_at,
        responded_by_id=actor.id if actor is not None else None, responded_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        # A concurrent request answered first: the database keeps one answer.
        _refuse(409, f"{organisation.name} har allerede svaret i denne høring.", step.clause,
                "proposal_route")
    hearing.responses.append(response)
    late = " efter fristen" if response.is_late else ""
    what = "ingen bemærkninger" if kind is ResponseKind.NO_COMMENTS else "bemærkninger"
    _event(proposal, "answered", f"{organisation.name} svarede{late}: {what}.", step=step,
           actor=actor, clause=step.clause, now=now,
           data={"organisation": organisation.code, "kind": kind.value, "is_late": response.is_late})
    db.session.flush()
    return response


def hearing_overview(hearing: Hearing, now: datetime | None = None) -> list[dict]:
    """Each organisation asked and its answer: comments, no comments, or missing; late
    answers flagged; missing answers flagged overdue once the deadline has passed."""
    now = now or utcnow()
    answers = {r.organisation_id: r for r in hearing.responses}
    out = []
    for asked in hearing.asked:
        r = answers.get(asked.organisation_id)
        out.append({
            "organisation": asked.organisation.code,
            "organisation_name": asked.organisation.name,
            "status": r.kind.value if r is not None else "missing",
            "is_late": bool(r is not None and r.is_late),
            "is_overdue": r is None and (hearing.closed_at or now) > hearing.deadline_at,
            "responded_at": r.responded_at.isoformat() if r is not None else None,
            "text": r.text if r is not None else "",
        })
    return out


def _collected_answers(proposal: Proposal) -> list[dict]:
    done = [s for s in proposal.steps if s.kind is StepKind.HEARING and s.state is StepState.DONE]
    return [a for s in done for a in (s.provenance or {}).get("answers", [])]


def close_hearing(hooks, tenant, proposal: Proposal, *, actor=None, now: datetime | None = None):
    """Collect the answers and move the proposal on; the answers go with it to the next
    step (on its agenda item, and in the step's record). Before the deadline only when
    every organisation has answered."""
    now = now or utcnow()
    lock(proposal)
    step = _hearing_step(proposal)
    hearing = step.hearing
    if hearing is None:
        _refuse(409, "Høringen er ikke sendt ud endnu.", step.clause, "proposal_route")
    answers = hearing_overview(hearing, now)
    missing = [a["organisation"] for a in answers if a["status"] == "missing"]
    if missing and now < hearing.deadline_at:
        _refuse(409, f"Høringsfristen er ikke udløbet, og {', '.join(missing)} har ikke svaret.",
                step.clause, "proposal_route")
    hearing.closed_at = now
    step.state = StepState.DONE
    step.outcome = StepOutcome.HEARD
    step.completed_at = now
    step.completed_by_id = actor.id if actor is not None else None
    step.provenance = {"by": "hearing", "answers": answers}
    late = [a["organisation"] for a in answers if a["is_late"]]
    step.decision_text = (
        f"{len(answers) - len(missing)} af {len(answers)} har svaret"
        + (f"; for sent: {', '.join(late)}" if late else "")
        + (f"; intet svar: {', '.join(missing)}" if missing else "") + "."
    )
    _event(proposal, "hearing_closed", f"Høringen er afsluttet: {step.decision_text}", step=step,
           actor=actor, clause=step.clause, now=now, data={"answers": answers})
    following = [s for s in proposal.steps if s.position > step.position]
    if following:
        _arrive(hooks, tenant, proposal, following[0], actor=actor, now=now,
                attach={"hearing_answers": answers})
    else:
        proposal.state = ProposalState.ADOPTED
        proposal.closed_at = now
    db.session.flush()
    return hearing


@dataclass(frozen=True)
class DueReminder:
    """A hearing reminder that is due and not yet written."""

    tenant_id: int
    hearing_id: int
    proposal_id: int
    organisation_id: int
    organisation: str
    kind: ReminderKind
    due_at: datetime
    deadline_at: datetime


def due_hearing_reminders(now: datetime) -> list[DueReminder]:
    """Reminders due at ``now`` for organisations that have not answered an open hearing:
    ``deadline_near`` from ``remind_days_before`` days before the deadline, ``overdue`` once
    it has passed; those already written are not due again. Runs in the current scope (one
    tenant, or ``all_tenants()`` for the periodic tick)."""
    hearings = db.session.scalars(
        sa.select(Hearing).join(ProposalStep, Hearing.step_id == ProposalStep.id)
        .where(Hearing.closed_at.is_(None), ProposalStep.state == StepState.ACTIVE)
        .order_by(Hearing.id)
    ).all()
    if not hearings:
        return []
    written = {
        (r.hearing_id, r.organisation_id, r.kind)
        for r in db.session.scalars(
            sa.select(HearingReminder).where(HearingReminder.hearing_id.in_([h.id for h in hearings])))
    }
    due = []
    for h in hearings:
        answered = {r.organisation_id for r in h.responses}
        if now >= h.deadline_at:
            kind, due_at = ReminderKind.OVERDUE, h.deadline_at
        elif now >= h.deadline_at - timedelta(days=h.remind_days_before):
            kind, due_at = ReminderKind.DEADLINE_NEAR, h.deadline_at - timedelta(days=h.remind_days_before)
        else:
            continue
        for asked in h.asked:
            if asked.organisation_id in answered or (h.id, asked.organisation_id, kind) in written:
                continue
            due.append(DueReminder(
                h.tenant_id, h.id, h.step.proposal_id, asked.organisation_id,
                asked.organisation.code, kind, due_at, h.deadline_at,
            ))
    return due


def write_hearing_reminders(now: datetime) -> list[HearingReminder]:
    """Write the due reminders as rows, and hand each to the notification outbox: one mail
    to every person who acts for the organisation asked (VEJ-6), once per hearing,
    organisation and kind; ``kommissorium tick`` delivers them. ``delivered_at`` is when
    the reminder went to the outbox."""
    from core.notifications.operations import write_prepared

    rows = []
    for d in due_hearing_reminders(now):
        row = HearingReminder(tenant_id=d.tenant_id, hearing_id=d.hearing_id,
                              organisation_id=d.organisation_id, kind=d.kind, due_at=d.due_at,
                              created_at=now)
        db.session.add(row)
        rows.append(row)
        db.session.flush()
        title, text = _reminder_mail(d)
        write_prepared(d.tenant_id, f"hearing_{d.kind.value}",
                       f"hearing:{d.hearing_id}:org:{d.organisation_id}",
                       _acting_for(d.organisation_id), title=title, text=text, now=now)
        row.delivered_at = now
    db.session.flush()
    return rows


def _acting_for(organisation_id: int) -> list[str]:
    """The people who act for an organisation (their affiliation), who can log in."""
    from core.identity.models import Affiliation, User

    return list(db.session.scalars(
        sa.select(User.email).join(Affiliation, Affiliation.user_id == User.id)
        .where(Affiliation.organisation_id == organisation_id, User.is_enabled.is_(True))
        .order_by(User.email)
    ))


def _reminder_mail(d: DueReminder) -> tuple[str, str]:
    """The reminder's subject line and text, with the deadline in the tenant's time zone."""
    from zoneinfo import ZoneInfo

    from core.tenants.models import Tenant

    tenant = db.session.get(Tenant, d.tenant_id)
    proposal = db.session.get(Proposal, d.proposal_id)
    org = db.session.get(Organisation, d.organisation_id)
    step = db.session.get(Hearing, d.hearing_id).step
    deadline = d.deadline_at.astimezone(ZoneInfo(tenant.timezone or "UTC")).strftime("%d.%m.%Y kl. %H:%M")
    link = f"/api/v1/tenants/{tenant.slug}/proposals/{proposal.id}/hearing/responses"
    if d.kind is ReminderKind.OVERDUE:
        title = f"Høringsfristen er overskredet: {proposal.title}"
        first = (f"Fristen for {org.name}s høringssvar om \"{proposal.title}\" var {deadline}, "
                 "og vi har ikke modtaget et svar.")
    else:
        title = f"Påmindelse om høringssvar: {proposal.title}"
        first = f"{org.name} er i høring om \"{proposal.title}\". Fristen for høringssvar er {deadline}."
    text = "\n".join([
        first, "",
        "Svar med bemærkninger eller \"ingen bemærkninger\" på:", link, "",
        f"({step.clause or proposal.route_clause})",
    ])
    return title, text


# ---------------------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------------------


def add_attachment(proposal: Proposal, *, filename: str, stream, actor=None, now=None) -> ProposalAttachment:
    """Store a file with its checksum; refuse one that is empty, too large, or of a type
    the platform does not accept (detected from the content, not the name)."""
    now = now or utcnow()
    if proposal.state is not ProposalState.IN_PROGRESS:
        _refuse(409, "Forslaget er afsluttet; der kan ikke vedhæftes flere bilag.",
                proposal.route_clause, "proposal_route")
    checked = files.checked_upload(filename, stream, current_app.config.get("PROPOSAL_ATTACHMENT_MAX_BYTES"))
    content, digest = checked.content, checked.sha256
    if any(a.sha256 == digest for a in proposal.attachments):
        _refuse(409, "Den samme fil er allerede vedhæftet.", None, "attachment")
    attachment = ProposalAttachment(
        filename=checked.filename, content_type=checked.content_type, size_bytes=len(content),
        sha256=digest, content=content, uploaded_by_id=actor.id if actor is not None else None,
        created_at=now,
    )
    with db.session.no_autoflush:
        attachment.proposal = proposal
    db.session.add(attachment)
    _event(proposal, "attachment_added", f"Bilag vedhæftet: {attachment.filename}.", actor=actor,
           now=now, data={"sha256": digest, "size_bytes": len(content), "filename": attachment.filename})
    db.session.flush()
    return attachment


def attachment_content(attachment: ProposalAttachment) -> bytes:
    """The stored bytes, checked against the checksum taken at upload."""
    if hashlib.sha256(attachment.content).hexdigest() != attachment.sha256:
        abort(500, message="Bilaget er ændret efter upload (kontrolsummen passer ikke).")
    return attachment.content


# ---------------------------------------------------------------------------------------
# Reading, and who may see what
# ---------------------------------------------------------------------------------------


def get_proposal(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404, message="Not found.")
    return proposal


def can_see(user, tenant, proposal: Proposal) -> bool:
    """The tenant's secretariat, the proposer, members of the originating body (who follow
    where it is and what became of it), members of the bodies on its route, and those who
    act for an organisation asked in its hearing."""
    if user is None:
        return False
    if _is_admin(user, tenant) or proposal.proposed_by_id == user.id:
        return True
    bodies = [proposal.origin_body, *(s.body for s in proposal.steps if s.body is not None)]
    if any(role_in_body(user, b) >= Role.MEMBER for b in bodies):
        return True
    orgs = {a.organisation_id for a in user.affiliations}
    return any(a.organisation_id in orgs for s in proposal.steps if s.hearing is not None
               for a in s.hearing.asked)


def may_answer_for(user, tenant, organisation: Organisation) -> bool:
    """An organisation answers through those who act for it; the secretariat may record an
    answer received another way."""
    if user is None:
        return False
    return _is_admin(user, tenant) or organisation.id in {a.organisation_id for a in user.affiliations}


def may_manage(user, tenant, body: Body) -> bool:
    """The body's secretary or the tenant's secretariat."""
    return user is not None and role_in_body(user, body) >= Role.BODY_SECRETARY


def visible_proposals(user, tenant) -> list[Proposal]:
    proposals = db.session.scalars(sa.select(Proposal).order_by(Proposal.id)).all()
    return [p for p in proposals if can_see(user, tenant, p)]


def open_follow_ups(user, tenant) -> list[FollowUpTask]:
    """Follow-up tasks not yet done, on the proposals the user may follow."""
    tasks = db.session.scalars(
        sa.select(FollowUpTask).where(FollowUpTask.state == FollowUpState.OPEN)
        .order_by(FollowUpTask.proposal_id, FollowUpTask.id)
    ).all()
    return [t for t in tasks if can_see(user, tenant, t.proposal)]


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
