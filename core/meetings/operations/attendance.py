"""Attendance: who fills a seat at a meeting (the holder, a substitute the rules allow,
or the holder of a delegated mandate) and the delegation of a seat's mandate (KBH-7).
"""

from __future__ import annotations

from datetime import date

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
from core.rules.types import Delegation


#: The answer to a person looked up by e-mail who is not one of the tenant's own people,
#: whether or not anyone has the address (core.identity.operations.tenant_person).
NOT_A_TENANT_PERSON = ("Ingen person med denne adresse i denne kommune (et medlem, en "
                       "administrator eller en, der handler for en af kommunens organisationer).")


def record_attendance(
    meeting: Meeting, seat_key: str, data: dict, user: User, role: Role, tenant, hooks
) -> Attendance:
    """Who fills a seat: the holder, a substitute the rules allow (ALB-B5; KBH-6 refuses
    any stand-in), or the holder of a delegated mandate (KBH-7)."""
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED,
                             MeetingState.IN_SESSION, MeetingState.HELD):
        _refuse_transition(meeting, meeting.state, "få ændret fremmødet")
    seat = next((s for s in meeting.body.seats if s.key == seat_key), None)
    if seat is None or not seat.is_valid_on(meeting.starts_at.date()):
        refuse(404, message="Not found.")
    if role < Role.BODY_SECRETARY and seat.holder_id != user.id:
        refuse(403, message="Et medlem kan kun melde fremmøde eller afbud for sin egen plads.",
              reason_en="A member can only report attendance or apologies for their own seat.")

    status = AttendanceStatus(data.get("status", "present"))
    acting_as = ActingAs(data.get("acting_as", "holder"))
    person = seat.holder
    if data.get("person"):
        # Only the tenant's own people are found: an unknown address and a platform user
        # from elsewhere answer alike, so the lookup tells nobody who has an account.
        person = identity.tenant_person(meeting.tenant_id, data["person"])
        if person is None:
            refuse(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"person": [NOT_A_TENANT_PERSON]}})
    verdict = None
    facts = body_facts(meeting.body, tenant.slug)
    seat_facts = next(s for s in facts.seats if s.key == seat.key)
    if status is AttendanceStatus.PRESENT and acting_as is ActingAs.HOLDER:
        if person is None or person.id != seat.holder_id:
            refuse(422, message="Kun pladsens indehaver møder som indehaver; en anden person "
                  "møder som suppleant eller med et uddelegeret mandat.", clause=None,
                  rule="record_attendance")
    elif status is AttendanceStatus.PRESENT and acting_as is ActingAs.SUBSTITUTE:
        if person is None or person.id == seat.holder_id:
            refuse(422, message="Angiv suppleanten.", clause=None, rule="record_attendance")
        v = hooks.substitute_allowed(
            body=facts, seat=seat_facts,
            substitute_organisations=frozenset(a.organisation.code for a in person.affiliations),
        )
        if not v.ok:
            refuse(422, message=v.reason, clause=v.clause, rule="substitute_allowed")
        verdict = v.as_dict()
    elif status is AttendanceStatus.PRESENT and acting_as is ActingAs.DELEGATE:
        delegation = active_delegation(seat, meeting.starts_at.date())
        if delegation is None:
            refuse(422, message="Pladsens mandat er ikke uddelegeret på mødedagen.",
                  clause="CORE-MANDATE", rule="delegation_allowed")
        person_orgs = {a.organisation_id for a in person.affiliations} if person else set()
        if person is None or (
            delegation.to_person_id is not None and delegation.to_person_id != person.id
        ) or (delegation.to_person_id is None and delegation.to_organisation_id not in person_orgs):
            refuse(422, message="Personen handler ikke for den organisation, mandatet er lagt hos.",
                  clause=(delegation.verdict or {}).get("clause"), rule="delegation_allowed")
        verdict = delegation.verdict
    attendance = next((a for a in meeting.attendances if a.seat_id == seat.id), None)
    if attendance is None:
        attendance = Attendance(seat=seat)
        meeting.attendances.append(attendance)
    attendance.status = status
    attendance.acting_as = acting_as if status is AttendanceStatus.PRESENT else ActingAs.HOLDER
    attendance.person = person if status is AttendanceStatus.PRESENT else seat.holder
    attendance.verdict = verdict
    attendance.recorded_at = clock.now()
    db.session.flush()
    return attendance


def record_attendance_all(
    meeting: Meeting, seats: dict[str, dict], user: User, role: Role, tenant, hooks
) -> list[Attendance]:
    """The whole meeting's attendance at once, as the secretary records it from one form:
    every seat named in ``seats`` (``{seat_key: {status, acting_as, person}}``) is recorded
    by the same rules as one seat (:func:`record_attendance`: ALB-B5, KBH-6, KBH-7,
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


def _refusal_sentence(data: dict, exc) -> str:
    """One seat's refusal as a sentence ending in its clause, where it has one."""
    errors = (data.get("errors") or {}).get("json") or {}
    said = "; ".join(m for msgs in errors.values() for m in msgs) if errors else ""
    said = said or data.get("message") or exc.description or ""
    return f"{said} ({data['clause']})" if data.get("clause") else said


def active_delegation(seat: Seat, day: date) -> MandateDelegation | None:
    return db.session.scalar(
        sa.select(MandateDelegation).where(
            MandateDelegation.seat_id == seat.id,
            MandateDelegation.starts_on <= day,
            MandateDelegation.ends_on >= day,
        ).order_by(MandateDelegation.id.desc()).limit(1)
    )


def delegate_mandate(body: Body, data: dict, user: User, tenant, hooks) -> MandateDelegation:
    """KBH-7: a member may delegate its mandate for one year at a time, e.g. to the
    organisation that administers it; refused where the rules do not allow it (CORE-MANDATE)."""
    seat = next((s for s in body.seats if s.key == data["seat"]), None)
    if seat is None:
        refuse(404, message="Not found.")
    org = db.session.scalar(sa.select(Organisation).filter_by(code=data["to_organisation"]))
    if org is None:
        refuse(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"to_organisation": ["Ukendt organisation."]}})
    person = None
    if data.get("to_person"):
        person = db.session.scalar(sa.select(User).filter_by(email=data["to_person"].lower()))
        if person is None or org.id not in {a.organisation_id for a in person.affiliations}:
            refuse(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"to_person": ["Personen handler ikke for organisationen."]}})
    facts = body_facts(body, tenant.slug)
    v = hooks.delegation_allowed(
        body=facts,
        seat=next(s for s in facts.seats if s.key == seat.key),
        delegation=Delegation(seat.key, seat.organisation.code, org.code, data["starts_on"], data["ends_on"]),
    )
    if not v.ok:
        refuse(422, message=v.reason, clause=v.clause, rule="delegation_allowed")
    delegation = MandateDelegation(
        seat=seat, to_organisation=org, to_person=person, starts_on=data["starts_on"],
        ends_on=data["ends_on"], verdict=v.as_dict(), created_by_id=user.id,
    )
    db.session.add(delegation)
    db.session.flush()
    return delegation
