"""Hearings: opening one at a hearing step (and telling every party asked at once), the
organisations' answers (one each; late answers flagged), closing it and moving on with the
answers, and the reminders to those who have not answered (CORE-HEARING).

An organisation answers in one of three ways (``ResponseChannel``): on the platform, by
someone who acts for it (logged in); through its hearing contact's personal link (the
tenant file's ``hearing_contacts``; no login, docs/decisions/0037-hearing-answer-links.md);
or on paper, recorded by the secretariat, who is then named as having recorded it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from core import clock
from core.audit import operations as audit
from core.errors import refuse
from core.extensions import db
from core.organisations.models import Organisation
from core.proposals.models import (
    Hearing,
    HearingAnswerLink,
    HearingOrganisation,
    HearingReminder,
    HearingResponse,
    Proposal,
    ProposalState,
    ProposalStep,
    ReminderKind,
    ResponseChannel,
    ResponseKind,
    StepKind,
    StepOutcome,
    StepState,
)
from core.proposals.operations.agenda import _arrive
from core.proposals.operations.common import _event, lock

#: A personal link keeps working this long after the hearing's deadline, for a late answer
#: (recorded as late, CORE-HEARING), unless the hearing is closed earlier
#: (docs/decisions/0037-hearing-answer-links.md).
LINK_GRACE = timedelta(days=14)

#: What the operations say when a link opens nothing more, by why.
LINK_USED = "Linket er brugt: organisationens høringssvar er modtaget."
LINK_EXPIRED = "Linket er udløbet."
LINK_CLOSED = "Høringen er afsluttet."


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
    _make_links(hearing, now)
    _event(proposal, "hearing_opened",
           f"Sendt i høring hos {', '.join(dict.fromkeys(codes))} med frist {deadline_at:%Y-%m-%d %H:%M} UTC.",
           step=step, actor=actor, clause=step.clause, now=now,
           data={"organisations": list(dict.fromkeys(codes)), "deadline_at": deadline_at.isoformat()})
    _mail_parties(hearing, now)
    return hearing


# --------------------------------------------------------------------------- personal links


def _contacts() -> dict[int, tuple[str, str]]:
    """The tenant's hearing contacts: organisation id → (e-mail, name)."""
    from core.tenants.models import Participation

    return {p.organisation_id: (p.hearing_contact_email, p.hearing_contact_name or "")
            for p in db.session.scalars(sa.select(Participation))
            if p.hearing_contact_email}


def _make_links(hearing: Hearing, now: datetime) -> list[HearingAnswerLink]:
    """One personal link per organisation asked that has a hearing contact."""
    contacts = _contacts()
    links = []
    for asked in hearing.asked:
        contact = contacts.get(asked.organisation_id)
        if contact is None:
            continue
        nonce = secrets.token_hex(16)
        link = HearingAnswerLink(
            hearing_id=hearing.id, organisation_id=asked.organisation_id, email=contact[0].lower(),
            name=contact[1], nonce=nonce, token_hash=token_hash(_token(nonce)), created_at=now,
            expires_at=hearing.deadline_at + LINK_GRACE,
        )
        db.session.add(link)
        links.append(link)
    db.session.flush()
    return links


def _token(nonce: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"hearing-answer-link:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def link_token(link: HearingAnswerLink) -> str:
    """The token of ``link``, for the mail that carries it (never stored)."""
    return _token(link.nonce)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_link(proposal: Proposal, token: str) -> HearingAnswerLink:
    """The link ``token`` opens on ``proposal`` (in the current tenant); 404 for anything
    else: an unknown or altered token, another proposal's, another tenant's."""
    if not token or len(token) > 100:
        refuse(404, message="Not found.")
    link = db.session.scalar(sa.select(HearingAnswerLink).filter_by(token_hash=token_hash(token)))
    if link is None or link.hearing.step.proposal_id != proposal.id:
        refuse(404, message="Not found.")
    return link


def link_state(link: HearingAnswerLink, now: datetime | None = None) -> str | None:
    """Why the link opens nothing any more (``used``, ``closed``, ``expired``), or None
    while it works: unused, before its expiry, the hearing open."""
    now = now or clock.now()
    if link.used_at is not None:
        return "used"
    if link.hearing.closed_at is not None or link.hearing.step.state is not StepState.ACTIVE:
        return "closed"
    if now >= link.expires_at:
        return "expired"
    if any(r.organisation_id == link.organisation_id for r in link.hearing.responses):
        return "used"  # the organisation has answered another way
    return None


def refuse_spent_link(state: str) -> None:
    """410: the link was real, and opens nothing now (it says why, and nothing else)."""
    message = {"used": LINK_USED, "closed": LINK_CLOSED, "expired": LINK_EXPIRED}[state]
    refuse(410, message, spent=state)


def answer_by_link(proposal: Proposal, link: HearingAnswerLink, *, kind: ResponseKind, text: str = "",
                   now: datetime | None = None) -> tuple[HearingResponse, bool]:
    """The organisation's one answer through its hearing contact's link; the link is spent
    with it. Sent again as it was (a double click, a repeated request), the stored answer
    comes back and nothing is written: ``(response, created)``. A late answer is recorded
    as late (CORE-HEARING)."""
    now = now or clock.now()
    lock(proposal)
    db.session.refresh(link)
    if link.used_at is not None:
        mine = next((r for r in link.hearing.responses if r.link_id == link.id), None)
        if mine is not None and mine.kind is kind and mine.text == (text if kind is ResponseKind.COMMENTS else ""):
            return mine, False
    state = link_state(link, now)
    if state is not None:
        refuse_spent_link(state)
    response = respond_to_hearing(proposal, link.organisation, kind=kind, text=text, now=now,
                                  channel=ResponseChannel.LINK, link=link)
    link.used_at = now
    db.session.flush()
    return response, True


def respond_to_hearing(
    proposal: Proposal, organisation: Organisation, *, kind: ResponseKind, text: str = "",
    actor=None, now: datetime | None = None, channel: ResponseChannel = ResponseChannel.PLATFORM,
    link: HearingAnswerLink | None = None, received_at: datetime | None = None,
) -> HearingResponse:
    """Record an organisation's one answer; after the deadline it is recorded as late
    (CORE-HEARING). ``channel`` says how it came: on the platform
    by ``actor`` acting for the organisation, through ``link``, or on ``paper``, recorded
    by ``actor`` of the secretariat, received at ``received_at`` (default: now; it decides
    whether the answer was late)."""
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
    received = now
    if channel is ResponseChannel.PAPER and received_at is not None:
        if received_at > now or received_at < hearing.opened_at:
            refuse(422, message="The input is invalid; see errors for each field.",
                   errors={"json": {"received_at": ["Svaret skal være modtaget, efter høringen blev "
                                                    "sendt ud, og ikke senere end nu."]}})
        received = received_at
    on_paper = channel is ResponseChannel.PAPER
    response = HearingResponse(
        hearing_id=hearing.id, organisation_id=organisation.id, kind=kind,
        text=text if kind is ResponseKind.COMMENTS else "", is_late=received > hearing.deadline_at,
        responded_by_id=actor.id if actor is not None and not on_paper else None, responded_at=received,
        channel=channel, recorded_by_id=actor.id if actor is not None and on_paper else None,
        link_id=link.id if link is not None else None,
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
    how = {ResponseChannel.LINK: " (via personligt link)",
           ResponseChannel.PAPER: f" (modtaget på papir, registreret af {actor.name if actor else 'sekretariatet'})",
           }.get(channel, "")
    _event(proposal, "answered", f"{organisation.name} svarede{late}: {what}{how}.", step=step,
           actor=actor, clause=step.clause, now=now,
           data={"organisation": organisation.code, "kind": kind.value, "is_late": response.is_late,
                 "channel": channel.value})
    audit.record("hearing.answered", f"proposal:{proposal.id}", {
        "hearing": hearing.id, "organisation": organisation.code, "kind": kind.value,
        "is_late": response.is_late, "channel": channel.value, "received_at": received.isoformat(),
        "link": link.id if link is not None else None,
    }, actor_id=actor.id if actor is not None else None)
    db.session.flush()
    return response


def same_answer(response: HearingResponse, *, kind: ResponseKind, text: str, actor,
                channel: ResponseChannel) -> bool:
    """Whether a request repeats ``response`` exactly (same way, same person, same words):
    answered again, it is the same answer, and nothing is written."""
    by = response.recorded_by_id if channel is ResponseChannel.PAPER else response.responded_by_id
    return (response.channel is channel and by == (actor.id if actor is not None else None)
            and response.kind is kind and response.text == (text if kind is ResponseKind.COMMENTS else ""))


def existing_answer(proposal: Proposal, organisation: Organisation) -> HearingResponse | None:
    """The organisation's answer to the proposal's open hearing, if it has answered."""
    step = proposal.current_step
    if step is None or step.hearing is None:
        return None
    return next((r for r in step.hearing.responses if r.organisation_id == organisation.id), None)


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
            "channel": r.channel.value if r is not None else None,
            # Who answered on the platform, the contact whose link answered, or nobody (paper).
            "answered_by": (r.responded_by.name if r.responded_by is not None
                            else (r.link.name or r.link.email) if r.link is not None else None)
            if r is not None else None,
            # A paper answer: who in the secretariat recorded it.
            "recorded_by": r.recorded_by.name if r is not None and r.recorded_by is not None else None,
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
    to every person who acts for the organisation asked and to its hearing contact
    (CORE-HEARING), once per hearing, organisation and kind; ``kommissorium tick``
    delivers them. ``delivered_at`` is when the reminder went to the outbox."""
    rows = []
    for d in due_hearing_reminders(now):
        row = HearingReminder(tenant_id=d.tenant_id, hearing_id=d.hearing_id,
                              organisation_id=d.organisation_id, kind=d.kind, due_at=d.due_at,
                              created_at=now)
        db.session.add(row)
        rows.append(row)
        db.session.flush()
        write_outbox(d.tenant_id, f"hearing_{d.kind.value}", d.hearing_id, d.organisation_id, now)
        row.delivered_at = now
    db.session.flush()
    return rows


def recipients(hearing_id: int, organisation_id: int) -> list[str]:
    """Who is told about an organisation's hearing: everyone who acts for it (they answer
    logged in) and its hearing contact, whose mail carries the personal link."""
    links = db.session.scalars(sa.select(HearingAnswerLink.email).where(
        HearingAnswerLink.hearing_id == hearing_id, HearingAnswerLink.organisation_id == organisation_id))
    return _acting_for(organisation_id) + list(links)


def write_outbox(tenant_id: int, kind: str, hearing_id: int, organisation_id: int, now: datetime) -> int:
    """Put a hearing's mail to one organisation in the notification outbox, once per
    (kind, organisation, recipient); it is worded when delivered, in each recipient's
    language (core/notifications/mails.py)."""
    from core.notifications.outbox import write_notifications

    return write_notifications(tenant_id, kind, f"hearing:{hearing_id}:org:{organisation_id}",
                               recipients(hearing_id, organisation_id), now=now)


def _mail_parties(hearing: Hearing, now: datetime) -> None:
    """Tell every organisation asked at once: the proposal, its attachments, the deadline
    and where to answer (CORE-HEARING)."""
    for asked in hearing.asked:
        write_outbox(hearing.tenant_id, "hearing_opened", hearing.id, asked.organisation_id, now)


def _acting_for(organisation_id: int) -> list[str]:
    """The people who act for an organisation (their affiliation), who can log in."""
    from core.identity.models import Affiliation, User

    return list(db.session.scalars(
        sa.select(User.email).join(Affiliation, sa.and_(Affiliation.user_id == User.id, Affiliation.current_sql()))
        .where(Affiliation.organisation_id == organisation_id, User.is_enabled.is_(True))
        .order_by(User.email)
    ))
