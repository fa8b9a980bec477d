"""København's district boards through the HTTP API: a district board decides only on its
own districts' plans (KBH-4), only the housing organisations in a plan's grant vote on it
(KBH-5), the holder of a delegated mandate casts the vote (KBH-7)."""

import pytest

K = "/api/v1/tenants/kobenhavn"
AMAGER = "bydelsbestyrelse-amager-vvvk"
BSK = "bolette.sejr@bsk.example"  # the district board's secretary (KBH-8)
KAB, FSB, AAB, DOMEA = ("kristian.kabell@kab.example", "freja.storm@fsb.example",
                        "asger.abildgaard@aab.example", "dorit.mejer@domea.example")
SOF = "signe.vang@sof.kk.example"
SYDHAVNEN = "Helhedsplan Sydhavnen 2020-2024"  # granted to AAB and Domea


@pytest.fixture
def kbh(sync_tenant):
    sync_tenant("kobenhavn")


def open_motion(member, base, item, who):
    return member(who).post(f"{base}/items/{item}/motion", json={"text": "Justering af planen"})


def test_district_board_refuses_another_districts_plan_KBH_4(kbh, decision_item, member):
    item = decision_item("kobenhavn", AMAGER, plan="Helhedsplan Nordvest 2019-2023")
    resp = open_motion(member, K, item, BSK)
    assert resp.status_code == 409
    body = resp.get_json()
    assert (body["clause"], body["rule"]) == ("KBH-4", "body_competence")
    assert "Helhedsplan Nordvest 2019-2023 hører ikke hertil" in body["message"]
    other = decision_item("kobenhavn", AMAGER, district="Nørrebro")
    assert open_motion(member, K, other, BSK).get_json()["clause"] == "KBH-4"


def test_only_housing_organisations_in_the_grant_vote_KBH_5(kbh, decision_item, member):
    item = decision_item("kobenhavn", AMAGER, plan=SYDHAVNEN, district="Amager")
    resp = open_motion(member, K, item, BSK)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["competence_rule"]["clause"] == "KBH-4"
    motion = resp.get_json()["id"]
    refused = member(KAB).post(f"{K}/motions/{motion}/votes", json={"choice": "no"})
    assert refused.status_code == 409
    assert (refused.get_json()["clause"], refused.get_json()["rule"]) == ("KBH-5", "vote_units")
    assert refused.get_json()["message"] == f"Indgår ikke i bevillingen for {SYDHAVNEN}."
    # "det udelukkende er de boligorganisationer, som indgår i den konkrete bevilling, der
    # har beslutningskompetence": a municipal administration takes part but does not vote.
    administration = member(SOF).post(f"{K}/motions/{motion}/votes", json={"choice": "yes"})
    assert administration.status_code == 409
    assert (administration.get_json()["clause"], administration.get_json()["rule"]) == ("KBH-5", "vote_units")
    assert "Kommunal forvaltning" in administration.get_json()["message"]
    for email in (AAB, DOMEA):  # the two housing organisations in the grant
        assert member(email).post(f"{K}/motions/{motion}/votes",
                                  json={"choice": "yes"}).status_code == 201
    outcome = member(BSK).post(f"{K}/motions/{motion}/close").get_json()["outcome"]
    eligible = sorted(u["label"] for u in outcome["units"] if u["eligible"])
    assert eligible == ["AAB", "DOMEA"]
    assert outcome["result"] == "adopted" and outcome["counts"]["yes"] == 2
    assert "2 af 2 stemmeberettigede stemte for" in outcome["explanation"]["da"]


def test_the_holder_of_a_delegated_mandate_casts_the_vote_KBH_7(
        kbh, decision_item, attend, meeting_of, member):
    item = decision_item("kobenhavn", AMAGER, plan=SYDHAVNEN)
    # Domea has delegated its mandate for the year (KBH-7); its delegate attends
    attend("kobenhavn", meeting_of("kobenhavn", item), "domea",
           email="aysel.holm@kab.example", acting_as="delegate")
    motion = open_motion(member, K, item, BSK).get_json()["id"]
    resp = member("aysel.holm@kab.example").post(f"{K}/motions/{motion}/votes", json={"choice": "yes"})
    assert resp.status_code == 201, resp.get_json()
    assert (resp.get_json()["unit"], resp.get_json()["cast_as"]) == ("seat:domea", "delegate")
    assert member(DOMEA).post(f"{K}/motions/{motion}/votes", json={"choice": "no"}).status_code == 409
    # Domea's unit has voted: a second vote is refused by the one-vote rule, not by the
    # grant rule, which lets Domea vote on Sydhavnen (KBH-5).
    second = member("aysel.holm@kab.example").post(f"{K}/motions/{motion}/votes", json={"choice": "no"})
    assert second.status_code == 409, second.get_json()
    assert (second.get_json()["clause"], second.get_json()["rule"]) == ("CORE-ONE-VOTE", "vote_units")
