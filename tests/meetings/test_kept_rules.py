"""A body's meeting rules (deadlines, approval) are kept while nothing they are computed
from changes (core/kept.py, core/meetings/operations/compliance.py): a meeting rendered
anew after a write to it does not read the body's seats and information recipients again,
and a change to the body, its seats or the tenant is in its meetings' deadlines at once."""

from datetime import date

import pytest
import sqlalchemy as sa

from core.bodies.models import Body
from core.extensions import db
from tests.fixtures.dates import at
from tests.fixtures.testby import SECRETARY

T = "testby"


@pytest.fixture
def meeting(testby, make_meeting, clock, app, monkeypatch):
    """Testby's board's meeting of 1 March 2021, read on 4 January; the meeting document
    cache is off, so every read renders (and asks for the rules)."""
    monkeypatch.setitem(app.config, "MEETING_CACHE", "off")
    clock.set(at(2021, 1, 4, 9))
    return make_meeting(T, "bestyrelse", at(2021, 3, 1, 13))


def _statements(request) -> list[str]:
    seen: list[str] = []

    def counter(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert request().status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    return seen


def _agenda_due(client, meeting_id):
    return client.get(f"meetings/{meeting_id}").get_json()["deadlines"]["agenda_due_at"]


def test_a_meeting_rendered_anew_does_not_read_the_body_s_seats_again(api, meeting):
    sec = api(SECRETARY, T)
    assert sec.get(f"meetings/{meeting}").status_code == 200  # the rules are computed
    assert sec.patch(f"meetings/{meeting}", json={"location": "Rådhuset"}).status_code == 200
    statements = _statements(lambda: sec.get(f"meetings/{meeting}"))
    assert not [s for s in statements if "FROM seats" in s or "FROM body_recipients" in s], \
        "\n\n".join(statements)
    assert sec.get(f"meetings/{meeting}").get_json()["location"] == "Rådhuset"


def test_a_change_to_the_body_is_in_its_meetings_deadlines_at_once(api, meeting, in_tenant):
    sec = api(SECRETARY, T)
    before = _agenda_due(sec, meeting)
    with in_tenant(T):
        notice = db.session.scalar(sa.select(Body.notice_days).filter_by(key="bestyrelse"))
    resp = sec.patch("bodies/bestyrelse", json={"notice_days": notice + 3})
    assert resp.status_code == 200, resp.get_json()
    after = _agenda_due(sec, meeting)
    assert before and after and after < before
    # a write made without the API (the tenant file's sync writes rows) is seen too
    with in_tenant(T):
        db.session.scalar(sa.select(Body).filter_by(key="bestyrelse")).notice_days = notice
        db.session.commit()
    assert _agenda_due(sec, meeting) == before


def test_the_rules_are_computed_anew_on_another_day(app, api, meeting, clock, in_tenant):
    """A seat ends on a day: what is kept is kept for the day it was computed on."""
    from core.kept import kept

    with in_tenant(T):
        body_id = db.session.scalar(sa.select(Body.id).filter_by(key="bestyrelse"))
    sec = api(SECRETARY, T)
    assert sec.get(f"meetings/{meeting}").status_code == 200
    with app.app_context():
        store = kept("meeting_rules", 1)
    assert store.entries[body_id][0][-1] == date(2021, 1, 4)
    clock.set(at(2021, 1, 5, 9))
    assert sec.patch(f"meetings/{meeting}", json={"location": "Et andet sted"}).status_code == 200
    assert sec.get(f"meetings/{meeting}").status_code == 200
    assert store.entries[body_id][0][-1] == date(2021, 1, 5), "the next day's rules, kept for it"
