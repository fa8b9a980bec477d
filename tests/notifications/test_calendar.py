"""iCalendar feeds: per body (public: time and place) and per user (across tenants)."""

from datetime import datetime, timezone

from icalendar import Calendar

from tests.fixtures.testby import BENT, BOTH, SECRETARY

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


def test_body_feed_lists_the_bodys_meetings(testby, clock, make_meeting, client):
    make_meeting(testby, "bestyrelse", at(2018, 3, 1, 15), location="Rådhuset")
    make_meeting(testby, "bestyrelse", at(2018, 9, 6, 15))
    make_meeting(testby, "gruppe", at(2018, 3, 20, 14))
    resp = client.get("/api/v1/tenants/testby/bodies/bestyrelse/calendar.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    assert resp.headers["Cache-Control"] == "public, max-age=900"
    cal = Calendar.from_ical(resp.data)
    events = cal.walk("VEVENT")
    assert len(events) == 2
    assert events[0]["location"] == "Rådhuset" and events[0].decoded("dtstart") == at(2018, 3, 1, 15)
    assert str(events[0]["uid"]).endswith("@testby.kommissorium")


def test_user_feed_spans_tenants(testby, naboby, clock, make_meeting, api):
    """Dorte Dobbelt (TST-ADM) sits on Testby's board and on Naboby's."""
    make_meeting(testby, "bestyrelse", at(2018, 3, 1, 15))
    make_meeting(naboby, "bestyrelse", at(2021, 3, 1, 13))
    make_meeting(testby, "gruppe", at(2018, 3, 20, 14))  # not hers
    dorte = api(BOTH)
    resp = dorte.get("/api/v1/me/calendar.ics")
    assert resp.status_code == 200
    uids = sorted(str(e["uid"]).split("@")[1] for e in Calendar.from_ical(resp.data).walk("VEVENT"))
    assert uids == ["naboby.kommissorium", "testby.kommissorium"]
    assert api(None).get("/api/v1/me/calendar.ics").status_code == 401


def test_outbox_is_for_the_secretariat(testby, clock, api):
    assert api(SECRETARY, testby).get("notifications").status_code == 200
    assert api(BENT, testby).get("notifications").status_code in (403, 404)
