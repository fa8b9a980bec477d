"""Slagelse's board decides between meetings by written procedure with the vote's units:
one answer per housing organisation and one for the Kommune, six in all (SLA-4); the
competence chief, the board's secretary, has no vote and does not answer (SLA-3)."""

from datetime import datetime, timedelta, timezone

import pytest

T = "/api/v1/tenants/slagelse"
CHAIR = "frede.fogh@fob.example"  # FOB's director, in the chairmanship (SLA-2)
COMPETENCE_CHIEF = "idris.skovgaard@slagelse-boligsocial.example"  # secretary (SLA-3), no vote
MEMBERS = ("frede.fogh@fob.example", "sonja.bruun@slagelse-boligselskab.example",
           "anders.broendum@sab-slagelse.example", "birte.skaelby@skaelskoer-boligselskab.example",
           "klaus.korsholm@boligkorsoer.example", "lone.lassen@slagelse.example")
NOW = datetime(2019, 9, 2, 8, tzinfo=timezone.utc)


@pytest.fixture
def procedure(sync_tenant, clock, member):
    sync_tenant("slagelse")
    clock.set(NOW)
    resp = member(CHAIR).post(f"{T}/bodies/bestyrelse/written-procedures", json={
        "title": "Ændret mødedato", "text": "Decembermødet flyttes en uge.",
        "deadline_at": (NOW + timedelta(days=5)).isoformat()})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_six_organisations_answer_once_each_SLA_4(procedure, member):
    pid = procedure["id"]
    chief = member(COMPETENCE_CHIEF).post(f"{T}/written-procedures/{pid}/answers", json={"choice": "agree"})
    assert chief.status_code == 409 and chief.get_json()["clause"] == "SLA-4"
    for email in MEMBERS[:-1]:
        assert member(email).post(f"{T}/written-procedures/{pid}/answers",
                                  json={"choice": "agree"}).status_code == 201
    again = member(CHAIR).post(f"{T}/written-procedures/{pid}/answers", json={"choice": "abstain"})
    assert again.status_code == 409 and again.get_json()["clause"] == "SLA-4"
    assert member(CHAIR).get(f"{T}/written-procedures/{pid}").get_json()["state"] == "open"  # 5 of 6
    assert member(MEMBERS[-1]).post(f"{T}/written-procedures/{pid}/answers",
                                    json={"choice": "agree"}).status_code == 201
    done = member(COMPETENCE_CHIEF).get(f"{T}/written-procedures/{pid}").get_json()
    assert done["state"] == "decided"
    assert "alle 6 har svaret" in done["outcome"]["explanation"]
    assert "Hvem der svarer: SLA-4" in done["outcome"]["explanation"]
    assert sorted(u["key"] for u in done["outcome"]["units"] if u["eligible"]) == [
        "org:BK", "org:FOB", "org:SAB", "org:SB", "org:SBS", "org:SLA-KOM"]
