"""A decision needs a meeting that sits (CORE-SESSION): the meeting leader or the secretary
opens the meeting on its day, in the tenant's time zone, once its agenda went out; motions,
votes, objections and closing a motion happen only while it sits; recording it held ends the
session and needs that it was opened and that attendance was recorded (CORE-ATTENDANCE).
Through the API, on Albertslund's board, whose meetings BO-VEST leads (ALB-B6)."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from tests.fixtures.meetings import attend_all

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"  # secretary of the Bestyrelse
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST leads the meetings (ALB-B6)
VA = "vibeke.vestergaard@va.example"  # a member without a leading seat


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def board(sync_tenant, clock, make_meeting, api):
    """The Bestyrelse's meeting on 1 March 2018 at 16:00 Copenhagen time, with a decision item."""
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))
    item = api(SANNE, "albertslund").post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Budget 2018", "recommendation": "Budgettet godkendes."})
    assert item.status_code == 201, item.get_json()
    return meeting, item.get_json()["id"]


def _state(api, meeting):
    return api(SANNE, "albertslund").get(f"meetings/{meeting}").get_json()["state"]


def test_no_motion_on_a_future_meeting_whose_agenda_never_went_out_CORE_SESSION(board, api, clock):
    """The issue's case: 27 days before the meeting, agenda never published."""
    meeting, item = board
    clock.set(at(2018, 2, 2, 9))
    resp = api(LEADER, "albertslund").post(f"items/{item}/motion", json={"text": "Budgettet godkendes."})
    assert resp.status_code == 409, resp.get_json()
    assert resp.get_json()["clause"] == "CORE-SESSION"
    assert "ikke åbnet" in resp.get_json()["message"]
    assert api(SANNE, "albertslund").get(f"items/{item}/motion").status_code == 404  # nothing stored


def test_the_meeting_is_opened_only_once_its_agenda_went_out_CORE_SESSION(board, api, clock):
    meeting, _item = board
    clock.set(at(2018, 3, 1, 14))
    resp = api(SANNE, "albertslund").post(f"meetings/{meeting}/session")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SESSION"
    assert "Dagsordenen er ikke udsendt" in resp.get_json()["message"]
    assert _state(api, meeting) == "planned"


def test_the_meeting_is_opened_on_its_day_in_the_tenants_time_zone_CORE_SESSION(board, api, clock):
    meeting, _item = board
    clock.set(at(2018, 2, 20, 9))
    assert api(SANNE, "albertslund").post(f"meetings/{meeting}/publish-agenda").status_code == 200
    for wrong_day in (at(2018, 2, 28, 22, 59), at(2018, 3, 1, 23, 0)):  # 23:59 and 00:00 local
        clock.set(wrong_day)
        resp = api(SANNE, "albertslund").post(f"meetings/{meeting}/session")
        assert resp.status_code == 409, resp.get_json()
        assert resp.get_json()["clause"] == "CORE-SESSION"
        assert "01.03.2018" in resp.get_json()["message"]
        assert _state(api, meeting) == "agenda_published"
    clock.set(at(2018, 2, 28, 23, 0))  # 00:00 on 1 March in Copenhagen, 23:00 UTC the day before
    resp = api(SANNE, "albertslund").post(f"meetings/{meeting}/session")
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert got["state"] == "in_session"
    assert got["session_opened_at"].startswith("2018-02-28T23:00")
    assert got["session_opened_by"] == "Sanne Demo Skov"
    # Opened once: a second opening is refused by the lifecycle.
    again = api(SANNE, "albertslund").post(f"meetings/{meeting}/session")
    assert again.status_code == 409 and again.get_json()["rule"] == "meeting_lifecycle"


def test_the_meeting_leader_opens_the_meeting_a_member_does_not_ALB_B6(board, api, clock):
    meeting, _item = board
    clock.set(at(2018, 2, 20, 9))
    api(SANNE, "albertslund").post(f"meetings/{meeting}/publish-agenda")
    clock.set(at(2018, 3, 1, 15))
    refused = api(VA, "albertslund").post(f"meetings/{meeting}/session")
    assert refused.status_code == 403 and _state(api, meeting) == "agenda_published"
    resp = api(LEADER, "albertslund").post(f"meetings/{meeting}/session")
    assert resp.status_code == 200 and resp.get_json()["session_opened_by"] == "Lise Demo Lindholm"


def test_a_whole_meeting_only_in_the_order_a_meeting_allows_CORE_SESSION_CORE_ATTENDANCE(
    board, api, clock
):
    meeting, item = board
    sec, lead = api(SANNE, "albertslund"), api(LEADER, "albertslund")
    clock.set(at(2018, 2, 20, 9))
    assert sec.post(f"meetings/{meeting}/publish-agenda").status_code == 200
    clock.set(at(2018, 3, 1, 15))
    # Not held before it was opened.
    resp = sec.post(f"meetings/{meeting}/held")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SESSION"
    # No motion before it was opened either.
    resp = lead.post(f"items/{item}/motion", json={"text": "Budgettet godkendes."})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SESSION"

    assert lead.post(f"meetings/{meeting}/session").status_code == 200
    # Not held while nobody's attendance is recorded.
    resp = sec.post(f"meetings/{meeting}/held")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-ATTENDANCE"
    assert _state(api, meeting) == "in_session"
    attend_all(sec, meeting)

    motion = lead.post(f"items/{item}/motion", json={"text": "Budgettet godkendes."})
    assert motion.status_code == 201, motion.get_json()
    motion = motion.get_json()
    if motion["phase"] != "voting":
        assert lead.post(f"motions/{motion['id']}/voting").status_code == 200
    assert api(VA, "albertslund").post(f"motions/{motion['id']}/votes", json={"choice": "yes"}).status_code == 201
    # Not held while a motion is open: it could be neither voted on nor closed afterwards.
    resp = sec.post(f"meetings/{meeting}/held")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SESSION"
    assert "punkt" in resp.get_json()["message"]
    assert lead.post(f"motions/{motion['id']}/close").status_code == 200
    held = sec.post(f"meetings/{meeting}/held")
    assert held.status_code == 200 and held.get_json()["state"] == "held"

    # After the session: no new motion on another item.
    clock.set(at(2018, 3, 1, 18))
    other = sec.get(f"meetings/{meeting}").get_json()["items"]
    other = next(i for i in other if i["kind"] == "B" and i["id"] != item)
    resp = lead.post(f"items/{other['id']}/motion", json={"text": "x"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SESSION"
    assert "afsluttet" in resp.get_json()["message"]
