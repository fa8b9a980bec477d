"""Albertslund's Bestyrelse decides between meetings by written procedure: the same units
as a vote, one answer per organisation (ALB-B2) — VA, AB, AKB and Albertslund Kommune,
however many members each has; BO-VEST and KAB sit without a vote and do not answer."""

from datetime import datetime, timedelta, timezone

import pytest

T = "/api/v1/tenants/albertslund"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST's meeting leader (ALB-B6), no vote
SECRETARY = "sanne.skov@abc.example"
VA, AB, AKB, AKB2 = ("vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example",
                     "kamma.berthelsen@akb.example", "henrik.hedegaard@akb.example")
MAYOR, DIRECTOR = "steffen.borg@albertslund.example", "mette.moeller@albertslund.example"
BO_VEST = "ole.westergaard@bo-vest.example"  # sits on the board without a vote (ALB-B2)
NOW = datetime(2019, 5, 6, 8, tzinfo=timezone.utc)


@pytest.fixture
def procedure(sync_tenant, clock, member):
    sync_tenant("albertslund")
    clock.set(NOW)
    resp = member(LEADER).post(f"{T}/bodies/bestyrelse/written-procedures", json={
        "title": "Ekstra midler til lektiecafé", "text": "Bestyrelsen bevilger 20.000 kr. til lektiecaféen.",
        "deadline_at": (NOW + timedelta(days=7)).isoformat()})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def answer(member, who, pid, choice="agree", **more):
    return member(who).post(f"{T}/written-procedures/{pid}/answers", json={"choice": choice, **more})


def test_one_answer_per_organisation_ALB_B2(procedure, member):
    pid = procedure["id"]
    assert answer(member, AKB, pid).status_code == 201
    second = answer(member, AKB2, pid, "object", reason="AKB vil vente.")
    assert second.status_code == 409
    assert (second.get_json()["clause"], second.get_json()["rule"]) == ("ALB-B2", "vote_units")
    assert "AKB har allerede svaret" in second.get_json()["message"]
    # BO-VEST sits on the board without a vote (ALB-B2).
    no_vote = answer(member, BO_VEST, pid)
    assert no_vote.status_code == 409 and no_vote.get_json()["clause"] == "ALB-B2"
    assert answer(member, MAYOR, pid).status_code == 201
    municipality = answer(member, DIRECTOR, pid)  # the mayor answered for Albertslund Kommune
    assert municipality.status_code == 409 and municipality.get_json()["clause"] == "ALB-B2"
    assert "Albertslund Kommune har allerede svaret" in municipality.get_json()["message"]
    for who in (VA, AB):
        assert answer(member, who, pid).status_code == 201

    done = member(SECRETARY).get(f"{T}/written-procedures/{pid}").get_json()
    assert done["state"] == "decided"
    assert sorted(a["unit"] for a in done["answers"]) == ["org:AB", "org:AKB", "org:ALB-KOM", "org:VA"]
    explanation = done["outcome"]["explanation"]
    assert "Besluttet: alle 4 har svaret, og ingen gjorde indsigelse" in explanation
    assert "Albertslund Kommune: enig" in explanation and "Hvem der svarer: ALB-B2" in explanation
    assert "BO-VEST" not in explanation


def test_a_member_without_the_chair_cannot_start_one_CORE_WRITTEN_START(procedure, member):
    resp = member(VA).post(f"{T}/bodies/bestyrelse/written-procedures", json={
        "title": "X", "text": "Y", "deadline_at": (NOW + timedelta(days=3)).isoformat()})
    assert resp.status_code == 403 and resp.get_json()["clause"] == "CORE-WRITTEN-START"
