"""A seat's holder changes from a day, and the meetings before it keep who sat then: the
board's chair handed to another person of the chair's organisation from 1 April 2018 (the
change entered in February, before either meeting) — the meeting of 1 March shows the old
chair and the meeting of 1 May the new one, in the attendance, the votes, the minutes'
approvers and the compliance view, over the API and on the pages
(docs/decisions/0038-seat-holdings.md)."""

from __future__ import annotations

import pytest

from tests.fixtures.dates import at
from tests.fixtures.meetings import attend_all
from tests.fixtures.testby import CHAIR, SECRETARY, SUBSTITUTE

T = "/api/v1/tenants/testby"
OLD, NEW = "Formand Testby", "Sofie Suppleant"


def _hold(sec, member, clock, make_meeting, day: tuple, chair: str, not_chair: str) -> int:
    """The board meets on ``day`` (15:00 UTC) with one decision item: agenda published ten
    days before, the session opened, every seat's holder that day recorded present, the
    chair's seat votes (``not_chair``, today's or tomorrow's chair, may not cast it), the
    motion closed, the meeting held and its minutes sent two days later."""
    y, m, d = day
    meeting = make_meeting("testby", "bestyrelse", at(y, m, d, 15), location="Rådhuset",
                           title=f"Bestyrelsesmøde {d}.{m}.")
    item = sec.post(f"{T}/meetings/{meeting}/items", json={"kind": "B", "title": "Budget"}).get_json()
    clock.set(at(y, m, d, 15) - (at(2018, 1, 11) - at(2018, 1, 1)))
    assert sec.post(f"{T}/meetings/{meeting}/publish-agenda").status_code == 200
    clock.set(at(y, m, d, 15, 30))
    assert sec.post(f"{T}/meetings/{meeting}/session").status_code == 200
    attend_all(sec, meeting, prefix=f"{T}/")
    motion = sec.post(f"{T}/items/{item['id']}/motion", json={"text": "Budgettet godkendes."})
    assert motion.status_code == 201, motion.get_json()
    motion = motion.get_json()
    if motion["phase"] != "voting":
        assert sec.post(f"{T}/motions/{motion['id']}/voting").status_code == 200
    votes = f"{T}/motions/{motion['id']}/votes"
    refused = member(not_chair).post(votes, json={"choice": "yes"})
    assert refused.status_code in (403, 409, 422), refused.get_json()
    assert member(chair).post(votes, json={"choice": "yes"}).status_code == 201
    assert sec.post(f"{T}/motions/{motion['id']}/close").status_code == 200
    assert sec.post(f"{T}/meetings/{meeting}/held").status_code == 200
    assert sec.put(f"{T}/meetings/{meeting}/items/{item['id']}/minutes",
                   json={"decision": "Budgettet blev godkendt."}).status_code == 200
    clock.set(at(y, m, d + 2, 10))
    sent = sec.post(f"{T}/meetings/{meeting}/send-minutes")
    assert sent.status_code == 200, sent.get_json()
    return meeting


@pytest.fixture
def two_meetings(testby, clock, make_meeting, member):
    """The chair's seat handed to Sofie Suppleant from 1 April, entered on 15 February;
    the board meets on 1 March and on 1 May."""
    sec = member(SECRETARY)
    clock.set(at(2018, 2, 15, 9))
    changed = sec.post(f"{T}/bodies/bestyrelse/seats/formand/holdings",
                       json={"holder": SUBSTITUTE, "valid_from": "2018-04-01"})
    assert changed.status_code == 200, changed.get_json()
    march = _hold(sec, member, clock, make_meeting, (2018, 3, 1), chair=CHAIR, not_chair=SUBSTITUTE)
    may = _hold(sec, member, clock, make_meeting, (2018, 5, 1), chair=SUBSTITUTE, not_chair=CHAIR)
    clock.set(at(2018, 6, 1, 9))
    return sec, march, may


def _chair_attendance(detail: dict) -> str:
    return next(a["person"] for a in detail["attendance"] if a["seat"] == "formand")


def _chair_votes(sec, meeting: int) -> list[str]:
    detail = sec.get(f"{T}/meetings/{meeting}").get_json()
    item = next(i for i in detail["items"] if i["title"] == "Budget")
    motion = sec.get(f"{T}/items/{item['id']}/motion").get_json()
    motion = sec.get(f"{T}/motions/{motion['id']}").get_json()
    return [v["cast_by"] for v in motion["votes"]]


def test_a_meeting_before_the_change_keeps_the_old_chair_and_one_after_has_the_new(two_meetings):
    sec, march, may = two_meetings
    march_detail = sec.get(f"{T}/meetings/{march}").get_json()
    may_detail = sec.get(f"{T}/meetings/{may}").get_json()
    # attendance: the holder on the meeting's day, recorded as the seat's holder
    assert _chair_attendance(march_detail) == CHAIR
    assert _chair_attendance(may_detail) == SUBSTITUTE
    # votes: the chair's seat was cast by whoever held it that day
    assert OLD in _chair_votes(sec, march) and NEW not in _chair_votes(sec, march)
    assert NEW in _chair_votes(sec, may) and OLD not in _chair_votes(sec, may)
    # minutes: each meeting's minutes await the approval of those who sat in it
    march_minutes = sec.get(f"{T}/meetings/{march}/minutes").get_json()
    may_minutes = sec.get(f"{T}/meetings/{may}/minutes").get_json()
    assert CHAIR in march_minutes["awaiting_approval_from"]
    assert SUBSTITUTE not in march_minutes["awaiting_approval_from"]
    assert SUBSTITUTE in may_minutes["awaiting_approval_from"]
    assert CHAIR not in may_minutes["awaiting_approval_from"]
    # compliance: who chaired the board on each meeting's day
    report = sec.get(f"{T}/bodies/bestyrelse/compliance?year=2018").get_json()
    chairs = {m["meeting_id"]: m["chair"] for m in report["meetings"]}
    assert chairs == {march: OLD, may: NEW}


def test_the_pages_show_who_sat_on_each_meeting_day(two_meetings):
    sec, march, may = two_meetings
    march_page = sec.get(f"/testby/moeder/{march}").get_data(as_text=True)
    may_page = sec.get(f"/testby/moeder/{may}").get_data(as_text=True)
    assert OLD in march_page and NEW not in march_page
    assert NEW in may_page and OLD not in may_page
    compliance = sec.get("/testby/organer/bestyrelse/overholdelse?year=2018")
    assert compliance.status_code == 200
    html = compliance.get_data(as_text=True)
    assert html.index(OLD) < html.index(NEW)  # March's chair, then May's
    # the body's page: today's chair in the seats, both in the seat's history
    body = sec.get("/testby/organer/bestyrelse").get_data(as_text=True)
    history = body[body.index('id="historik"'):]
    assert OLD in history and NEW in history
    assert "31.03.2018" in history and "01.04.2018" in history


def test_each_meetings_minutes_are_approved_by_who_sat_in_it(testby, clock, make_meeting, member):
    """The old chair approves March's minutes (sent before the change takes effect); May's
    await the new chair, and the old chair, no longer on the board, may not approve them."""
    sec = member(SECRETARY)
    clock.set(at(2018, 2, 15, 9))
    assert sec.post(f"{T}/bodies/bestyrelse/seats/formand/holdings",
                    json={"holder": SUBSTITUTE, "valid_from": "2018-04-01"}).status_code == 200
    march = _hold(sec, member, clock, make_meeting, (2018, 3, 1), chair=CHAIR, not_chair=SUBSTITUTE)
    clock.set(at(2018, 3, 10, 9))
    assert member(CHAIR).post(f"{T}/meetings/{march}/minutes/approvals").status_code == 200
    may = _hold(sec, member, clock, make_meeting, (2018, 5, 1), chair=SUBSTITUTE, not_chair=CHAIR)
    clock.set(at(2018, 5, 10, 9))
    assert member(CHAIR).post(f"{T}/meetings/{may}/minutes/approvals").status_code in (403, 404)
    assert member(SUBSTITUTE).post(f"{T}/meetings/{may}/minutes/approvals").status_code == 200
    minutes = sec.get(f"{T}/meetings/{may}/minutes").get_json()
    assert minutes["awaiting_approval_from"] and CHAIR not in minutes["awaiting_approval_from"]
