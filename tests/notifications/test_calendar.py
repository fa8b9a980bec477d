"""iCalendar feeds: per body (public: time and place) and per user (across tenants)."""

from datetime import datetime, timezone

from icalendar import Calendar

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


def test_body_feed_lists_the_bodys_meetings(sync_tenant, clock, make_meeting, client):
    sync_tenant("albertslund")
    make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15), location="Rådhuset")
    make_meeting("albertslund", "bestyrelse", at(2018, 9, 6, 15))
    make_meeting("albertslund", "ressourcegruppe-ff", at(2018, 3, 20, 14))
    resp = client.get("/api/v1/tenants/albertslund/bodies/bestyrelse/calendar.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    assert resp.headers["Cache-Control"] == "public, max-age=900"
    cal = Calendar.from_ical(resp.data)
    events = cal.walk("VEVENT")
    assert len(events) == 2
    assert events[0]["location"] == "Rådhuset" and events[0].decoded("dtstart") == at(2018, 3, 1, 15)
    assert str(events[0]["uid"]).endswith("@albertslund.kommissorium")


def test_user_feed_spans_tenants(sync_tenant, clock, make_meeting, api):
    """Karin Demo Kundby (KAB) sits in Albertslund's board and in København's Samarbejdsforum."""
    sync_tenant("albertslund")
    sync_tenant("kobenhavn")
    make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))
    make_meeting("kobenhavn", "samarbejdsforum", at(2021, 3, 1, 13))
    make_meeting("albertslund", "ressourcegruppe-ff", at(2018, 3, 20, 14))  # not hers
    karin = api("karin.kundby@kab.example")
    resp = karin.get("/api/v1/me/calendar.ics")
    assert resp.status_code == 200
    uids = sorted(str(e["uid"]).split("@")[1] for e in Calendar.from_ical(resp.data).walk("VEVENT"))
    assert uids == ["albertslund.kommissorium", "kobenhavn.kommissorium"]
    assert api(None).get("/api/v1/me/calendar.ics").status_code == 401


def test_outbox_is_for_the_secretariat(sync_tenant, clock, api):
    sync_tenant("albertslund")
    assert api("sanne.skov@abc.example").get("notifications").status_code == 200
    assert api("vibeke.vestergaard@va.example").get("notifications").status_code in (403, 404)
