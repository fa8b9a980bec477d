"""Attendance: who fills a seat at a meeting (the holder, a substitute the rules allow,
or the holder of a delegated mandate) and the delegation of a seat's mandate (CORE-MANDATE).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from core import clock
from core.bodies.facts import body_facts
from core.bodies.models import Body, Seat
from core.errors import refuse
from core.extensions import db
from core.identity import operations as identity
from core.identity.models import User
from core.identity.permissions import Role
from core.meetings.models import (
    ActingAs,
    Attendance,
    AttendanceStatus,
    MandateDelegation,
    Meeting,
    MeetingState,
)
from core.meetings.operations.states import _refuse_transition
from core.organisations.models import Organisation
from core.rules.types import Delegation, MeetingFacts
from core.tenants.models import Participation


#: The answer to a person looked up by e-mail who is not one of the tenant's own people,
#: whether or not anyone has the address (core.identity.operations.tenant_person).
NOT_A_TENANT_PERSON = ("Ingen person med denne adresse i denne kommune (et medlem, en "
                       "administrator eller en, der handler for en af kommunens organisationer).")


def meeting_facts(meeting: Meeting) -> MeetingFacts:
    """The meeting as rules see it (``substitute_allowed``, ``delegation_allowed``)."""
    return MeetingFacts(id=meeting.id, body=meeting.body.key, starts_at=meeting.starts_at,
                        state=meeting.state.value,
                        is_extraordinary=meeting.kind.value == "extraordinary")


def delegation_facts(delegation: MandateDelegation) -> Delegation:
    """A registered delegation as rules see it: to whom, for when, registered by whom and
    when."""
    return Delegation(
        delegation.seat.key, delegation.seat.organisation.code, delegation.to_organisation.code,
        delegation.starts_on, delegation.ends_on,
        to_person=delegation.to_person.email if delegation.to_person is not None else None,
        registered_by=delegation.created_by.email if delegation.created_by is not None else None,
        registered_at=delegation.created_at)


def record_attendance(
    meeting: Meeting, seat_key: str, data: dict, user: User, role: Role, tenant, hooks
) -> Attendance:
    """Who fills a seat: the holder, a substitute the rules allow (CORE-SUBSTITUTE), or the
    holder of a delegated mandate (CORE-MANDATE)."""
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED,
                             MeetingState.IN_SESSION, MeetingState.HELD):
        _refuse_transition(meeting, meeting.state, "få ændret fremmødet")
    day = meeting.starts_at.date()
    seat = next((s for s in meeting.body.seats if s.key == seat_key), None)
    if seat is None or not seat.is_valid_on(day):
        refuse(404, message="Not found.")
    # the holder on the meeting's day (a holder from a later day does not sit in it)
    holder = seat.holder_on(day)
    if role < Role.BODY_SECRETARY and (holder is None or holder.id != user.id):
        refuse(403, message="Et medlem kan kun melde fremmøde eller afbud for sin egen plads.",
              reason_en="A member can only report attendance or apologies for their own seat.")

    status = AttendanceStatus(data.get("status", "present"))
    acting_as = ActingAs(data.get("acting_as", "holder"))
    person = holder
    if data.get("person"):
        # Only the tenant's own people are found: an unknown address and a platform user
        # from elsewhere answer alike, so the lookup tells nobody who has an account.
        person = identity.tenant_person(meeting.tenant_id, data["person"])
        if person is None:
            refuse(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"person": [NOT_A_TENANT_PERSON]}})
    verdict = None
    facts = body_facts(meeting.body, tenant.slug, day)
    seat_facts = next(s for s in facts.seats if s.key == seat.key)
    if status is AttendanceStatus.PRESENT and acting_as is ActingAs.HOLDER:
        if person is None or holder is None or person.id != holder.id:
            refuse(422, message="Kun pladsens indehaver møder som indehaver; en anden person "
                  "møder som suppleant eller med et uddelegeret mandat.", clause=None,
                  rule="record_attendance")
    elif status is AttendanceStatus.PRESENT and acting_as is ActingAs.SUBSTITUTE:
        if person is None or (holder is not None and person.id == holder.id):
            refuse(422, message="Angiv suppleanten.", clause=None, rule="record_attendance")
        v = hooks.substitute_allowed(
            body=facts, seat=seat_facts,
            substitute_organisations=frozenset(a.organisation.code for a in person.affiliations),
            meeting=meeting_facts(meeting), requested_at=clock.now(), substitute=person.email,
        )
        if not v.ok:
            # A rule refused (docs/decisions/0025-which-status-a-refusal-gets.md).
            refuse(409, message=v.reason, clause=v.clause, rule="substitute_allowed",
                  reason_en=v.reason_en or v.reason)
        verdict = v.as_dict()
    elif status is AttendanceStatus.PRESENT and acting_as is ActingAs.DELEGATE:
        delegation = active_delegation(seat, day)
        if delegation is None:
            _no_delegation(meeting, seat, facts, seat_facts, person, hooks)
        person_orgs = {a.organisation_id for a in person.affiliations} if person else set()
        if person is None or (
            delegation.to_person_id is not None and delegation.to_person_id != person.id
        ) or (delegation.to_person_id is None and delegation.to_organisation_id not in person_orgs):
            refuse(422, message="Personen handler ikke for den organisation, mandatet er lagt hos.",
                  clause=(delegation.verdict or {}).get("clause"), rule="delegation_allowed")
        verdict = _delegate_at_meeting(meeting, delegation, facts, seat_facts, hooks)
    attendance = next((a for a in meeting.attendances if a.seat_id == seat.id), None)
    if attendance is None:
        attendance = Attendance(seat=seat)
        meeting.attendances.append(attendance)
    attendance.status = status
    attendance.acting_as = acting_as if status is AttendanceStatus.PRESENT else ActingAs.HOLDER
    attendance.person = person if status is AttendanceStatus.PRESENT else holder
    attendance.verdict = verdict
    attendance.recorded_at = clock.now()
    db.session.flush()
    return attendance


def record_attendance_all(
    meeting: Meeting, seats: dict[str, dict], user: User, role: Role, tenant, hooks
) -> list[Attendance]:
    """The whole meeting's attendance at once, as the secretary records it from one form:
    every seat named in ``seats`` (``{seat_key: {status, acting_as, person}}``) is recorded
    by the same rules as one seat (:func:`record_attendance`: CORE-SUBSTITUTE, CORE-MANDATE,
    CORE-ATTENDANCE), all or nothing. A refusal names each refused seat with its reason and
    clause (422, ``errors.json.seats.<seat>``) and keeps nothing; seats not named are left
    as they were."""
    from werkzeug.exceptions import HTTPException

    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED,
                             MeetingState.IN_SESSION, MeetingState.HELD):
        _refuse_transition(meeting, meeting.state, "få ændret fremmødet")
    known = {s.key for s in meeting.body.seats if s.is_valid_on(meeting.starts_at.date())}
    refused: dict[str, list[str]] = {}
    for key, data in seats.items():
        if key not in known:
            refused[key] = [f"{meeting.body.name} har ingen plads {key} på mødedagen."]
            continue
        try:
            record_attendance(meeting, key, data, user, role, tenant, hooks)
        except HTTPException as exc:  # the refusal rolled back; the others are still checked
            refused[key] = [_refusal_sentence(getattr(exc, "data", None) or {}, exc)]
    if refused:  # all or nothing: what the other seats wrote is rolled back with this
        refuse(422, "Fremmødet blev ikke registreret; intet er gemt. Se hver afvist plads.",
               errors={"json": {"seats": refused}})
    db.session.flush()
    return list(meeting.attendances)


def _delegate_at_meeting(meeting: Meeting, delegation: MandateDelegation, facts, seat_facts,
                         hooks) -> dict:
    """The rules asked again, at the meeting, about a registered delegation: a rule that
    knows the meeting and the moment (a mandate registered before the meeting starts) may
    refuse it here; otherwise the verdict it was registered with stands."""
    v = hooks.delegation_allowed(body=facts, seat=seat_facts,
                                 delegation=delegation_facts(delegation),
                                 meeting=meeting_facts(meeting), requested_at=clock.now())
    if not v.ok:
        refuse(409, message=v.reason, clause=v.clause, rule="delegation_allowed",
              reason_en=v.reason_en or v.reason)
    return delegation.verdict


def _refusal_sentence(data: dict, exc) -> str:
    """One seat's refusal as a sentence ending in its clause, where it has one."""
    errors = (data.get("errors") or {}).get("json") or {}
    said = "; ".join(m for msgs in errors.values() for m in msgs) if errors else ""
    said = said or data.get("message") or exc.description or ""
    return f"{said} ({data['clause']})" if data.get("clause") else said


def _no_delegation(meeting: Meeting, seat: Seat, facts, seat_facts, person, hooks) -> None:
    """Refuse a delegate for a seat whose mandate is not delegated on the meeting's day,
    citing the tenant's delegation rule (the clause ``delegation_allowed`` answers with,
    CORE-MANDATE where the kommissorium allows no delegation), and saying when an earlier
    delegation ended."""
    day = meeting.starts_at.date()
    last = db.session.scalar(
        sa.select(MandateDelegation).where(MandateDelegation.seat_id == seat.id)
        .order_by(MandateDelegation.ends_on.desc(), MandateDelegation.id.desc()).limit(1))
    to_code = last.to_organisation.code if last is not None else (
        next(iter(sorted(a.organisation.code for a in person.affiliations)), seat.organisation.code)
        if person is not None else seat.organisation.code)
    rule = hooks.delegation_allowed(body=facts, seat=seat_facts, delegation=Delegation(
        seat.key, seat.organisation.code, to_code, day, day + timedelta(days=1)),
        meeting=meeting_facts(meeting), requested_at=clock.now())
    clause = (last.verdict or {}).get("clause") if last is not None else None
    clause = clause or rule.clause
    if last is not None and last.ends_on < day:
        message = (f"{seat.organisation.code}s mandat var lagt hos {last.to_organisation.code} "
                   f"til {last.ends_on:%d.%m.%Y}; det gælder ikke på mødedagen {day:%d.%m.%Y}.")
        message_en = (f"{seat.organisation.code}'s mandate was delegated to "
                      f"{last.to_organisation.code} until {last.ends_on.isoformat()}; it does not "
                      f"hold on the meeting's day {day.isoformat()}.")
    elif last is not None:
        message = (f"{seat.organisation.code}s mandat lægges hos {last.to_organisation.code} "
                   f"først fra {last.starts_on:%d.%m.%Y}; det gælder ikke på mødedagen.")
        message_en = (f"{seat.organisation.code}'s mandate is delegated to "
                      f"{last.to_organisation.code} only from {last.starts_on.isoformat()}.")
    else:
        message = (f"{seat.organisation.code}s mandat er ikke lagt hos en anden organisation på "
                   f"mødedagen; uden en delegation møder kun pladsens indehaver eller en suppleant.")
        message_en = (f"{seat.organisation.code}'s mandate is not delegated on the meeting's day.")
        if not rule.ok:
            message += f" {rule.reason}"
    refuse(409, message=message, clause=clause, rule="delegation_allowed", reason_en=message_en)


def active_delegation(seat: Seat, day: date) -> MandateDelegation | None:
    return db.session.scalar(
        sa.select(MandateDelegation).where(
            MandateDelegation.seat_id == seat.id,
            MandateDelegation.starts_on <= day,
            MandateDelegation.ends_on >= day,
        ).order_by(MandateDelegation.id.desc()).limit(1)
    )


def delegate_mandate(body: Body, data: dict, user: User, tenant, hooks,
                     role: Role = Role.BODY_SECRETARY) -> MandateDelegation:
    """A member delegates its seat's mandate to another organisation of the tenant for a
    period, where the rules allow it (``delegation_allowed``: CORE-MANDATE refuses; a
    kommissorium may allow it, e.g. for one year at a time). The seat's holder records it
    (the member lays down its own mandate), or the body's secretary or the secretariat for
    them.

    Refused: a seat without a vote (nothing to delegate), the seat's own organisation, an
    organisation that takes no part in the tenant (nor administers the seat's
    organisation), a period that ends before it starts, and a period that overlaps a
    delegation of the same seat (one delegation at a time)."""
    seat = next((s for s in body.seats if s.key == data["seat"]), None)
    if seat is None:
        refuse(404, message="Not found.")
    if role < Role.BODY_SECRETARY and seat.current_holder_id != user.id:
        refuse(403, message="Et medlem kan kun lægge sit eget mandat; sekretæren eller "
              "sekretariatet kan registrere det for andre.",
              reason_en="A member can only delegate their own seat's mandate.")

    def invalid(field: str, message: str):
        refuse(422, message="The input is invalid; see errors for each field.",
              errors={"json": {field: [message]}})

    org = db.session.scalar(sa.select(Organisation).filter_by(code=data["to_organisation"]))
    if org is None:
        invalid("to_organisation", "Ukendt organisation.")
    if org.id == seat.organisation_id:
        invalid("to_organisation", "Mandatet kan ikke lægges hos pladsens egen organisation.")
    taking_part = db.session.scalar(sa.select(sa.func.count(Participation.id)).where(
        Participation.organisation_id == org.id))
    if not taking_part and org.id != seat.organisation.administered_by_id:
        invalid("to_organisation", f"{org.code} deltager ikke i {tenant.name} og administrerer "
                f"ikke {seat.organisation.code}.")
    if data["ends_on"] < data["starts_on"]:
        invalid("ends_on", "Perioden slutter, før den begynder.")
    person = None
    if data.get("to_person"):
        person = db.session.scalar(sa.select(User).filter_by(email=data["to_person"].lower()))
        if person is None or org.id not in {a.organisation_id for a in person.affiliations}:
            invalid("to_person", "Personen handler ikke for organisationen.")
    if not seat.is_voting:
        refuse(409, message=f"{seat.title} har ingen stemme; der er intet mandat at lægge.",
              clause="CORE-MANDATE", rule="delegation_allowed",
              reason_en=f"{seat.title} carries no vote; there is no mandate to delegate.")
    facts = body_facts(body, tenant.slug)
    v = hooks.delegation_allowed(
        body=facts,
        seat=next(s for s in facts.seats if s.key == seat.key),
        delegation=Delegation(seat.key, seat.organisation.code, org.code, data["starts_on"],
                              data["ends_on"], to_person=person.email if person else None,
                              registered_by=user.email),
        meeting=None, requested_at=clock.now(),
    )
    if not v.ok:
        # A rule refused (docs/decisions/0025-which-status-a-refusal-gets.md).
        refuse(409, message=v.reason, clause=v.clause, rule="delegation_allowed",
              reason_en=v.reason_en or v.reason)
    overlap = db.session.scalar(sa.select(MandateDelegation).where(
        MandateDelegation.seat_id == seat.id,
        MandateDelegation.starts_on <= data["ends_on"],
        MandateDelegation.ends_on >= data["starts_on"],
    ).limit(1))
    if overlap is not None:
        refuse(409, message=f"{seat.organisation.code}s mandat er allerede lagt hos "
              f"{overlap.to_organisation.code} fra {overlap.starts_on:%d.%m.%Y} til "
              f"{overlap.ends_on:%d.%m.%Y}; et mandat lægges hos én ad gangen.",
              clause=v.clause, rule="delegation_allowed",
              reason_en=f"{seat.organisation.code}'s mandate is already delegated to "
              f"{overlap.to_organisation.code} from {overlap.starts_on.isoformat()} to "
              f"{overlap.ends_on.isoformat()}; a mandate lies with one organisation at a time.")
    delegation = MandateDelegation(
        seat=seat, to_organisation=org, to_person=person, starts_on=data["starts_on"],
        ends_on=data["ends_on"], verdict=v.as_dict(), created_by_id=user.id,
    )
    db.session.add(delegation)
    db.session.flush()
    return delegation
