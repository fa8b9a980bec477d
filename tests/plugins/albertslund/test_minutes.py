"""Albertslund's minutes: a closed item's decision is published without its confidential
part (ALB-B11)."""

from datetime import datetime, timezone

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


def test_closed_items_decision_is_published_without_the_confidential_part_ALB_B11(
        sync_tenant, clock, make_meeting, api, client):
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))
    sec = api(SANNE, "albertslund")
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
    from tests.plugins.albertslund.test_lifecycle import BOARD_MEMBERS

    for email in BOARD_MEMBERS:
        api(email, "albertslund").post(f"meetings/{meeting}/minutes/approvals")
    public = client.get(f"/api/v1/public/tenants/albertslund/meetings/{meeting}").get_json()
    assert public["minutes_version"] == 1
    closed_public = next(i for i in public["items"] if i["is_confidential"])
    assert closed_public["decision"] == "Bestyrelsen traf beslutning i en personalesag."
    assert "afskediges" not in str(public) and "Afskedigelse" not in str(public)
    # Members see the full decision.
    minutes = api("vibeke.vestergaard@va.example", "albertslund").get(f"meetings/{meeting}/minutes").get_json()
    assert any(e["decision"] == "Medarbejder X afskediges." for e in minutes["versions"][0]["entries"])
