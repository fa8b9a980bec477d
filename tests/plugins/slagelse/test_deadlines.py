"""Slagelse's compliance view (too few meetings, SLA-7; an agenda overdue, SLA-8) and who
may call an extraordinary meeting (SLA-7)."""

from datetime import datetime, timezone

import pytest
from tests.fixtures.meetings import sit_and_hold

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"
IDRIS = "idris.skovgaard@slagelse-boligsocial.example"


def at(*args):
    return datetime(*args, tzinfo=UTC)


def _run(api, clock, meeting, *, publish, held, send, approve=None, sec=IDRIS, tenant="slagelse"):
    client = api(sec, tenant)
    clock.set(publish)
    assert client.post(f"meetings/{meeting}/publish-agenda").status_code == 200
    clock.set(held)
    assert sit_and_hold(client, meeting).status_code == 200
    if send is None:
        return
    for item in client.get(f"meetings/{meeting}").get_json()["items"]:
        if item["kind"] == "B":
            client.put(f"meetings/{meeting}/items/{item['id']}/minutes", json={"decision": "Vedtaget."})
    clock.set(send)
    assert client.post(f"meetings/{meeting}/send-minutes").status_code == 200
    if approve is not None:
        clock.set(approve)
        assert client.post(f"meetings/{meeting}/minutes/approve", json={}).status_code == 200


def test_compliance_counts_too_few_meetings_and_open_overdue_SLA_7_SLA_8(sync_tenant, clock, make_meeting, api):
    sync_tenant("slagelse")
    m1 = make_meeting("slagelse", "bestyrelse", at(2019, 3, 1, 13))
    m2 = make_meeting("slagelse", "bestyrelse", at(2019, 6, 1, 13))
    _run(api, clock, m1, publish=at(2019, 2, 20, 9), held=at(2019, 3, 1, 16), send=at(2019, 3, 20, 9), approve=at(2019, 5, 1, 9))
    clock.set(at(2019, 5, 30, 9))  # m2's agenda is 3 days overdue
    c = api(IDRIS, "slagelse").get("bodies/bestyrelse/compliance?year=2019").get_json()
    assert c["meetings_required"] == 4 and c["meetings_required_clause"] == "SLA-7"
    assert c["meetings_held"] == 1 and c["requirement_met"] is False
    assert c["agendas_on_time"] == 1 and c["agenda_clause"] == "SLA-8"
    assert c["minutes_clause"] is None and c["minutes_on_time"] == 1  # no minutes deadline in SLA
    assert c["minutes_approved"] == 1 and c["minutes_approved_on_time"] == 1
    assert [(o["meeting_id"], o["kind"], o["clause"]) for o in c["overdue"]] == [(m2, "agenda_overdue", "SLA-8")]


@pytest.mark.parametrize("who, body, status", [
    ("frede.fogh@fob.example", {}, 201),  # the chair
    ("idris.skovgaard@slagelse-boligsocial.example", {}, 201),  # the competence chief
    ("sonja.bruun@slagelse-boligselskab.example", {}, 409),  # one member alone
    ("sonja.bruun@slagelse-boligselskab.example", {"on_behalf_of": "members_majority", "supporters": [
        "anders.broendum@sab-slagelse.example", "birte.skaelby@skaelskoer-boligselskab.example"]}, 409),
    ("sonja.bruun@slagelse-boligselskab.example", {"on_behalf_of": "members_majority", "supporters": [
        "anders.broendum@sab-slagelse.example", "birte.skaelby@skaelskoer-boligselskab.example",
        "klaus.korsholm@boligkorsoer.example"]}, 201),
])
def test_extraordinary_callers_SLA_7(sync_tenant, clock, api, who, body, status):
    sync_tenant("slagelse")
    clock.set(at(2019, 1, 5, 9))
    resp = api(who, "slagelse").post("bodies/bestyrelse/meetings", json={
        "starts_at": "2019-05-01T13:00:00+00:00", "kind": "extraordinary", **body})
    assert resp.status_code == status, resp.get_json()
    if status == 409:  # every refusal cites Slagelse's clause, too few supporters included
        assert resp.get_json()["clause"] == "SLA-7", resp.get_json()
        assert resp.get_json()["rule"] == "extraordinary_meeting_allowed"
    if body.get("on_behalf_of") == "members_majority" and status == 409:
        assert "3 af 6" in resp.get_json()["message"]
