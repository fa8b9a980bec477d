"""Hearings: opening one at a hearing step, the organisations' answers (one each; late
answers flagged), closing it and moving on with the answers, and the reminders to those
who have not answered (CORE-HEARING).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core import clock
from core.errors import refuse
from core.extensions import db
from core.organisations.models import Organisation
from core.proposals.models import (
    Hearing,
    HearingOrganisation,
    HearingReminder,
    HearingResponse,
    Proposal,
    ProposalState,
    ProposalStep,
    ReminderKind,
    ResponseKind,
    StepKind,
    StepOutcome,
    StepState,
)
from core.proposals.operations.agenda import _arrive
from core.proposals.operations.common import _event, lock


def _hearing_step(proposal: Proposal) -> ProposalStep:
    step = proposal.current_step if proposal.state is ProposalState.IN_PROGRESS else None
    if step is None or step.kind is not StepKind.HEARING:
        clause = step.clause if step is not None else proposal.route_clause
        refuse(409, "Forslaget er ikke i høring nu.", clause=clause, rule="proposal_route")
    return step


def open_hearing(
    proposal: Proposal, *, deadline_at: datetime, remind_days_before: int = 3,
    organisations=None, actor=None, now: datetime | None = None,
) -> Hearing:
    """Open the hearing the route has reached: the organisations the rules name (or those
    given), a deadline, and when to remind those who have not answered."""
    now = now or clock.now()
    lock(proposal)
    step = _hearing_step(proposal)
    if step.hearing is not None:
        refuse(409, "Høringen er allerede sendt ud.", clause=step.clause, rule="proposal_route")
    if deadline_at <= now:
        refuse(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"deadline_at": ["Fristen skal ligge efter i dag."]}})
    codes = list(organisations or step.organisations)
    if not codes:
        refuse(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"organisations": ["Ingen organisationer at høre."]}})
    orgs = {o.code: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.code.in_(codes)))}
    unknown = [c for c in codes if c not in orgs]
    if unknown:
        refuse(422, message="The input is invalid; see errors for each field.",
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
    now = now or clock.now()
    step = _hearing_step(proposal)
    hearing = step.hearing
    if hearing is None:
        refuse(409, "Høringen er ikke sendt ud endnu.", clause=step.clause, rule="proposal_route")
    if organisation.id not in {a.organisation_id for a in hearing.asked}:
        refuse(422, f"{organisation.name} er ikke blandt de hørte organisationer.",
               clause=step.clause, rule="proposal_route")
    if kind is ResponseKind.COMMENTS and not text.strip():
        refuse(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"text": ["Skriv bemærkningerne, eller svar «ingen bemærkninger»."]}})
    if any(r.organisation_id == organisation.id for r in hearing.responses):
        refuse(409, f"{organisation.name} har allerede svaret i denne høring.",
               clause=step.clause, rule="proposal_route")
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
        refuse(409, f"{organisation.name} har allerede svaret i denne høring.",
               clause=step.clause, rule="proposal_route")
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
    now = now or clock.now()
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


def close_hearing(hooks, tenant, proposal: Proposal, *, actor=None, now: datetime | None = None):
    """Collect the answers and move the proposal on; the answers go with it to the next
    step (on its agenda item, and in the step's record). Before the deadline only when
    every organisation has answered."""
    now = now or clock.now()
    lock(proposal)
    step = _hearing_step(proposal)
    hearing = step.hearing
    if hearing is None:
        refuse(409, "Høringen er ikke sendt ud endnu.", clause=step.clause, rule="proposal_route")
    answers = hearing_overview(hearing, now)
    missing = [a["organisation"] for a in answers if a["status"] == "missing"]
    if missing and now < hearing.deadline_at:
        refuse(409, f"Høringsfristen er ikke udløbet, og {', '.join(missing)} har ikke svaret.",
               clause=step.clause, rule="proposal_route")
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
    to every person who acts for the organisation asked (CORE-HEARING), once per hearing,
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
    from core.tenants.models import Tenant

    tenant = db.session.get(Tenant, d.tenant_id)
    proposal = db.session.get(Proposal, d.proposal_id)
    org = db.session.get(Organisation, d.organisation_id)
    step = db.session.get(Hearing, d.hearing_id).step
    deadline = d.deadline_at.astimezone(clock.tenant_zone(tenant)).strftime("%d.%m.%Y kl. %H:%M")
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
