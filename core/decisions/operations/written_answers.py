"""Written procedure, continued: the units' answers, closing (after an answer that
settles it, or by the tick at the deadline) with the explained outcome, the next meeting's
agenda, and the mails the tick writes. The procedure itself, its units and who reads it:
:mod:`core.decisions.operations.written`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core import clock
from core.audit import operations as audit
from core.decisions.explain import join_da, join_en
from core.decisions.models import CastAs, WrittenAnswer, WrittenChoice, WrittenProcedure, WrittenState
from core.decisions.operations.access import _seats_of
from core.decisions.operations.situation import Situation
from core.decisions.operations.written import (
    _CHOICE_DA,
    _CHOICE_EN,
    _invalid,
    _unit_for,
    written_matter,
    written_situation,
)
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.identity.permissions import Role
from core.meetings.models import Meeting, MeetingState
from core.rules.types import WrittenAnswer as AnswerFacts
from core.rules.types import WrittenOutcome


def _lock(procedure: WrittenProcedure) -> None:
    """Read the procedure's row again, locked until the transaction ends (``SELECT … FOR
    UPDATE`` on PostgreSQL; SQLite writes one transaction at a time anyway)."""
    db.session.refresh(procedure, with_for_update=True)
    db.session.expire(procedure, ["answers"])


# ------------------------------------------------------------------ answering


def answer_written_procedure(procedure: WrittenProcedure, *, user: User, hooks, tenant, choice: str,
           reason: str = "", unit: str | None = None) -> WrittenAnswer:
    """The answer of the unit ``user`` represents: once per unit (the database's unique
    constraint settles concurrent attempts), agree, object (with a reason) or abstain,
    while it is open and before the deadline. Settled by the answers (the
    ``written_procedure_outcome`` rule), it closes at once.

    The procedure's row is locked for the transaction (on PostgreSQL), so answers to one
    procedure and its close by the tick follow one another: each answer sees the answers
    before it, and none is taken after the close."""
    _lock(procedure)
    now = clock.now()
    if procedure.state is not WrittenState.OPEN or now >= procedure.deadline_at:
        local = procedure.deadline_at.astimezone(clock.tenant_zone(tenant)).strftime("%d.%m.%Y kl. %H:%M")
        refuse(409, message=f"Den skriftlige behandling er afsluttet (fristen var {local}); der kan "
               "ikke længere svares.", reason_en="The written procedure has ended; answers are no "
               "longer taken.", clause="CORE-WRITTEN-DECIDED", rule="written_procedure")
    reason = (reason or "").strip()
    if choice == "object" and not reason:
        _invalid("reason", "En indsigelse skal begrundes.")
    sit = written_situation(procedure, hooks, tenant)
    vote_unit = _unit_for(user, sit, unit)
    name = sit.names.get(vote_unit.key, vote_unit.label)
    # As for a vote: a unit that is an organisation answers once by the rule that gives
    # each organisation one vote; any other unit once by the core's rule.
    one_vote = vote_unit.clause if vote_unit.key.startswith("org:") and vote_unit.clause \
        else "CORE-ONE-VOTE"
    seats = _seats_of(vote_unit, [a for a in sit.attendees if a.is_voting])
    delegated = any(a.acting_as == "delegate" for a in seats) and not any(
        a.acting_as == "holder" and a.person == user.email for a in seats)
    row = WrittenAnswer(
        procedure_id=procedure.id, unit_key=vote_unit.key, unit_label=name,
        choice=WrittenChoice(choice), reason=reason, answered_by_id=user.id,
        answered_as=CastAs.DELEGATE if delegated else CastAs.HOLDER, answered_at=now,
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        refuse(409, f"{name} har allerede svaret; hver stemmeberettiget svarer kun én gang.",
               reason_en=f"{name} has already answered; each voting unit answers once.",
               clause=one_vote, rule="vote_units")
    audit.record("written.answered", f"written:{procedure.id}", {
        "unit": vote_unit.key, "choice": choice, "reason": reason,
        "answered_as": row.answered_as.value,
    }, actor_id=user.id)
    db.session.expire(procedure, ["answers"])
    _close_if_settled(procedure, hooks, tenant, now, deadline_passed=False, sit=sit)
    return row


# ------------------------------------------------------------------ closing


def _explain(procedure: WrittenProcedure, sit: Situation, rule: WrittenOutcome,
             fallback: dict | None) -> tuple[str, str, list[dict]]:
    by_unit = {a.unit_key: a for a in procedure.answers}
    rows, parts_da, parts_en, missing = [], [], [], []
    for u in sit.units:
        a = by_unit.get(u.key)
        name = sit.names.get(u.key, u.label)
        rows.append({"key": u.key, "label": u.label, "name": name, "eligible": u.eligible,
                     "clause": u.clause, "reason": u.reason, "answerers": sorted(u.casters),
                     "choice": a.choice.value if a else None, "answer_reason": a.reason if a else "",
                     "answered_by": a.answered_by.name if a and a.answered_by else None,
                     "answered_as": a.answered_as.value if a else None,
                     "answered_at": a.answered_at.isoformat() if a else None})
        if not u.eligible:
            continue
        if a is None:
            missing.append(name)
            continue
        why = f" ({a.reason})" if a.reason else ""
        parts_da.append(f"{name}: {_CHOICE_DA[a.choice.value]}{why}")
        parts_en.append(f"{name}: {_CHOICE_EN[a.choice.value]}{why}")
    units_clause = next((u.clause for u in sit.units if u.clause), "CORE-UNITS")
    head_da = "Besluttet ved skriftlig behandling" if rule.decided else "Ikke besluttet ved skriftlig behandling"
    head_en = "Decided by written procedure" if rule.decided else "Not decided by written procedure"
    da = [f"{head_da}. {rule.reason} ({rule.clause})."]
    en = [f"{head_en}. {rule.reason_en or rule.reason} ({rule.clause})."]
    if parts_da:
        da.append("Svar: " + "; ".join(parts_da) + ".")
        en.append("Answers: " + "; ".join(parts_en) + ".")
    if missing:
        da.append(f"Intet svar fra {join_da(missing)}.")
        en.append(f"No answer from {join_en(missing)}.")
    da.append(f"Hvem der svarer: {units_clause}.")
    en.append(f"Who answers: {units_clause}.")
    if fallback:
        da.append(f"{fallback['reason']} ({fallback['clause']}).")
        en.append(f"{fallback['reason_en']} ({fallback['clause']}).")
    return " ".join(da), " ".join(en), rows


def _close_if_settled(procedure: WrittenProcedure, hooks, tenant, now: datetime, *,
                      deadline_passed: bool, sit: Situation | None = None) -> bool:
    sit = sit or written_situation(procedure, hooks, tenant)
    facts, matter = sit.body, written_matter(procedure)
    answers = [AnswerFacts(a.unit_key, a.choice.value, a.reason,
                           a.answered_by.email if a.answered_by else None)
               for a in procedure.answers]
    rule = hooks.written_procedure_outcome(body=facts, matter=matter, units=list(sit.units),
                                           answers=answers, deadline_passed=deadline_passed)
    if not rule.settled and not deadline_passed:
        return False
    if not rule.settled:  # at the deadline a rule that still waits has not decided it
        rule = replace(rule, settled=True, decided=False)
    fallback = None
    if not rule.decided:
        fallback = hooks.written_procedure_fallback(body=facts, matter=matter, outcome=rule).as_dict()
    da, en, rows = _explain(procedure, sit, rule, fallback)
    procedure.state = WrittenState.DECIDED if rule.decided else WrittenState.NOT_DECIDED
    procedure.closed_at = now
    procedure.outcome = {
        "result": procedure.state.value, "deadline_passed": deadline_passed,
        "rule": rule.as_dict(), "fallback": fallback, "units": rows,
        "explanation": da, "explanation_en": en,
    }
    db.session.flush()
    audit.record("written.closed", f"written:{procedure.id}", {
        "result": procedure.state.value, "clause": rule.clause,
        "fallback": fallback and fallback["action"], "outcome": procedure.outcome,
    })
    place_written_on_next_meeting(procedure, tenant)
    return True


def close_due_written_procedures(tenant, hooks, now: datetime | None = None) -> int:
    """The tick: close every open written procedure whose deadline has come, and put every
    closed one that still waits for a meeting on the body's next meeting. Returns how many
    closed now."""
    now = now or clock.now()
    closed = 0
    due = db.session.scalars(sa.select(WrittenProcedure).where(
        WrittenProcedure.state == WrittenState.OPEN, WrittenProcedure.deadline_at <= now,
    ).order_by(WrittenProcedure.id)).all()
    for procedure in due:
        _lock(procedure)  # an answer or another tick may have closed it meanwhile
        if procedure.state is WrittenState.OPEN:
            closed += _close_if_settled(procedure, hooks, tenant, now, deadline_passed=True)
    waiting = db.session.scalars(sa.select(WrittenProcedure).where(
        WrittenProcedure.state != WrittenState.OPEN, WrittenProcedure.item_id.is_(None),
    ).order_by(WrittenProcedure.id)).all()
    for procedure in waiting:
        place_written_on_next_meeting(procedure, tenant)
    return closed


def _answers_text(procedure: WrittenProcedure) -> str:
    rows = (procedure.outcome or {}).get("units", [])
    lines = [f"- {r['name']}: {_CHOICE_DA[r['choice']] if r['choice'] else 'intet svar'}"
             + (f" ({r['answer_reason']})" if r.get("answer_reason") else "")
             for r in rows if r["eligible"]]
    return "Svar i den skriftlige behandling:\n" + "\n".join(lines)


def place_written_on_next_meeting(procedure: WrittenProcedure, tenant) -> Meeting | None:
    """Put a closed written procedure on the body's next meeting whose agenda is still
    open (planned, or published): a decided one as an information item, so the minutes
    record it as decided by written procedure; one not decided as a decision item with
    the answers, where the fallback rule says so (CORE-WRITTEN-FALLBACK). A body with no
    such meeting yet gets it on the next one the tick finds. Once only."""
    from core.meetings import operations as meetings

    _lock(procedure)  # two ticks at once place it once
    if procedure.state is WrittenState.OPEN or procedure.item_id is not None:
        return None
    fallback = (procedure.outcome or {}).get("fallback")
    if procedure.state is WrittenState.NOT_DECIDED and (fallback or {}).get("action") != "next_meeting":
        return None
    meeting = db.session.scalar(sa.select(Meeting).where(
        Meeting.body_id == procedure.body_id, Meeting.starts_at > procedure.closed_at,
        Meeting.state.in_((MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED)),
    ).order_by(Meeting.starts_at).limit(1))
    if meeting is None:
        return None
    decided = procedure.state is WrittenState.DECIDED
    closed = procedure.closed_at.astimezone(clock.tenant_zone(tenant)).strftime("%d.%m.%Y")
    if decided:
        # The minutes record it as decided (meetings' DECIDED_BEFORE: the decision theme is
        # the decision, the case text its explanation).
        data = {"kind": "O", "title": f"Besluttet ved skriftlig behandling: {procedure.title}"[:300],
                "decision_theme": f"Besluttet ved skriftlig behandling den {closed}: {procedure.text}",
                "case_text": procedure.outcome["explanation"],
                "recommendation": procedure.recommendation,
                "topics": [meetings.DECIDED_BEFORE]}
    else:
        data = {"kind": "B", "title": procedure.title,
                "decision_theme": procedure.text,
                "case_text": "\n\n".join(x for x in (
                    procedure.case_text,
                    f"Ikke besluttet ved skriftlig behandling den {closed}. "
                    f"{procedure.outcome['explanation']}",
                    _answers_text(procedure)) if x),
                "recommendation": procedure.recommendation,
                "topics": list(procedure.topics or []), "plan": procedure.plan}
    item = meetings.add_item(meeting, data, None, Role.TENANT_ADMIN, None)
    procedure.meeting_id, procedure.item_id = meeting.id, item.id
    db.session.flush()
    audit.record("written.placed", f"written:{procedure.id}", {
        "meeting": meeting.id, "item": item.id, "result": procedure.state.value,
    })
    return meeting


# ------------------------------------------------------------------ mails


#: Announce an outcome only while recent (a first tick on old data mails no history).
_OUTCOME_WINDOW = timedelta(days=30)
#: Remind those whose unit has not answered this long before the deadline.
_REMINDER = timedelta(days=1)


def written_due_mails(tenant, hooks, now: datetime) -> list[tuple[str, str, list[str]]]:
    """What the tick writes to the outbox (kind, subject, recipients): the proposal to
    those who answer for the eligible units that have not answered (``written_opened``), a
    reminder to them a day before the deadline (``written_reminder``), and the outcome to
    the body's members, whoever started it and whoever answered (``written_closed``)."""
    out = []
    for procedure in db.session.scalars(sa.select(WrittenProcedure).where(
            WrittenProcedure.started_at >= now - timedelta(days=100)).order_by(WrittenProcedure.id)):
        subject = f"written:{procedure.id}"
        if procedure.state is WrittenState.OPEN:
            if now < procedure.deadline_at:
                sit = written_situation(procedure, hooks, tenant)
                answered = {a.unit_key for a in procedure.answers}
                waiting = sorted({p for u in sit.units if u.eligible and u.key not in answered
                                  for p in u.casters})
                out.append(("written_opened", subject, waiting))
                if now >= procedure.deadline_at - _REMINDER:
                    out.append(("written_reminder", subject, waiting))
            continue
        if procedure.closed_at is None or procedure.closed_at < now - _OUTCOME_WINDOW:
            continue
        day = procedure.closed_at.date()
        members = {holder.email for s in procedure.body.seats
                   if (holder := s.holder_on(day)) is not None and s.is_valid_on(day)}
        others = {a.answered_by.email for a in procedure.answers if a.answered_by}
        if procedure.started_by is not None:
            others.add(procedure.started_by.email)
        out.append(("written_closed", subject, sorted(members | others)))
    return out
