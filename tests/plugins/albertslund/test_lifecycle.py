"""Albertslund's meetings from the annual plan (its standing items, ALB-B7, ALB-B10) to
approved minutes, through the API, by e-mail (ALB-B9) and at the next meeting (ALB-S4)."""

from datetime import datetime, timezone

import pytest
from tests.fixtures.meetings import sit_and_hold

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"  # secretary of Bestyrelsen, tenant administrator
BOARD_MEMBERS = [
    "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", "kamma.berthelsen@akb.example",
    "ole.westergaard@bo-vest.example", "karin.kundby@kab.example", "henrik.hedegaard@akb.example",
    "steffen.borg@albertslund.example", "mette.moeller@albertslund.example",
    "lise.lindholm@bo-vest.example", "jonas.juhl@albertslund.example",
]


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def albertslund(sync_tenant, clock):
    sync_tenant("albertslund")
    return clock


def plan(sec, body, *starts):
    resp = sec.post(f"bodies/{body}/plan", json={
        "year": starts[0].year, "meetings": [{"starts_at": s.isoformat(), "location": "Rådhuset"} for s in starts],
    })
    assert resp.status_code == 201, resp.get_json()
    return [m["id"] for m in resp.get_json()]


def decide_all(sec, meeting_id):
    meeting = sec.get(f"meetings/{meeting_id}").get_json()
    for item in meeting["items"]:
        if item["kind"] == "B":
            body = {"decision": f"Indstillingen til punkt {item['position']} blev godkendt."}
            if item["is_confidential"]:
                body["public_decision"] = "Bestyrelsen traf beslutning i sagen."
            resp = sec.put(f"meetings/{meeting_id}/items/{item['id']}/minutes", json=body)
            assert resp.status_code == 200, resp.get_json()


def test_annual_plan_puts_the_standing_items_on_each_meeting_ALB_B7_ALB_B10(albertslund, api):
    sec = api(SANNE, "albertslund")
    first, second = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    titles1 = [i["title"] for i in sec.get(f"meetings/{first}").get_json()["items"]]
    titles2 = [i["title"] for i in sec.get(f"meetings/{second}").get_json()["items"]]
    assert "Mål og succeskriterier 2018" in titles1 and "Mål og succeskriterier 2018" not in titles2
    assert "Budgetopfølgning (halvårlig)" in titles1 and "Budgetopfølgning (halvårlig)" in titles2
    items = sec.get(f"meetings/{first}").get_json()["items"]
    assert {i["standing_clause"] for i in items} == {"ALB-B10"}
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))


def test_email_approval_from_plan_to_approved_minutes_ALB_B9(albertslund, api, client):
    sec = api(SANNE, "albertslund")
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    resp = sec.post(f"meetings/{meeting_id}/items", json={
        "kind": "B", "title": "Ny aktivitet i Hyldespjældet", "case_text": "Sagen …",
        "recommendation": "Sekretariatet indstiller, at aktiviteten godkendes."})
    assert resp.status_code == 201, resp.get_json()

    albertslund.set(at(2018, 2, 20, 9))
    resp = sec.post(f"meetings/{meeting_id}/publish-agenda")
    assert resp.status_code == 200 and resp.get_json()["state"] == "agenda_published"
    assert resp.get_json()["breaches"] == []  # ALB-B8: 5 days before, on time
    assert resp.get_json()["deadlines"]["agenda_clause"] == "ALB-B8"

    albertslund.set(at(2018, 3, 1, 17))
    assert sit_and_hold(sec, meeting_id).get_json()["state"] == "held"
    decide_all(sec, meeting_id)
    albertslund.set(at(2018, 3, 8, 9))
    resp = sec.post(f"meetings/{meeting_id}/send-minutes")
    assert resp.status_code == 200 and resp.get_json()["state"] == "minutes_sent"

    albertslund.set(at(2018, 3, 12, 9))
    for n, email in enumerate(BOARD_MEMBERS, start=1):
        resp = api(email, "albertslund").post(f"meetings/{meeting_id}/minutes/approvals")
        assert resp.status_code == 200, resp.get_json()
        minutes = resp.get_json()
        if n < len(BOARD_MEMBERS):
            assert minutes["state"] == "minutes_sent"
            assert len(minutes["awaiting_approval_from"]) == len(BOARD_MEMBERS) - n
    assert minutes["state"] == "minutes_approved"
    assert minutes["approval"]["mode"] == "email" and minutes["approval"]["clause"] == "ALB-B9"
    assert sorted(minutes["versions"][0]["approved_by"]) == sorted(BOARD_MEMBERS)

    public = client.get(f"/api/v1/public/tenants/albertslund/meetings/{meeting_id}").get_json()
    assert public["minutes_version"] == 1
    assert any(i["decision"] for i in public["items"])


def test_the_secretary_cannot_approve_for_the_members_ALB_B9(albertslund, api):
    sec = api(SANNE, "albertslund")
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    albertslund.set(at(2018, 2, 20, 9))
    sec.post(f"meetings/{meeting_id}/publish-agenda")
    albertslund.set(at(2018, 3, 1, 17))
    sit_and_hold(sec, meeting_id)
    decide_all(sec, meeting_id)
    sec.post(f"meetings/{meeting_id}/send-minutes")
    resp = sec.post(f"meetings/{meeting_id}/minutes/approve", json={})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "ALB-B9"
    assert sec.get(f"meetings/{meeting_id}").get_json()["state"] == "minutes_sent"


def test_next_meeting_approval_ALB_S4(albertslund, api):
    sec = api("amina.ali@abc.example", "albertslund")  # secretary of Styregruppe Hyldespjældet
    body = "styregruppe-hyldespjaeldet"
    first, second = plan(sec, body, at(2018, 2, 1, 15), at(2018, 4, 5, 15))
    # ALB-S5: the standing items of a steering group.
    assert any(i["standing_clause"] == "ALB-S5" for i in sec.get(f"meetings/{first}").get_json()["items"])
    albertslund.set(at(2018, 1, 20, 9))
    sec.post(f"meetings/{first}/publish-agenda")
    albertslund.set(at(2018, 2, 1, 18))
    sit_and_hold(sec, first)
    decide_all(sec, first)
    assert sec.post(f"meetings/{first}/send-minutes").status_code == 200

    # The approval is an item on the next meeting's agenda.
    items = sec.get(f"meetings/{second}").get_json()["items"]
    approval_item = [i for i in items if i["approves_minutes_of_id"] == first]
    assert len(approval_item) == 1 and approval_item[0]["standing_clause"] == "ALB-S4"

    # Not without naming the meeting, not at a meeting not yet held.
    for body_json in ({}, {"at_meeting": second}):
        resp = sec.post(f"meetings/{first}/minutes/approve", json=body_json)
        assert resp.status_code == 409 and resp.get_json()["clause"] == "ALB-S4"
    assert sec.get(f"meetings/{first}").get_json()["state"] == "minutes_sent"
    # Members do not approve one by one here.
    resp = api("hassan.hyldgaard@va.example", "albertslund").post(f"meetings/{first}/minutes/approvals")
    assert resp.status_code == 409

    albertslund.set(at(2018, 3, 28, 9))
    assert sec.post(f"meetings/{second}/publish-agenda").status_code == 200
    albertslund.set(at(2018, 4, 5, 18))
    assert sit_and_hold(sec, second).status_code == 200
    resp = sec.post(f"meetings/{first}/minutes/approve", json={"at_meeting": second})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "minutes_approved"
    assert resp.get_json()["approval"] == {"mode": "next_meeting", "clause": "ALB-S4", "at_meeting": second}
    # Approved at the next meeting is on time, though the secretary recorded it afterwards.
    assert sec.get(f"meetings/{first}").get_json()["breaches"] == []
