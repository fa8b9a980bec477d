"""Slagelse's meetings through the API: minutes approved by the board (SLA-9), standing
items (SLA-10) and next year's dates at the year's last meeting (SLA-7)."""

from datetime import datetime, timezone

from tests.fixtures.meetings import sit_and_hold

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


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
