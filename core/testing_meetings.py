"""pytest fixtures for meetings and votes, for plugin authors and the project's own tests
(part of the ``core.testing`` pytest11 plugin).

A plugin's HTTP test plays a meeting as it happens: several members, each logged in on a
client of their own, each casting their own vote::

    def test_a_budget_needs_two_thirds(sync_tenant, decision_item, member):
        sync_tenant(TENANT_FILE)
        item = decision_item("ishoj", "bestyrelse", topics=("budget",))
        motion = member(SECRETARY).post(f"{API}/items/{item}/motion", json={"text": "…"}).get_json()
        for email, choice in {CHAIR: "yes", VIBO: "no"}.items():
            member(email).post(f"{API}/motions/{motion['id']}/votes", json={"choice": choice})
        outcome = member(SECRETARY).post(f"{API}/motions/{motion['id']}/close").get_json()

Fixtures:

* ``clock`` — the time the platform sees (core/clock.py): ``clock.set(datetime)``,
  ``clock.advance(days=…)``; it starts at 2018-01-02 09:00 UTC;
* ``member(email)`` — a test client logged in as ``email`` (one per person, kept for the
  test); ``member(None)`` is anonymous;
* ``create_meeting(slug, body_key, starts_at=None, state=IN_SESSION)`` — a meeting row, by
  default one that sits (opened on its day: votes happen only in session, CORE-SESSION);
  returns its id;
* ``create_item(slug, meeting_id, title=…, kind="B", topics=(), plan=None, district=None,
  confidential=False)`` — an agenda item; returns its id;
* ``attend(slug, meeting_id, seat_key, email=None, acting_as="holder", status="present")`` —
  who fills a seat (``email=None``: the seat's holder on the meeting's day);
* ``decision_item(slug, body_key, present="all", **item)`` — a sitting meeting with the
  holders of ``present`` (seat keys, or ``"all"``) attending and one decision item; returns
  the item's id;
* ``meeting_of(slug, item_id)`` — the item's meeting's id.

They write rows directly (the meetings feature's own API is tested elsewhere), so a test of
a rule starts from the situation it is about.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

#: A day inside every bundled tenant's plan period and every bundled seat's validity.
MEETING_DAY = datetime(2020, 10, 1, 14, tzinfo=UTC)


class Clock:
    """The platform's time in a test: call it for now; ``set`` or ``advance`` it."""

    def __init__(self, at: datetime):
        self.at = at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **delta) -> datetime:
        self.at = self.at + timedelta(**delta)
        return self.at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    # The platform's one clock: every module reads it as ``clock.now()`` (or ``clock.today()``),
    # so setting it here is seen everywhere (core/clock.py).
    from core import clock as platform_clock

    c = Clock(datetime(2018, 1, 2, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(platform_clock, "now", c)
    return c


@pytest.fixture
def create_meeting(in_tenant):
    from core.bodies.models import Body
    from core.extensions import db
    from core.meetings.models import Meeting, MeetingState

    def _create(slug, body_key, starts_at=None, state=MeetingState.IN_SESSION) -> int:
        with in_tenant(slug):
            body = db.session.scalar(sa.select(Body).filter_by(key=body_key))
            assert body is not None, f"no body {body_key} in {slug}"
            starts_at = starts_at or MEETING_DAY
            meeting = Meeting(body=body, starts_at=starts_at, state=state)
            if state is not MeetingState.PLANNED:
                meeting.agenda_published_at = starts_at - timedelta(days=8)
            if state is MeetingState.IN_SESSION:
                meeting.session_opened_at = starts_at
            db.session.add(meeting)
            db.session.commit()
            return meeting.id

    return _create


@pytest.fixture
def create_item(in_tenant):
    from core.extensions import db
    from core.meetings.models import AgendaItem, ItemKind, Meeting

    def _create(slug, meeting_id, title="Forslag til beslutning", kind="B", topics=(),
                plan=None, district=None, confidential=False) -> int:
        with in_tenant(slug):
            meeting = db.session.get(Meeting, meeting_id)
            item = AgendaItem(
                meeting=meeting, position=len(meeting.items) + 1, kind=ItemKind(kind),
                title=title, topics=list(topics), plan=plan, district=district,
                is_confidential=confidential,
                confidentiality_reason="Personsag (forvaltningsloven § 27)" if confidential else "",
            )
            db.session.add(item)
            db.session.commit()
            return item.id

    return _create


@pytest.fixture
def attend(in_tenant):
    from core.extensions import db
    from core.identity.models import User
    from core.meetings.models import ActingAs, Attendance, AttendanceStatus, Meeting

    def _attend(slug, meeting_id, seat_key, email=None, acting_as="holder", status="present"):
        with in_tenant(slug):
            meeting = db.session.get(Meeting, meeting_id)
            seat = next((s for s in meeting.body.seats if s.key == seat_key), None)
            assert seat is not None, f"no seat {seat_key} in {meeting.body.key}"
            person = seat.holder_on(meeting.starts_at.date()) if email is None else db.session.scalar(
                sa.select(User).filter_by(email=email))
            assert person is not None, f"no person {email}"
            row = next((a for a in meeting.attendances if a.seat_id == seat.id), None)
            if row is None:
                row = Attendance(meeting=meeting, seat=seat)
                db.session.add(row)
            row.person = person
            row.status = AttendanceStatus(status)
            row.acting_as = ActingAs(acting_as)
            db.session.commit()

    return _attend


@pytest.fixture
def decision_item(in_tenant, create_meeting, create_item, attend):
    from core.bodies.models import Body
    from core.extensions import db

    def _make(slug, body_key, present="all", **item) -> int:
        meeting_id = create_meeting(slug, body_key)
        with in_tenant(slug):
            body = db.session.scalar(sa.select(Body).filter_by(key=body_key))
            seats = [s.key for s in body.seats if s.current_holder_id is not None]
        for key in seats if present == "all" else present:
            attend(slug, meeting_id, key)
        return create_item(slug, meeting_id, **item)

    return _make


@pytest.fixture
def member(app):
    """``member(email)``: a client logged in as ``email``; ``member(None)``: anonymous.

    The session is set up as Flask-Login's ``login_user`` leaves it, without the argon2
    password round trip (``login(client, email)`` tests that path), since a test of a vote
    logs in half a dozen people."""
    from flask import g
    from flask.testing import FlaskClient

    from core.extensions import db
    from core.identity.auth import log_in_session
    from core.identity.models import User

    class PersonClient(FlaskClient):
        # The tests' app context spans every request, and Flask-Login caches the user on
        # ``g``; forgetting it before each request makes the cookie decide who is logged in.
        def open(self, *args, **kwargs):
            g.pop("_login_user", None)
            return super().open(*args, **kwargs)

    clients = {}

    def _member(email):
        if email not in clients:
            c = PersonClient(app, app.response_class, use_cookies=True)
            if email is not None:
                user = db.session.scalar(sa.select(User).filter_by(email=email))
                assert user is not None, f"no user {email}"
                with c.session_transaction() as session:
                    log_in_session(session, user)
            clients[email] = c
        return clients[email]

    return _member


@pytest.fixture
def meeting_of(in_tenant):
    """``meeting_of(slug, item_id)`` → the item's meeting id."""
    from core.extensions import db
    from core.meetings.models import AgendaItem

    def _meeting_of(slug, item_id):
        with in_tenant(slug):
            return db.session.get(AgendaItem, item_id).meeting_id

    return _meeting_of
