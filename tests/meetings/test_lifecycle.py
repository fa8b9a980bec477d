"""A meeting from the annual plan to approved minutes, through the API, for each approval
mode (ALB-B9, ALB-S4, SLA-9), with invalid transitions refused and nothing changed."""

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
    sec = api(SANNE)
    first, second = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    titles1 = [i["title"] for i in sec.get(f"meetings/{first}").get_json()["items"]]
    titles2 = [i["title"] for i in sec.get(f"meetings/{second}").get_json()["items"]]
    assert "Mål og succeskriterier 2018" in titles1 and "Mål og succeskriterier 2018" not in titles2
    assert "Budgetopfølgning (halvårlig)" in titles1 and "Budgetopfølgning (halvårlig)" in titles2
    items = sec.get(f"meetings/{first}").get_json()["items"]
    assert {i["standing_clause"] for i in items} == {"ALB-B10"}
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))


def test_plan_refuses_a_date_outside_the_year(albertslund, api):
    resp = api(SANNE).post("bodies/bestyrelse/plan", json={
        "year": 2018, "meetings": [{"starts_at": "2019-01-10T15:00:00+00:00"}]})
    assert resp.status_code == 422
    assert api(SANNE).get("bodies/bestyrelse/meetings").get_json() == []


def test_email_approval_from_plan_to_approved_minutes_ALB_B9(albertslund, api, client):
    sec = api(SANNE)
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
        resp = api(email).post(f"meetings/{meeting_id}/minutes/approvals")
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
    sec = api(SANNE)
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
    sec = api("amina.ali@abc.example")  # secretary of Styregruppe Hyldespjældet
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
    resp = api("hassan.hyldgaard@va.example").post(f"meetings/{first}/minutes/approvals")
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


def test_board_approval_SLA_9(sync_tenant, clock, api):
    sync_tenant("slagelse")
    sec = api("idris.skovgaard@slagelse-boligsocial.example", "slagelse")
    first, *_ = plan(sec, "bestyrelse", at(2019, 3, 1, 13), at(2019, 6, 1, 13), at(2019, 9, 1, 13), at(2019, 12, 1, 13))
    clock.set(at(2019, 2, 20, 9))
    sec.post(f"meetings/{first}/publish-agenda")
    clock.set(at(2019, 3, 1, 16))
    sit_and_hold(sec, first)
    decide_all(sec, first)
    sec.post(f"meetings/{first}/send-minutes")
    member = api("frede.fogh@fob.example", "slagelse")
    resp = member.post(f"meetings/{first}/minutes/approvals")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "SLA-9"
    resp = sec.post(f"meetings/{first}/minutes/approve", json={})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "minutes_approved"
    assert resp.get_json()["approval"]["mode"] == "board"
    assert resp.get_json()["approval"]["clause"] == "SLA-9"


def test_standing_items_SLA_10_and_next_years_dates_at_the_last_meeting_SLA_7(sync_tenant, clock, api):
    sync_tenant("slagelse")
    sec = api("idris.skovgaard@slagelse-boligsocial.example", "slagelse")
    ids = plan(sec, "bestyrelse", at(2019, 3, 1, 13), at(2019, 6, 1, 13), at(2019, 9, 1, 13), at(2019, 12, 1, 13))
    titles = [[i["title"] for i in sec.get(f"meetings/{m}").get_json()["items"]] for m in ids]
    assert all("Økonomi" in t for t in titles)
    assert any("LBF-portalens indikatorer" in x for x in titles[0])
    assert not any("LBF-portalens" in x for x in titles[1])
    assert "Mødedatoer for 2020" in titles[3] and "Mødedatoer for 2020" not in titles[2]


@pytest.mark.parametrize("action", ["held", "send-minutes"])
def test_invalid_transitions_are_refused_and_change_nothing(albertslund, api, action):
    sec = api(SANNE)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    before = sec.get(f"meetings/{meeting_id}").get_json()
    resp = sec.post(f"meetings/{meeting_id}/{action}")
    assert resp.status_code == 409
    assert set(resp.get_json()) >= {"code", "status", "message"}
    assert sec.get(f"meetings/{meeting_id}").get_json() == before


def test_held_before_the_meeting_was_opened_is_refused_CORE_SESSION(albertslund, api):
    sec = api(SANNE)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    albertslund.set(at(2018, 2, 20, 9))
    sec.post(f"meetings/{meeting_id}/publish-agenda")
    resp = sec.post(f"meetings/{meeting_id}/held")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SESSION"
    assert sec.get(f"meetings/{meeting_id}").get_json()["state"] == "agenda_published"


def test_publishing_twice_is_refused(albertslund, api):
    sec = api(SANNE)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    albertslund.set(at(2018, 2, 20, 9))
    first = sec.post(f"meetings/{meeting_id}/publish-agenda").get_json()
    albertslund.set(at(2018, 2, 27, 9))
    assert sec.post(f"meetings/{meeting_id}/publish-agenda").status_code == 409
    after = sec.get(f"meetings/{meeting_id}").get_json()
    assert after["agenda_published_at"] == first["agenda_published_at"] and after["breaches"] == []


def test_cancel_needs_a_reason_and_a_cancelled_meeting_stays_cancelled(albertslund, api):
    sec = api(SANNE)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    assert sec.post(f"meetings/{meeting_id}/cancel", json={}).status_code == 422
    resp = sec.post(f"meetings/{meeting_id}/cancel", json={"reason": "Sygdom"})
    assert resp.get_json()["state"] == "cancelled"
    assert sec.post(f"meetings/{meeting_id}/publish-agenda").status_code == 409
    assert sec.post(f"meetings/{meeting_id}/items", json={"kind": "O", "title": "x"}).status_code == 409


def test_a_member_cannot_plan_and_an_outsider_does_not_see_the_meeting(albertslund, api, sync_tenant):
    sec = api(SANNE)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    member = api("vibeke.vestergaard@va.example")
    resp = member.post("bodies/bestyrelse/plan", json={"year": 2018, "meetings": [{"starts_at": "2018-05-01T10:00:00+00:00"}]})
    assert resp.status_code == 403
    assert member.post(f"meetings/{meeting_id}/publish-agenda").status_code == 403
    outsider = api("dennis.dahl@va.example")  # sits in other Albertslund bodies, not the board
    assert outsider.get(f"meetings/{meeting_id}").status_code == 404
    assert api(None).get(f"meetings/{meeting_id}").status_code == 401


def test_another_tenants_meeting_is_404(albertslund, api, sync_tenant):
    sync_tenant("slagelse")
    sec = api(SANNE)
    meeting_id, _ = plan(sec, "bestyrelse", at(2018, 3, 1, 15), at(2018, 9, 6, 15))
    other = api("idris.skovgaard@slagelse-boligsocial.example", "slagelse")
    assert other.get(f"meetings/{meeting_id}").status_code == 404
