"""Minutes: a decision per item, dissents on request (SLA-6), closed items published
without the confidential part (ALB-B11), approved minutes immutable, corrections as new
versions with a reason."""

from datetime import datetime, timezone

import pytest

from core.meetings.operations import MinutesImmutable
from tests.fixtures.meetings import sit_and_hold

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"
IDRIS = "idris.skovgaard@slagelse-boligsocial.example"


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
def slagelse_held(sync_tenant, clock, make_meeting, api):
    sync_tenant("slagelse")
    meeting = make_meeting("slagelse", "bestyrelse", at(2019, 3, 1, 13))
    resp = api(IDRIS, "slagelse").post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Ændring af delaftale om uddannelse", "topics": ["sub_agreement"]})
    assert resp.status_code == 201
    sec = held(api, clock, IDRIS, "slagelse", meeting, at(2019, 2, 20, 9), at(2019, 3, 1, 16))
    return sec, meeting


def test_dissent_is_recorded_on_request_SLA_6(slagelse_held, api):
    sec, meeting = slagelse_held
    item = sec.get(f"meetings/{meeting}").get_json()["items"][0]
    member = api("sonja.bruun@slagelse-boligselskab.example", "slagelse")
    resp = member.post(f"meetings/{meeting}/items/{item['id']}/dissents",
                       json={"text": "SB kan ikke tilslutte sig prioriteringen."})
    assert resp.status_code == 200, resp.get_json()
    entry = resp.get_json()["versions"][0]["entries"][0]
    # By name and the organisation of the member's seat, never the e-mail address; the
    # clause is Slagelse's, from its plugin's answer to dissent_allowed (issue 14).
    assert entry["dissents"] == [{
        "by": "Sonja Demo Bruun", "organisation": "SB",
        "text": "SB kan ikke tilslutte sig prioriteringen.", "clause": "SLA-6",
    }]
    assert "slagelse-boligselskab.example" not in resp.get_data(as_text=True).split('"approved_by"')[0]
    # Asking again replaces the member's own dissent rather than adding a second.
    member.post(f"meetings/{meeting}/items/{item['id']}/dissents", json={"text": "Ændret."})
    entry = sec.get(f"meetings/{meeting}/minutes").get_json()["versions"][0]["entries"][0]
    assert [d["text"] for d in entry["dissents"]] == ["Ændret."]


def test_a_dissent_outside_slagelse_cites_the_core_rule_not_SLA_6(sync_tenant, clock, make_meeting,
                                                                   api):
    """Core speaks with its own rule names: an Albertslund member's dissent is recorded
    under CORE-DISSENT, not under a Slagelse clause (issue 14, item 4)."""
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))
    assert api(SANNE).post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Budget for 2019"}).status_code == 201
    sec = held(api, clock, SANNE, "albertslund", meeting, at(2018, 2, 20, 9), at(2018, 3, 1, 18))
    item = sec.get(f"meetings/{meeting}").get_json()["items"][-1]
    resp = api("vibeke.vestergaard@va.example").post(
        f"meetings/{meeting}/items/{item['id']}/dissents", json={"text": "VA tager forbehold."})
    assert resp.status_code == 200, resp.get_json()
    entry = next(e for e in resp.get_json()["versions"][0]["entries"] if e["item_id"] == item["id"])
    assert [(d["organisation"], d["clause"]) for d in entry["dissents"]] == [("VA", "CORE-DISSENT")]
    assert "SLA-" not in resp.get_data(as_text=True)


def test_minutes_need_a_decision_on_every_decision_item(slagelse_held):
    sec, meeting = slagelse_held
    assert sec.post(f"meetings/{meeting}/items", json={"kind": "B", "title": "Delaftale 2"}).status_code == 409
    items = sec.get(f"meetings/{meeting}").get_json()["items"]
    decision_items = [i for i in items if i["kind"] == "B"]
    assert len(decision_items) == 1
    resp = sec.post(f"meetings/{meeting}/send-minutes")
    assert resp.status_code == 422
    assert sec.get(f"meetings/{meeting}").get_json()["state"] == "held"


def test_closed_items_decision_is_published_without_the_confidential_part_ALB_B11(
        sync_tenant, clock, make_meeting, api, client):
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))
    sec = api(SANNE)
    closed = sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Afskedigelse af medarbejder", "is_confidential": True,
        "confidentiality_reason": "personnel"}).get_json()
    held(api, clock, SANNE, "albertslund", meeting, at(2018, 2, 20, 9), at(2018, 3, 1, 18))
    resp = sec.put(f"meetings/{meeting}/items/{closed['id']}/minutes", json={"decision": "Medarbejder X afskediges."})
    assert resp.status_code == 422 and "public_decision" in resp.get_json()["errors"]["json"]
    for item in sec.get(f"meetings/{meeting}").get_json()["items"]:
        if item["kind"] == "B":
            body = {"decision": "Godkendt."}
            if item["id"] == closed["id"]:
                body = {"decision": "Medarbejder X afskediges.", "public_decision": "Bestyrelsen traf beslutning i en personalesag."}
            assert sec.put(f"meetings/{meeting}/items/{item['id']}/minutes", json=body).status_code == 200
    clock.set(at(2018, 3, 5, 9))
    sec.post(f"meetings/{meeting}/send-minutes")
    clock.set(at(2018, 3, 10, 9))
    from tests.meetings.test_lifecycle import BOARD_MEMBERS

    for email in BOARD_MEMBERS:
        api(email).post(f"meetings/{meeting}/minutes/approvals")
    public = client.get(f"/api/v1/public/tenants/albertslund/meetings/{meeting}").get_json()
    assert public["minutes_version"] == 1
    closed_public = next(i for i in public["items"] if i["is_confidential"])
    assert closed_public["decision"] == "Bestyrelsen traf beslutning i en personalesag."
    assert "afskediges" not in str(public) and "Afskedigelse" not in str(public)
    # Members see the full decision.
    minutes = api("vibeke.vestergaard@va.example").get(f"meetings/{meeting}/minutes").get_json()
    assert any(e["decision"] == "Medarbejder X afskediges." for e in minutes["versions"][0]["entries"])


def _approved_slagelse(slagelse_held, clock):
    sec, meeting = slagelse_held
    items = sec.get(f"meetings/{meeting}").get_json()["items"]
    for item in items:
        sec.put(f"meetings/{meeting}/items/{item['id']}/minutes", json={"decision": f"Beslutning {item['position']}."})
    clock.set(at(2019, 3, 5, 9))
    assert sec.post(f"meetings/{meeting}/send-minutes").status_code == 200
    assert sec.post(f"meetings/{meeting}/minutes/approve", json={}).status_code == 200
    return sec, meeting, items


def test_approved_minutes_are_immutable(slagelse_held, clock):
    sec, meeting, items = _approved_slagelse(slagelse_held, clock)
    before = sec.get(f"meetings/{meeting}/minutes").get_json()
    resp = sec.put(f"meetings/{meeting}/items/{items[0]['id']}/minutes", json={"decision": "Ændret bagefter."})
    assert resp.status_code == 409
    assert sec.get(f"meetings/{meeting}/minutes").get_json() == before


def test_approved_minutes_are_immutable_below_the_operations(slagelse_held, clock, in_tenant):
    from core.extensions import db
    from core.meetings.models import MinutesEntry

    sec, meeting, items = _approved_slagelse(slagelse_held, clock)
    with in_tenant("slagelse"):
        entry = db.session.query(MinutesEntry).first()
        entry.decision = "Skjult ændring"
        with pytest.raises(MinutesImmutable):
            db.session.flush()
        db.session.rollback()


def test_a_correction_is_a_new_version_with_its_reason(slagelse_held, clock):
    sec, meeting, items = _approved_slagelse(slagelse_held, clock)
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


def test_a_draft_cannot_be_corrected_as_a_version(slagelse_held):
    sec, meeting = slagelse_held
    resp = sec.post(f"meetings/{meeting}/minutes/corrections", json={"reason": "x", "entries": []})
    assert resp.status_code == 409


def test_information_recipients_get_the_minutes_when_sent_not_the_draft_KBH_2(sync_tenant, clock, make_meeting, api):
    sync_tenant("kobenhavn")
    meeting = make_meeting("kobenhavn", "samarbejdsforum", at(2021, 3, 1, 13))
    sec = api("tobias.trier@tmf.kk.example", "kobenhavn")
    item = sec.post(f"meetings/{meeting}/items", json={"kind": "B", "title": "Fælles indsats"}).get_json()
    held(api, clock, "tobias.trier@tmf.kk.example", "kobenhavn", meeting, at(2021, 2, 20, 9), at(2021, 3, 1, 16))
    sec.put(f"meetings/{meeting}/items/{item['id']}/minutes", json={"decision": "Udkast."})
    dab = api("dan.brix@dab.example", "kobenhavn")
    assert dab.get(f"meetings/{meeting}/minutes").get_json()["versions"] == []
    assert sec.post(f"meetings/{meeting}/send-minutes").status_code == 200
    [version] = dab.get(f"meetings/{meeting}/minutes").get_json()["versions"]
    assert version["entries"][-1]["decision"] == "Udkast." and version["approved_at"]  # final: no approval (KBH)
