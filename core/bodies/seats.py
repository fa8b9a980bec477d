"""Seats as the tenant's secretariat keeps them, in the browser and the API: a seat added to a
body, a seat given a new holder from a day, a seat ended from a day.

Who held a seat when is the seat's holdings (docs/decisions/0038-seat-holdings.md): a change
closes the holding valid on its day and opens the next one, so a past meeting still reads
who sat then. Every change is checked as a seat of a tenant file is
(:func:`core.tenants.filespec.seat_checks`, and the kommissorium's own limits through the
plugins' ``validate_body`` hooks, e.g. a cap on a body's seats), refused with the field it is
about and nothing written, and audited in the tenant's hash-chained log (who, what, from,
to). ``kommissorium tenants sync`` gives a seat a new holder through :func:`hold` too.
Operations flush, never commit.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from core import clock
from core.audit import operations as audit
from core.bodies.facts import body_facts
from core.bodies.models import Body, Seat, SeatHolding, SeatRole
from core.errors import refuse
from core.extensions import db
from core.identity.models import Affiliation, User
from core.organisations.models import Organisation


class SeatRefused(Exception):
    """A change of a seat's holdings that would rewrite or overlap its history."""

    def __init__(self, field: str, message: str, message_en: str):
        super().__init__(message_en)
        self.field, self.message, self.message_en = field, message, message_en


def hold(seat: Seat, holder: User | None, start: date, end: date | None = None) -> bool:
    """Give ``seat`` to ``holder`` from ``start`` (to ``end``, inclusive, where given); with
    ``holder`` ``None`` the seat is vacant from ``start``. The holding valid on ``start``
    ends the day before; nothing is deleted. The same change again changes nothing
    (``False``). Refused (:class:`SeatRefused`): a holding that already begins on or after
    ``start`` (holdings never overlap; a later one is the history a change would rewrite),
    ``end`` before ``start``."""
    if end is not None and end < start:
        raise SeatRefused("valid_to", "Slutter, før den begynder.", "ends before it starts")
    later = [h for h in seat.holdings if h.valid_from is not None and h.valid_from >= start]
    if later:
        same = (len(later) == 1 and later[0].valid_from == start and later[0].holder is holder
                and later[0].valid_to == end)
        if same:
            return False
        first = min(h.valid_from for h in later)
        raise SeatRefused(
            "valid_from",
            f"Pladsen har en indehaver fra {first:%d.%m.%Y}; en ændring skal gælde fra en senere dag.",
            f"the seat has a holder from {first:%Y-%m-%d}; a change must take effect on a later day",
        )
    current = seat.holding_on(start)
    if current is not None and current.holder is holder and current.valid_to == end:
        return False
    if current is None and holder is None:
        return False
    if current is not None:
        current.valid_to = start - timedelta(days=1)
    if holder is not None:
        seat.holdings.append(SeatHolding(tenant_id=seat.tenant_id, holder=holder,
                                         valid_from=start, valid_to=end))
    return True


def history(seat: Seat) -> list[dict]:
    """Who held the seat from when to when, oldest first (a gap is a vacancy)."""
    return [{"holder": h.holder, "valid_from": h.valid_from, "valid_to": h.valid_to}
            for h in seat.holdings]


# ------------------------------------------------------------------- the secretariat's changes


def _invalid(field: str, message: str, clause: str | None = None, status: int = 422):
    refuse(status, message="The input is invalid; see errors for each field.",
           errors={"json": {field: [message]}}, **({"clause": clause} if clause else {}))


def seat_organisations(tenant) -> list[Organisation]:
    """The organisations a seat of the tenant may represent: those taking part in it (the
    tenant file's organisations) and those its seats represent already."""
    from core.tenants.models import Participation

    # the tenant named in the subqueries: the scope's filter applies to the statement's own
    # entities, not to those of a subquery
    parties = sa.select(Participation.organisation_id).where(Participation.tenant_id == tenant.id)
    on_seats = sa.select(Seat.organisation_id).where(Seat.tenant_id == tenant.id)
    return list(db.session.scalars(
        sa.select(Organisation).where(sa.or_(Organisation.id.in_(parties),
                                             Organisation.id.in_(on_seats)))
        .order_by(Organisation.code)))


def candidates(organisation: Organisation | None) -> list[User]:
    """The people who may hold a seat of ``organisation``: those acting for it (not erased,
    not disabled), by name. A secretary's seat may be held by anyone of the tenant's
    organisations, but is chosen the same way: from the organisation it belongs to."""
    if organisation is None:
        return []
    return list(db.session.scalars(
        sa.select(User).join(Affiliation, sa.and_(Affiliation.user_id == User.id, Affiliation.current_sql()))
        .where(Affiliation.organisation_id == organisation.id, User.erased_at.is_(None),
               User.is_enabled.is_(True))
        .order_by(User.name, User.email)))


def _person(tenant, email: str | None) -> User | None:
    """The tenant's person with ``email``: an address nobody has, an erased person and a
    platform user with no tie to the tenant answer alike (nobody learns who has an account)."""
    from core.identity.operations import tenant_person

    return tenant_person(tenant.id, email) if email else None


_SEAT_CHECKS = {
    "unknown_organisation": "Organisationen deltager ikke i kommunen.",
    "cannot_vote": "En plads som sekretær, mødeleder eller observatør har ikke stemmeret.",
    "ends_before_start": "Slutter, før den begynder.",
    "unknown_person": "Ingen person med denne adresse i kommunen.",
    "not_acting_for": "Personen handler ikke for pladsens organisation.",
}


def _check_seat(tenant, entry: dict, person: User | None, field_of: dict | None = None) -> None:
    """The tenant file's checks of one seat (core/tenants/filespec.py), on the first
    problem a 422 naming its field."""
    from core.tenants.filespec import seat_checks

    codes = {o.code for o in seat_organisations(tenant)}

    def acts_for(email):
        if person is None:
            return None
        return [a.organisation.code for a in person.affiliations if a.organisation is not None]

    for field, kind, _message in seat_checks(entry, codes, acts_for):
        _invalid((field_of or {}).get(field, field), _SEAT_CHECKS[kind])


def _check_body(body: Body, tenant, hooks, day: date) -> None:
    """The kommissorium's limits on the body as it will be from ``day`` (the tenant file's
    ``validate_body`` hooks, e.g. a cap on a body's seats): refused with the clause, nothing written. A 422
    naming the field, as the tenant file's check refuses the file (not a 409: no rule refuses
    an act here; the body as asked for is not valid, docs/decisions/0038-seat-holdings.md)."""
    from core.tenants.filespec import body_problems

    problems = body_problems(hooks, body_facts(body, tenant.slug, day))
    if problems:
        p = problems[0]
        text = p.message + (f" ({p.clause})" if p.clause else "")
        refuse(422, message=p.message, clause=p.clause, rule="validate_body",
               errors={"json": {p.entry or "seats": [text]}})


def _last_meeting_day(body: Body) -> date | None:
    """The day of the body's last meeting begun by now and not cancelled: who sat in it is
    history a change from that day or an earlier one would rewrite."""
    from core.meetings.models import Meeting, MeetingState

    at = db.session.scalar(
        sa.select(sa.func.max(Meeting.starts_at))
        .where(Meeting.body_id == body.id, Meeting.state != MeetingState.CANCELLED,
               Meeting.starts_at < clock.now()))
    return at.date() if at is not None else None


def _not_before_held(body: Body, day: date, field: str) -> None:
    last = _last_meeting_day(body)
    if last is not None and day <= last:
        _invalid(field, f"{body.name} har holdt møde {last:%d.%m.%Y}; ændringen kan tidligst "
                        f"gælde fra dagen efter, så mødet beholder, hvem der sad.")


def _audit(action: str, seat: Seat, user: User | None, **payload) -> None:
    from core.tenants.history import _plain

    db.session.flush()
    audit.record(action, f"seat:{seat.id}", _plain({
        "body": seat.body.key, "key": seat.key, "by": user, **payload,
    }), actor_id=user.id if user is not None else None)


def get_seat(body: Body, key: str) -> Seat:
    seat = next((s for s in body.seats if s.key == key), None)
    if seat is None:
        refuse(404, message="Not found.")
    return seat


def add_seat(body: Body, data: dict, user: User, tenant, hooks) -> Seat:
    """A new seat in ``body`` from ``valid_from`` (to ``valid_to``), held by ``holder``
    (an e-mail; none: vacant) from the same day."""
    if body.ended_on is not None:
        refuse(409, message=f"{body.name} er nedlagt; det får ingen nye pladser.")
    start, end = data["valid_from"], data.get("valid_to")
    if any(s.key == data["key"] for s in body.seats):
        _invalid("key", "En plads i organet har allerede denne nøgle (også en nedlagt plads "
                        "beholder sin).")
    entry = {"key": data["key"], "title": data["title"], "organisation": data["organisation"],
             "role": data["role"], "voting": data["voting"], "holder": data.get("holder"),
             "valid_from": start, "valid_to": end}
    person = _person(tenant, entry["holder"])
    _check_seat(tenant, entry, person)
    _not_before_held(body, start, "valid_from")
    org = db.session.scalar(sa.select(Organisation).filter_by(code=data["organisation"]))
    seat = Seat(tenant_id=body.tenant_id, key=data["key"], title=data["title"], organisation=org,
                role=SeatRole(data["role"]), is_voting=data["voting"], valid_from=start,
                valid_to=end, position=max((s.position for s in body.seats), default=-1) + 1)
    body.seats.append(seat)
    if person is not None:
        seat.holdings.append(SeatHolding(tenant_id=body.tenant_id, holder=person,
                                         valid_from=start, valid_to=end))
    _check_body(body, tenant, hooks, start)
    _audit("seat.created", seat, user, title=seat.title, organisation=org, role=seat.role,
           is_voting=seat.is_voting, holder=person, valid_from=start, valid_to=end)
    return seat


def change_holder(body: Body, seat: Seat, data: dict, user: User, tenant, hooks) -> Seat:
    """``seat`` held by ``holder`` (an e-mail; none: vacant) from ``valid_from`` (to
    ``valid_to``): the holding valid that day ends the day before."""
    start, end = data["valid_from"], data.get("valid_to")
    if seat.ended_on is not None and start >= seat.ended_on:
        _invalid("valid_from", f"Pladsen er nedlagt fra {seat.ended_on:%d.%m.%Y}.")
    if seat.valid_to is not None and start > seat.valid_to:
        _invalid("valid_from", f"Pladsen gælder kun til {seat.valid_to:%d.%m.%Y}.")
    if seat.valid_from is not None and start < seat.valid_from:
        _invalid("valid_from", f"Pladsen gælder først fra {seat.valid_from:%d.%m.%Y}.")
    person = _person(tenant, data.get("holder"))
    entry = {"key": seat.key, "title": seat.title, "organisation": seat.organisation.code,
             "role": seat.role.value, "voting": seat.is_voting, "holder": data.get("holder"),
             "valid_from": start, "valid_to": end}
    _check_seat(tenant, entry, person)
    before = seat.holder_on(start)
    try:
        changed = hold(seat, person, start, end)
    except SeatRefused as exc:
        _invalid(exc.field, exc.message)
    if not changed:
        return seat  # the same change again: nothing to write
    _not_before_held(body, start, "valid_from")
    _check_body(body, tenant, hooks, start)
    _audit("seat.holder_changed", seat, user, holder={"from": before, "to": person},
           valid_from=start, valid_to=end)
    return seat


def end_seat(body: Body, seat: Seat, data: dict, user: User, tenant, hooks) -> Seat:
    """End ``seat`` from ``ended_on`` (the first day it no longer counts): its holding ends
    the day before; its past meetings keep it."""
    day = data["ended_on"]
    if seat.ended_on is not None:
        if seat.ended_on == day:
            return seat  # ended already, on that day
        _invalid("ended_on", f"Pladsen er allerede nedlagt fra {seat.ended_on:%d.%m.%Y}.")
    if seat.valid_from is not None and day <= seat.valid_from:
        _invalid("ended_on", f"Pladsen gælder fra {seat.valid_from:%d.%m.%Y}; den kan tidligst "
                             "nedlægges dagen efter.")
    later = [h for h in seat.holdings if h.valid_from is not None and h.valid_from >= day]
    if later:
        _invalid("ended_on", f"Pladsen har en indehaver fra {later[0].valid_from:%d.%m.%Y}; "
                             "den kan tidligst nedlægges dagen efter.")
    _not_before_held(body, day, "ended_on")
    holder = seat.holder_on(day - timedelta(days=1))
    current = seat.holding_on(day)
    if current is not None:
        current.valid_to = day - timedelta(days=1)
    seat.ended_on = day
    _check_body(body, tenant, hooks, day)
    _audit("seat.ended", seat, user, ended_on={"from": None, "to": day}, holder=holder)
    return seat
