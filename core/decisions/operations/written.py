"""Written procedure (skriftlig behandling): a proposed decision put to a body's voting
units between meetings, with a deadline (docs/decisions/0039-written-procedure.md).

Who may start one is the ``written_procedure_allowed`` rule's (CORE-WRITTEN-START) and the
body's competence (``body_competence``, as for a motion). The units that answer, and which
of them may answer on this matter, are the ``vote_units`` rule's — the same situation a
vote is computed from (:func:`core.decisions.operations.situation.situation`), with every
seat filled by its holder, or by the holder of its delegated mandate on the day
(CORE-MANDATE). Each unit answers once (a database constraint): agree, object (with a
reason) or abstain. After every answer, and at the deadline (the tick), the
``written_procedure_outcome`` rule says whether it is settled and decided
(CORE-WRITTEN-DECIDED); a proposal not decided goes where ``written_procedure_fallback``
says (CORE-WRITTEN-FALLBACK: the next meeting's agenda, with the answers). A decided one is
put on the next meeting's agenda as an information item, so the minutes record it as
"besluttet ved skriftlig behandling". Everything is written to the audit log.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa

from core import clock
from core.audit import operations as audit
from core.bodies.facts import body_facts
from core.bodies.models import Body
from core.decisions.models import WrittenProcedure, WrittenState
from core.decisions.operations.access import _seats_of
from core.decisions.operations.situation import Situation, situation
from core.errors import refuse
from core.extensions import db
from core.identity.models import Affiliation, User
from core.identity.permissions import Role, role_in_body
from core.rules.types import Attendee, Caller, ItemKind, Matter

#: The shortest and the longest time a written procedure may run.
_SHORTEST = timedelta(hours=1)
_LONGEST = timedelta(days=90)
_CHOICE_DA = {"agree": "enig", "object": "indsigelse", "abstain": "undlader at tage stilling"}
_CHOICE_EN = {"agree": "agrees", "object": "objects", "abstain": "abstains"}


def _invalid(field: str, message: str):
    refuse(422, message="The input is invalid; see errors for each field.",
           errors={"json": {field: [message]}})


def written_matter(procedure: WrittenProcedure) -> Matter:
    """The proposal as the rules see it."""
    return Matter(title=procedure.title, kind=ItemKind.DECISION,
                  topics=frozenset(procedure.topics or ()), plan=procedure.plan)


# ------------------------------------------------------------------ the units


def _attendees(body: Body, day) -> tuple[list[Attendee], dict[str, set[str]]]:
    """Every seat of the body on ``day``, filled by its holder or, where its mandate is
    delegated that day, by the delegation's person (CORE-MANDATE); and, for a mandate
    delegated to an organisation without a named person, everyone acting for that
    organisation (by seat key). Nobody is "present" between meetings: every seat is
    reachable, so the units are the body's voting units as the rules give them."""
    from core.meetings.operations.attendance import active_delegation

    out: list[Attendee] = []
    widened: dict[str, set[str]] = {}
    for seat in body.seats:
        if not seat.is_valid_on(day):
            continue
        holder = seat.holder_on(day)  # who holds it on the procedure's day
        person, acting_as = (holder.email if holder else None), "holder"
        delegation = active_delegation(seat, day) if seat.is_voting else None
        if delegation is not None:
            acting_as = "delegate"
            if delegation.to_person is not None:
                person = delegation.to_person.email
            else:
                people = set(db.session.scalars(
                    sa.select(User.email).join(Affiliation, sa.and_(Affiliation.user_id == User.id, Affiliation.current_sql()))
                    .where(Affiliation.organisation_id == delegation.to_organisation_id)))
                person = min(people) if people else None
                widened[seat.key] = people
        out.append(Attendee(seat_key=seat.key, organisation=seat.organisation.code,
                            role=seat.role.value, is_voting=seat.is_voting, person=person,
                            acting_as=acting_as))
    return out, widened


def written_situation(procedure: WrittenProcedure, hooks, tenant, day=None) -> Situation:
    """The units that answer ``procedure`` and who may answer for each: the vote's own
    situation (``vote_units``: ALB-style one vote per organisation, a plan's grant, …) for
    the body's seats on ``day`` (today, or the deadline's day once it has passed)."""
    day = day or min(clock.today(), procedure.deadline_at.date())
    attendees, widened = _attendees(procedure.body, day)
    sit = situation(hooks, tenant, procedure.body, written_matter(procedure), attendees, day=day)
    if not widened:
        return sit
    units = []
    for u in sit.units:
        extra = set().union(*(widened.get(a.seat_key, set()) for a in _seats_of(u, [
            a for a in attendees if a.is_voting])))
        units.append(replace(u, casters=u.casters | extra) if extra else u)
    return replace(sit, units=tuple(units))


def _unit_for(user: User, sit: Situation, unit_key: str | None):
    """The one eligible unit ``user`` may answer for, or a refusal citing the rule."""
    units_clause = next((u.clause for u in sit.units if u.clause), "CORE-UNITS")
    mine = [u for u in sit.units if user.email in u.casters]
    if unit_key is not None:
        mine = [u for u in mine if unit_key in (u.key, u.label, sit.names.get(u.key))]
    if not mine:
        if unit_key is not None:
            refuse(409, f"Du kan ikke svare for {unit_key}.",
                   reason_en=f"You cannot answer for {unit_key}.", clause=units_clause,
                   rule="vote_units")
        refuse(409, "Du repræsenterer ingen stemmeberettiget i organet og kan ikke svare.",
               reason_en="You represent no voting member of the body and cannot answer.",
               clause=units_clause, rule="vote_units")
    eligible = [u for u in mine if u.eligible]
    if not eligible:
        unit = mine[0]
        refuse(409, unit.reason or f"{unit.label} har ikke stemmeret i denne sag.",
               clause=unit.clause, rule="vote_units")
    if len(eligible) > 1:
        refuse(422, "Du repræsenterer flere stemmeberettigede; angiv hvilken ('unit': "
               + ", ".join(u.key for u in eligible) + ").", rule="vote_units",
               errors={"json": {"unit": ["Angiv hvilken: " + ", ".join(u.key for u in eligible)]}})
    return eligible[0]


def answerable_units(procedure: WrittenProcedure, user, *, hooks, tenant) -> list[dict]:
    """The eligible units ``user`` may still answer for (none once it is closed)."""
    if user is None or procedure.state is not WrittenState.OPEN or clock.now() >= procedure.deadline_at:
        return []
    sit = written_situation(procedure, hooks, tenant)
    done = {a.unit_key for a in procedure.answers}
    return [{"key": u.key, "label": u.label, "name": sit.names.get(u.key, u.label)}
            for u in sit.units if u.eligible and user.email in u.casters and u.key not in done]


# ------------------------------------------------------------------ starting


def written_caller(body: Body, user: User, role: Role) -> Caller:
    """Who asks to start a written procedure, as the rules see them: their seat roles in
    ``body`` today, and ``secretariat`` for the tenant's secretariat."""
    today = clock.today()
    roles = {s.role.value for s in body.seats
             if s.holder_id_on(today) == user.id and s.is_valid_on(today)}
    if role >= Role.TENANT_ADMIN:
        roles.add("secretariat")
    return Caller(person=user.email, roles=frozenset(roles),
                  organisations=frozenset(a.organisation.code for a in user.affiliations),
                  on_behalf_of="secretariat" if "secretariat" in roles else "self")


def start_written_procedure(body: Body, data: dict, *, user: User, hooks, tenant) -> WrittenProcedure:
    """Put a proposed decision to ``body``'s voting units with a deadline, where the rules
    let ``user`` (``written_procedure_allowed``, CORE-WRITTEN-START) and the body may decide
    it (``body_competence``). Refused: a deadline less than an hour ahead or more than 90
    days ahead (422, ``deadline_at``), a body with no unit that may answer (409)."""
    now = clock.now()
    deadline = data["deadline_at"]
    if deadline.tzinfo is None:
        _invalid("deadline_at", "Angiv fristen med tidszone (fx 2026-12-14T12:00:00+01:00).")
    if deadline < now + _SHORTEST:
        _invalid("deadline_at", "Fristen skal ligge mindst en time ude i fremtiden.")
    if deadline > now + _LONGEST:
        _invalid("deadline_at", "Fristen kan højst ligge 90 dage ude i fremtiden.")
    role = role_in_body(user, body)
    facts = body_facts(body, tenant.slug)
    procedure = WrittenProcedure(
        body=body, title=data["title"].strip(), text=data["text"].strip(),
        case_text=(data.get("case_text") or "").strip(),
        recommendation=(data.get("recommendation") or "").strip(),
        topics=list(data.get("topics") or []), plan=data.get("plan") or None,
        deadline_at=deadline, state=WrittenState.OPEN, started_by_id=user.id, started_at=now,
    )
    matter = written_matter(procedure)
    allowed = hooks.written_procedure_allowed(body=facts, caller=written_caller(body, user, role),
                                              matter=matter)
    if not allowed.ok:
        refuse(403, message=allowed.reason, clause=allowed.clause, rule="written_procedure_allowed",
               reason_en=allowed.reason_en or allowed.reason)
    competence = hooks.body_competence(body=facts, matter=matter)
    if not competence.ok:
        refuse(409, message=competence.reason, clause=competence.clause, rule="body_competence",
               reason_en=competence.reason_en or competence.reason)
    sit = situation(hooks, tenant, body, matter, _attendees(body, clock.today())[0])
    if not any(u.eligible for u in sit.units):
        clause = next((u.clause for u in sit.units if u.clause), "CORE-UNITS")
        refuse(409, message=f"Ingen i {body.name} har stemmeret i sagen; den kan ikke behandles "
               "skriftligt.", clause=clause, rule="vote_units",
               reason_en=f"Nobody in {body.name} may vote on the matter; it cannot be decided in writing.")
    procedure.start_rules = {"allowed": allowed.as_dict(), "competence": competence.as_dict()}
    db.session.add(procedure)
    db.session.flush()
    audit.record("written.started", f"written:{procedure.id}", {
        "body": body.key, "title": procedure.title, "text": procedure.text,
        "deadline_at": deadline.isoformat(), "clause": allowed.clause,
        "units": [u.key for u in sit.units if u.eligible],
    }, actor_id=user.id)
    return procedure


# ------------------------------------------------------------------ reading


def get_written_procedure(procedure_id: int) -> WrittenProcedure:
    procedure = db.session.get(WrittenProcedure, procedure_id)
    if procedure is None:
        refuse(404, message="Not found.")
    return procedure


def readable_written_procedure(procedure_id: int, user) -> WrittenProcedure:
    """The procedure, for the body's members, its unit representatives (a delegate) and
    the tenant's secretariat; one 404 for the unknown and the unreadable."""
    procedure = get_written_procedure(procedure_id)
    if not may_read_written_procedure(procedure, user):
        refuse(404, message="Not found.")
    return procedure


def may_read_written_procedure(procedure: WrittenProcedure, user) -> bool:
    if user is None:
        return False
    if role_in_body(user, procedure.body) >= Role.MEMBER:
        return True
    if any(a.answered_by_id == user.id for a in procedure.answers):
        return True
    return procedure.state is WrittenState.OPEN and _represents(procedure, user)


def _represents(procedure: WrittenProcedure, user) -> bool:
    from flask import current_app

    from core.tenancy import current_tenant

    tenant = current_tenant()
    hooks = current_app.extensions["kommissorium.host"].for_tenant(tenant.plugins)
    sit = written_situation(procedure, hooks, tenant)
    return any(user.email in u.casters for u in sit.units)


def written_procedures_of_body(body: Body) -> list[WrittenProcedure]:
    return db.session.scalars(sa.select(WrittenProcedure).where(
        WrittenProcedure.body_id == body.id).order_by(WrittenProcedure.id.desc())).all()


def written_waiting_for(user, *, hooks, tenant) -> list[tuple[WrittenProcedure, dict]]:
    """The open written procedures ``user`` may still answer, with the unit."""
    out = []
    for procedure in db.session.scalars(sa.select(WrittenProcedure).where(
            WrittenProcedure.state == WrittenState.OPEN).order_by(WrittenProcedure.deadline_at)):
        out += [(procedure, u) for u in answerable_units(procedure, user, hooks=hooks, tenant=tenant)]
    return out
