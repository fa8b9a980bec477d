"""Slagelse's board through the HTTP API: the meeting leader's conclusion stands unless
someone objects, and an objection sends the item to a vote (SLA-5); six votes, one per
organisation, majority decides (SLA-4); a member's dissent is recorded on request (SLA-6)."""

import pytest

from core.decisions.operations import decision_for_item
from core.extensions import db
from core.meetings.models import AgendaItem

T = "/api/v1/tenants/slagelse"
CHAIR = "frede.fogh@fob.example"  # FOB's director in the chairmanship (SLA-2)
SECRETARY = "idris.skovgaard@slagelse-boligsocial.example"  # the competence chief (SLA-3)
FOB, SB, SAB, SBS, BK, KOM = (
    CHAIR, "sonja.bruun@slagelse-boligselskab.example", "anders.broendum@sab-slagelse.example",
    "birte.skaelby@skaelskoer-boligselskab.example", "klaus.korsholm@boligkorsoer.example",
    "lone.lassen@slagelse.example",
)


@pytest.fixture
def item(sync_tenant, decision_item):
    sync_tenant("slagelse")
    return decision_item("slagelse", "bestyrelse", title="Ændring af delaftale om fritidsjob")


def open_motion(member, item):
    resp = member(CHAIR).post(f"{T}/items/{item}/motion",
                              json={"text": "Bestyrelsen godkender ændringen af delaftalen."})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_decided_when_nobody_objects_SLA_5(item, member):
    motion = open_motion(member, item)
    assert motion["phase"] == "deliberation"
    assert (motion["procedure"], motion["procedure_rule"]["clause"]) == ("no_objection", "SLA-5")
    resp = member(CHAIR).post(f"{T}/motions/{motion['id']}/close")
    assert resp.status_code == 200
    outcome = resp.get_json()["outcome"]
    assert outcome["result"] == "adopted" and outcome["decided_by"] == "no_objection"
    assert outcome["counts"] is None
    assert outcome["explanation"]["da"].startswith(
        "Afgjort uden indsigelser: ingen gjorde indsigelse mod mødelederens konklusion (SLA-5).")
    assert outcome["explanation"]["en"].startswith("Decided without objection")


def test_an_objection_sends_the_item_to_a_vote_of_six_organisations_SLA_5_SLA_4(item, member):
    motion = open_motion(member, item)
    resp = member(SB).post(f"{T}/motions/{motion['id']}/objections", json={"reason": "Uenig"})
    assert resp.status_code == 201
    again = member(SAB).post(f"{T}/motions/{motion['id']}/objections", json={})
    assert again.status_code == 409  # already put to a vote
    for email, choice in ((FOB, "yes"), (SB, "no"), (SAB, "yes"), (SBS, "yes"), (BK, "abstain"),
                          (KOM, "yes")):
        resp = member(email).post(f"{T}/motions/{motion['id']}/votes", json={"choice": choice})
        assert resp.status_code == 201, resp.get_json()
    outcome = member(CHAIR).post(f"{T}/motions/{motion['id']}/close").get_json()["outcome"]
    assert outcome["result"] == "adopted" and outcome["counts"] == {"yes": 4, "no": 1, "abstain": 1}
    assert len(outcome["units"]) == 6  # SLA-4: six votes in all
    assert outcome["explanation"]["da"].startswith(
        "Afstemning efter indsigelse fra SB (SLA-5). Vedtaget: 4 af 6 organisationer stemte for "
        "(FOB, SAB, SBS, Slagelse Kommune); SB stemte imod; BK undlod at stemme.")
    rules = {p["rule"]: (p["clause"], p["source"]) for p in outcome["provenance"]}
    assert rules["tally"] == ("SLA-4", "tenants/slagelse.toml")  # blocks of the tenant file
    assert rules["vote_units"] == ("SLA-4", "tenants/slagelse.toml")
    assert rules["quorum"] == ("CORE-QUORUM", "core")


def test_a_non_voting_secretary_cannot_object_SLA_4(item, member):
    motion = open_motion(member, item)
    resp = member(SECRETARY).post(f"{T}/motions/{motion['id']}/objections", json={})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "SLA-4"


def test_a_members_dissent_is_recorded_for_the_minutes_SLA_6(item, member, in_tenant):
    motion = open_motion(member, item)
    member(CHAIR).post(f"{T}/motions/{motion['id']}/close")
    resp = member(BK).post(f"{T}/motions/{motion['id']}/dissents",
                           json={"text": "BoligKorsør tager forbehold for økonomien."})
    assert resp.status_code == 201
    assert resp.get_json()["organisation"] == "BK"
    assert resp.get_json()["clause"] == "SLA-6"  # Slagelse's plugin answered dissent_allowed
    assert member(BK).post(f"{T}/motions/{motion['id']}/dissents",
                           json={"text": "igen"}).status_code == 409  # once per member
    with in_tenant("slagelse"):
        decision = decision_for_item(db.session.get(AgendaItem, item))
    assert decision["dissents"] == [{"organisation": "BK", "person": "Klaus Demo Korsholm",
                                     "text": "BoligKorsør tager forbehold for økonomien.",
                                     "clause": "SLA-6"}]


def test_only_those_present_have_a_dissent_recorded_SLA_6(sync_tenant, decision_item, member):
    sync_tenant("slagelse")
    present = ["fob", "sb", "sab", "sbs", "kommune", "kompetencechef"]  # BK is absent
    item = decision_item("slagelse", "bestyrelse", present=present)
    motion = open_motion(member, item)
    resp = member(BK).post(f"{T}/motions/{motion['id']}/dissents", json={"text": "x"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-ATTENDANCE"
