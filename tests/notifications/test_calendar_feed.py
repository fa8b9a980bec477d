"""The secret calendar address: a calendar program (Outlook, Google Calendar, Apple Calendar)
subscribes to the person's own meetings without a login
(docs/decisions/0011-calendar-subscription-feed.md)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from core import clock as platform_clock
from core.bodies.models import Body, Seat
from core.extensions import db
from core.identity import operations as identity
from core.identity.models import CalendarFeed, User
from core.identity.security import install_log_filter
from core.meetings.models import AgendaItem
from core.models import utcnow
from core.observability.logs import json_formatter
from tests.fixtures.testby import BOTH

UTC = timezone.utc
#: A seat on Testby's board and one on Naboby's.
DORTE = BOTH
FEED = "/api/v1/me/calendar-feed"


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def dortes_meetings(testby, naboby, clock, make_meeting):
    return {
        "board": make_meeting(testby, "bestyrelse", at(2018, 3, 1, 15), location="Rådhuset"),
        "naboby": make_meeting(naboby, "bestyrelse", at(2021, 3, 1, 13)),
        "not hers": make_meeting(testby, "gruppe", at(2018, 3, 20, 14)),
    }


def _path(url: str) -> str:
    """The path of a feed address (the address starts with ``PUBLIC_URL``)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _subscribe(api) -> tuple[str, dict]:
    resp = api(DORTE).post(FEED)
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    return _path(data["url"]), data


def _uids(resp) -> list[str]:
    return sorted(str(e["uid"]) for e in Calendar.from_ical(resp.data).walk("VEVENT"))


def _dorte() -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).filter_by(email=DORTE))


def _feed_rows() -> list[CalendarFeed]:
    db.session.expire_all()
    return db.session.scalars(sa.select(CalendarFeed)).all()


def test_a_calendar_program_subscribes_without_a_login_or_a_cookie(app, dortes_meetings, api):
    path, data = _subscribe(api)
    assert data["url"] == app.config["PUBLIC_URL"].rstrip("/") + path
    assert data["webcal_url"] == "webcal://" + data["url"].split("://", 1)[1]
    assert path.startswith("/api/v1/calendar/kmc_") and path.endswith(".ics")
    (row,) = _feed_rows()
    secret = path[len("/api/v1/calendar/"):-len(".ics")]
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()  # only the hash is kept

    program = app.test_client(use_cookies=False)  # no session, no CSRF token
    resp = program.get(path)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    assert resp.headers["Cache-Control"] == "private, max-age=900"
    assert "Set-Cookie" not in resp.headers
    assert _uids(resp) == _uids(api(DORTE).get("/api/v1/me/calendar.ics"))  # the same content
    tenants = [u.split("@")[1] for u in _uids(resp)]
    assert sorted(tenants) == ["naboby.kommissorium", "testby.kommissorium"]
    cal = Calendar.from_ical(resp.data)
    assert str(cal["x-wr-calname"]) == "Møder for Dorte Dobbelt"
    assert cal["refresh-interval"].dt == timedelta(hours=1)


def test_the_feed_holds_time_and_place_only_never_the_agenda(app, dortes_meetings, api, in_tenant):
    path, _ = _subscribe(api)
    with in_tenant("testby"):
        titles = db.session.scalars(sa.select(AgendaItem.title).filter_by(
            meeting_id=dortes_meetings["board"])).all()
    assert titles, "the meeting has standing items to leave out"
    text = app.test_client().get(path).get_data(as_text=True)
    assert "Rådhuset" in text and "DESCRIPTION" not in text
    assert not [t for t in titles if t in text]


def test_no_meetings_of_bodies_where_the_user_has_no_seat(app, dortes_meetings, api):
    path, _ = _subscribe(api)
    uids = _uids(app.test_client().get(path))
    assert f"meeting-{dortes_meetings['not hers']}@testby.kommissorium" not in uids
    assert f"meeting-{dortes_meetings['board']}@testby.kommissorium" in uids


def test_a_seat_that_has_ended_takes_its_bodys_meetings_out(app, dortes_meetings, api, in_tenant):
    path, _ = _subscribe(api)
    with in_tenant("testby"):
        board = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        seat = db.session.scalar(sa.select(Seat).where(
            Seat.body_id == board.id, Seat.held_by_sql(_dorte().id, platform_clock.today())))
        seat.valid_to = platform_clock.today() - timedelta(days=1)
        db.session.commit()
    for resp in (app.test_client().get(path), api(DORTE).get("/api/v1/me/calendar.ics")):
        assert [u.split("@")[1] for u in _uids(resp)] == ["naboby.kommissorium"]
    with in_tenant("testby"):
        db.session.scalar(sa.select(Seat).where(
            Seat.body_id == board.id, Seat.held_by_sql(_dorte().id, platform_clock.today()))
        ).valid_to = platform_clock.today()  # its last day: still held
        db.session.commit()
    assert len(_uids(app.test_client().get(path))) == 2


def test_a_new_address_kills_the_old_one(app, dortes_meetings, api):
    old, _ = _subscribe(api)
    new, _ = _subscribe(api)
    assert old != new
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    assert len(_feed_rows()) == 1  # at most one address per person


def test_switched_off_the_address_answers_404(app, dortes_meetings, api):
    path, _ = _subscribe(api)
    assert api(DORTE).get(FEED).status_code == 200
    assert api(DORTE).delete(FEED).status_code == 204
    resp = app.test_client().get(path)
    assert resp.status_code == 404 and resp.get_json()["code"] == 404
    assert api(DORTE).delete(FEED).status_code == 404
    assert api(DORTE).get(FEED).status_code == 404
    assert _feed_rows() == []


def test_an_unknown_address_answers_404(app, dortes_meetings):
    for secret in ("kmc_" + "x" * 43, "nothing", "kmt_" + "y" * 43):
        assert app.test_client().get(f"/api/v1/calendar/{secret}.ics").status_code == 404


def test_a_disabled_users_address_answers_404(app, dortes_meetings, api):
    path, _ = _subscribe(api)
    _dorte().is_enabled = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_erasure_removes_the_address_and_export_tells_of_it_without_the_secret(
        app, dortes_meetings, api):
    path, data = _subscribe(api)
    secret = path[len("/api/v1/calendar/"):-len(".ics")]
    app.test_client().get(path)
    export = api(DORTE).get("/api/v1/me/personal-data")
    feed = export.get_json()["calendar_feed"]
    assert feed["created_at"] == data["created_at"] and feed["last_used_at"] is not None
    assert secret not in export.get_data(as_text=True)
    assert secret[4:] not in json.dumps(export.get_json())
    dorte = _dorte()
    identity.erase_user(dorte)
    db.session.commit()
    assert _feed_rows() == []
    assert app.test_client().get(path).status_code == 404
    assert identity.export_personal_data(dorte)["calendar_feed"] is None


def test_the_address_is_made_by_the_person_not_by_an_api_token(app, dortes_meetings, api):
    _, token = identity.create_token(_dorte(), "skript", "write")
    db.session.commit()
    resp = app.test_client().post(FEED, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 403 and _feed_rows() == []
    anonymous = app.test_client()
    assert anonymous.post(FEED).status_code == 401
    assert anonymous.get(FEED).status_code == 401
    assert anonymous.delete(FEED).status_code == 401


def test_last_use_is_written_at_most_once_an_hour(app, dortes_meetings, api):
    path, _ = _subscribe(api)
    assert api(DORTE).get(FEED).get_json()["last_used_at"] is None
    app.test_client().get(path)
    (row,) = _feed_rows()
    first = row.last_used_at
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    row.last_used_at = first - timedelta(minutes=59)  # within the hour: no write
    db.session.commit()
    app.test_client().get(path)
    (row,) = _feed_rows()
    assert row.last_used_at == first - timedelta(minutes=59)
    row.last_used_at = first - timedelta(hours=2)  # an hour has passed: written
    db.session.commit()
    app.test_client().get(path)
    (row,) = _feed_rows()
    assert utcnow() - row.last_used_at < timedelta(minutes=1)


def test_two_requests_making_an_address_at_once_leave_one(app, dortes_meetings, monkeypatch):
    """The second insert meets the unique constraint on the person and replaces the first
    address instead of failing."""
    first, _ = identity.create_calendar_feed(_dorte())
    db.session.commit()
    real = identity.calendar_feed
    calls = iter([None])  # the second request looked before the first had committed
    monkeypatch.setattr(identity, "calendar_feed", lambda user: next(calls, None) or real(user))
    row, secret = identity.create_calendar_feed(_dorte())
    db.session.commit()
    (only,) = _feed_rows()
    assert only.secret_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_the_secret_is_not_in_the_request_log(app, dortes_meetings, api):
    path, _ = _subscribe(api)
    secret = path[len("/api/v1/calendar/"):-len(".ics")]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    root = logging.getLogger()
    root.addHandler(handler)
    loggers = [logging.getLogger(name) for name in ("kommissorium.request", "werkzeug")]
    old_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
    install_log_filter()
    try:
        assert app.test_client().get(path).status_code == 200
        assert app.test_client().get("/api/v1/calendar/mistyped-secret-9.ics").status_code == 404
        logging.getLogger("werkzeug").info('127.0.0.1 - - "GET %s HTTP/1.1" 200 -', path)
    finally:
        root.removeHandler(handler)
        for logger, level in zip(loggers, old_levels):
            logger.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "kommissorium.request"]
    assert [r["status"] for r in requests] == [200, 404]
    assert requests[0]["path"] == "/api/v1/calendar/km?_[redacted].ics"
    assert requests[1]["path"] == "/api/v1/calendar/[redacted].ics"
    text = stream.getvalue()
    assert secret[4:] not in text and "mistyped-secret-9" not in text
    assert any(line["logger"] == "werkzeug" for line in lines)
