"""A district board decides between meetings by written procedure with the vote's own
units: only the housing organisations in a plan's grant answer on its adjustment (KBH-5),
and a delegated mandate is answered by the organisation it was delegated to (KBH-7)."""

from datetime import datetime, timedelta, timezone

import pytest

K = "/api/v1/tenants/kobenhavn"
AMAGER = "bydelsbestyrelse-amager-vvvk"
BSK = "bolette.sejr@bsk.example"  # the district board's secretary (KBH-8)
KAB, AAB, DOMEA = "kristian.kabell@kab.example", "asger.abildgaard@aab.example", "dorit.mejer@domea.example"
AYSEL = "aysel.holm@kab.example"  # acts for KAB; no seat on the district board
SOF = "signe.vang@sof.kk.example"
SYDHAVNEN = "Helhedsplan Sydhavnen 2020-2024"  # granted to AAB and Domea
NOW = datetime(2021, 2, 1, 9, tzinfo=timezone.utc)


@pytest.fixture
def board(sync_tenant, clock):
    sync_tenant("kobenhavn")
    clock.set(NOW)


def _start(member):
    resp = member(BSK).post(f"{K}/bodies/{AMAGER}/written-procedures", json={
        "title": "Justering af Sydhavnen", "text": "Aktiviteten flyttes til 2022.", "plan": SYDHAVNEN,
        "deadline_at": (NOW + timedelta(days=5)).isoformat()})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _answer(member, who, pid, choice="agree"):
    return member(who).post(f"{K}/written-procedures/{pid}/answers", json={"choice": choice})


def test_the_delegate_answers_for_a_delegated_mandate_KBH_7_KBH_5(board, member):
    resp = member(BSK).post(f"{K}/bodies/{AMAGER}/delegations", json={
        "seat": "domea", "to_organisation": "KAB", "starts_on": "2021-01-01", "ends_on": "2021-12-31"})
    assert resp.status_code == 201 and resp.get_json()["verdict"]["clause"] == "KBH-7"
    pid = _start(member)
    # Domea's mandate lies with KAB (KBH-7): someone acting for KAB answers for Domea's seat,
    # and may read the procedure though she holds no seat on the board.
    mine = member(AYSEL).get(f"{K}/written-procedures/{pid}").get_json()["mine"]
    assert [u["key"] for u in mine] == ["seat:domea"]
    holder = _answer(member, DOMEA, pid)
    assert holder.status_code == 409 and holder.get_json()["rule"] == "vote_units"
    resp = _answer(member, AYSEL, pid)
    assert resp.status_code == 201, resp.get_json()
    assert (resp.get_json()["unit"], resp.get_json()["answered_as"]) == ("seat:domea", "delegate")
    again = _answer(member, KAB, pid)
    assert again.status_code == 409 and again.get_json()["clause"] == "CORE-ONE-VOTE"
    # KBH-5: a municipal administration takes part but does not answer on the adjustment.
    administration = _answer(member, SOF, pid)
    assert administration.status_code == 409 and administration.get_json()["clause"] == "KBH-5"
    assert _answer(member, AAB, pid).status_code == 201

    done = member(BSK).get(f"{K}/written-procedures/{pid}").get_json()
    assert done["state"] == "decided"  # AAB and Domea, the grant's organisations, agreed
    assert "alle 2 har svaret" in done["outcome"]["explanation"]
    assert "Hvem der svarer: KBH-5" in done["outcome"]["explanation"]
    [domea] = [u for u in done["outcome"]["units"] if u["key"] == "seat:domea"]
    assert domea["answered_as"] == "delegate" and domea["answered_by"] == "Aysel Demo Holm"


def test_without_a_delegation_the_seats_holder_answers_KBH_7(board, member):
    pid = _start(member)
    assert member(AYSEL).get(f"{K}/written-procedures/{pid}").status_code == 404
    resp = _answer(member, DOMEA, pid, "object")
    assert resp.status_code == 422 and "reason" in resp.get_json()["errors"]["json"]
    resp = member(DOMEA).post(f"{K}/written-procedures/{pid}/answers",
                              json={"choice": "object", "reason": "Vi ønsker at drøfte det."})
    assert resp.status_code == 201 and resp.get_json()["answered_as"] == "holder"
