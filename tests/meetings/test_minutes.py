"""Minutes on Testby's board: a dissent under the core's rule (CORE-DISSENT), a decision per
decision item, approved minutes immutable, corrections as new versions with a reason.
Slagelse's dissents (SLA-6), Albertslund's closed items (ALB-B11) and Copenhagen's
information recipients (KBH-2) are tested in their plugins' folders (test_minutes.py)."""

from datetime import datetime, timezone

import pytest

from core.meetings.operations import MinutesImmutable
from tests.fixtures.meetings import sit_and_hold
from tests.fixtures.testby import BENT, SECRETARY, tacit_testby_file

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


def held(api, clock, email, tenant, meeting_id, publish_at, held_at):
    sec = api(email, tenant)
    clock.set(publish_at)
    assert sec.post(f"meetings/{meeting_id}/publish-agenda").status_code == 200
    clock.set(held_at)
    assert sit_and_hold(sec, meeting_id).status_code == 200
    return sec


@pytest.fixture
def board_held(sync_tenant, clock, make_meeting, api, tmp_path):
    """Testby with its board approving its own minutes (approval_mode "board"); its meeting
    of 1 March 2019, with one decision item, held."""
    sync_tenant(tacit_testby_file(tmp_path, days="", mode='approval_mode = "board"'))
    meeting = make_meeting("testby", "bestyrelse", at(2019, 3, 1, 13))
    resp = api(SECRETARY).post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Ændring af delaftale om uddannelse"})
    assert resp.status_code == 201
    sec = held(api, clock, SECRETARY, "testby", meeting, at(2019, 2, 20, 9), at(2019, 3, 1, 16))
    return sec, meeting


def test_a_dissent_cites_the_core_rule_CORE_DISSENT(testby, clock, make_meeting, api):
    """Core speaks with its own rule names: a member's dissent on Testby's board, whose
    plugin has no say in dissents, is recorded under CORE-DISSENT (issue 14, item 4)."""
    meeting = make_meeting("testby", "bestyrelse", at(2018, 3, 1, 15))
    assert api(SECRETARY).post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Budget for 2019"}).status_code == 201
    sec = held(api, clock, SECRETARY, "testby", meeting, at(2018, 2, 20, 9), at(2018, 3, 1, 18))
    item = sec.get(f"meetings/{meeting}").get_json()["items"][-1]
    resp = api(BENT).post(
        f"meetings/{meeting}/items/{item['id']}/dissents", json={"text": "B tager forbehold."})
    assert resp.status_code == 200, resp.get_json()
    entry = next(e for e in resp.get_json()["versions"][0]["entries"] if e["item_id"] == item["id"])
    assert [(d["organisation"], d["clause"]) for d in entry["dissents"]] == [("TST-B", "CORE-DISSENT")]
    assert "SLA-" not in resp.get_data(as_text=True)


def test_minutes_need_a_decision_on_every_decision_item(board_held):
    sec, meeting = board_held
    assert sec.post(f"meetings/{meeting}/items", json={"kind": "B", "title": "Delaftale 2"}).status_code == 409
    items = sec.get(f"meetings/{meeting}").get_json()["items"]
    decision_items = [i for i in items if i["kind"] == "B"]
    assert len(decision_items) == 1
    resp = sec.post(f"meetings/{meeting}/send-minutes")
    assert resp.status_code == 422
    assert sec.get(f"meetings/{meeting}").get_json()["state"] == "held"


def _approved(board_held, clock):
    sec, meeting = board_held
    items = sec.get(f"meetings/{meeting}").get_json()["items"]
    for item in items:
        sec.put(f"meetings/{meeting}/items/{item['id']}/minutes", json={"decision": f"Beslutning {item['position']}."})
    clock.set(at(2019, 3, 5, 9))
    assert sec.post(f"meetings/{meeting}/send-minutes").status_code == 200
    assert sec.post(f"meetings/{meeting}/minutes/approve", json={}).status_code == 200
    return sec, meeting, items


def test_approved_minutes_are_immutable(board_held, clock):
    sec, meeting, items = _approved(board_held, clock)
    before = sec.get(f"meetings/{meeting}/minutes").get_json()
    resp = sec.put(f"meetings/{meeting}/items/{items[0]['id']}/minutes", json={"decision": "Ændret bagefter."})
    assert resp.status_code == 409
    assert sec.get(f"meetings/{meeting}/minutes").get_json() == before


def test_approved_minutes_are_immutable_below_the_operations(board_held, clock, in_tenant):
    from core.extensions import db
    from core.meetings.models import MinutesEntry

    sec, meeting, items = _approved(board_held, clock)
    with in_tenant("testby"):
        entry = db.session.query(MinutesEntry).first()
        entry.decision = "Skjult ændring"
        with pytest.raises(MinutesImmutable):
            db.session.flush()
        db.session.rollback()


def test_a_correction_is_a_new_version_with_its_reason(board_held, clock):
    sec, meeting, items = _approved(board_held, clock)
    resp = sec.post(f"meetings/{meeting}/minutes/corrections", json={"reason": "", "entries": []})
    assert resp.status_code == 422
    resp = sec.post(f"meetings/{meeting}/minutes/corrections", json={
        "reason": "Stavefejl i beslutningen", "entries": [{"item_id": items[0]["id"], "decision": "Rettet beslutning."}]})
    assert resp.status_code == 201, resp.get_json()
    versions = resp.get_json()["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["entries"][0]["decision"] == "Beslutning 1."  # the original is kept
    assert versions[1]["entries"][0]["decision"] == "Rettet beslutning."
    assert versions[1]["correction_reason"] == "Stavefejl i beslutningen"


def test_a_draft_cannot_be_corrected_as_a_version(board_held):
    sec, meeting = board_held
    resp = sec.post(f"meetings/{meeting}/minutes/corrections", json={"reason": "x", "entries": []})
    assert resp.status_code == 409
