"""A meeting's lifecycle on Testby's board, through the API: invalid transitions refused
with nothing changed, a meeting held only once opened (CORE-SESSION), published once,
cancelled with a reason; who may plan and see it. Albertslund's and Slagelse's ways from
the plan to approved minutes (ALB-B9, ALB-S4, SLA-9) are tested in their plugins' folders
(test_lifecycle.py)."""

from datetime import datetime, timezone

import pytest

from tests.fixtures.testby import BENT, GROUP_MEMBER, NABO_SECRETARY, SECRETARY

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def board(testby, clock):
    return clock


def plan(sec, body, *starts):
    resp = sec.post(f"bodies/{body}/plan", json={
        "year": starts[0].year, "meetings": [{"starts_at": s.isoformat(), "location": "Rådhuset"} for s in starts],
    })
    assert resp.status_code == 201, resp.get_json()
    return [m["id"] for m in resp.get_json()]


def test_plan_refuses_a_date_outside_the_year(board, api):
    resp = api(SECRETARY).post("bodies/bestyrelse/plan", json={
        "year": 2018, "meetings": [{"starts_at": "2019-01-10T15:00:00+00:00"}]})
    assert resp.status_code == 422
    assert api(SECRETARY).get("bodies/bestyrelse/meetings").get_json() == []


@pytest.mark.parametrize("action", ["held", "send-minutes"])
def test_invalid_transitions_are_refused_and_change_nothing(board, api, action):
    sec = api(SECRETARY)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    before = sec.get(f"meetings/{meeting_id}").get_json()
    resp = sec.post(f"meetings/{meeting_id}/{action}")
    assert resp.status_code == 409
    assert set(resp.get_json()) >= {"code", "status", "message"}
    assert sec.get(f"meetings/{meeting_id}").get_json() == before


def test_held_before_the_meeting_was_opened_is_refused_CORE_SESSION(board, api):
    sec = api(SECRETARY)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    board.set(at(2018, 2, 20, 9))
    sec.post(f"meetings/{meeting_id}/publish-agenda")
    resp = sec.post(f"meetings/{meeting_id}/held")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SESSION"
    assert sec.get(f"meetings/{meeting_id}").get_json()["state"] == "agenda_published"


def test_publishing_twice_is_refused(board, api):
    sec = api(SECRETARY)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    board.set(at(2018, 2, 20, 9))
    first = sec.post(f"meetings/{meeting_id}/publish-agenda").get_json()
    board.set(at(2018, 2, 27, 9))
    assert sec.post(f"meetings/{meeting_id}/publish-agenda").status_code == 409
    after = sec.get(f"meetings/{meeting_id}").get_json()
    assert after["agenda_published_at"] == first["agenda_published_at"] and after["breaches"] == []


def test_cancel_needs_a_reason_and_a_cancelled_meeting_stays_cancelled(board, api):
    sec = api(SECRETARY)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    assert sec.post(f"meetings/{meeting_id}/cancel", json={}).status_code == 422
    resp = sec.post(f"meetings/{meeting_id}/cancel", json={"reason": "Sygdom"})
    assert resp.get_json()["state"] == "cancelled"
    assert sec.post(f"meetings/{meeting_id}/publish-agenda").status_code == 409
    assert sec.post(f"meetings/{meeting_id}/items", json={"kind": "O", "title": "x"}).status_code == 409


def test_a_member_cannot_plan_and_an_outsider_does_not_see_the_meeting(board, api, naboby):
    sec = api(SECRETARY)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    member = api(BENT)
    resp = member.post("bodies/bestyrelse/plan", json={"year": 2018, "meetings": [{"starts_at": "2018-05-01T10:00:00+00:00"}]})
    assert resp.status_code == 403
    assert member.post(f"meetings/{meeting_id}/publish-agenda").status_code == 403
    outsider = api(GROUP_MEMBER)  # sits in the follow group, not on the board
    assert outsider.get(f"meetings/{meeting_id}").status_code == 404
    assert api(None).get(f"meetings/{meeting_id}").status_code == 401


def test_another_tenants_meeting_is_404(board, api, naboby):
    sec = api(SECRETARY)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    other = api(NABO_SECRETARY, "naboby")
    assert other.get(f"meetings/{meeting_id}").status_code == 404
