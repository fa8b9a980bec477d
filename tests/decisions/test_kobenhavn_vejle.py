"""København's district boards and Vejle's bodies through the HTTP API: a district board
decides only on its own districts' plans (KBH-4), only the housing organisations in a
plan's grant vote on it (KBH-5), the holder of a delegated mandate casts the vote (KBH-7);
Vejle's theme groups and FKU prepare, BPU decides (VEJ-6)."""

import pytest

K = "/api/v1/tenants/kobenhavn"
V = "/api/v1/tenants/vejle"
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
    for email in (AAB, DOMEA, SOF):  # in the grant, and a municipal administration
        assert member(email).post(f"{K}/motions/{motion}/votes",
                                  json={"choice": "yes"}).status_code == 201
    outcome = member(BSK).post(f"{K}/motions/{motion}/close").get_json()["outcome"]
    ineligible = sorted(u["label"] for u in outcome["units"] if not u["eligible"])
    assert ineligible == ["FSB", "KAB"]
    assert outcome["result"] == "adopted" and outcome["counts"]["yes"] == 3
    assert "3 af 9 stemmeberettigede stemte for" in outcome["explanation"]["da"]


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


@pytest.mark.parametrize("body_key", ["temagruppe-boligsocial", "fku"])
def test_theme_groups_and_fku_prepare_and_bpu_decides_VEJ_6(sync_tenant, decision_item, member,
                                                            body_key):
    sync_tenant("vejle")
    item = decision_item("vejle", body_key)
    resp = open_motion(member, V, item, "laerke.lindberg@bolivvejle.example")
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("VEJ-6", "body_competence")
    bpu = decision_item("vejle", "bpu")
    assert open_motion(member, V, bpu, "laerke.lindberg@bolivvejle.example").status_code == 201


def test_a_decision_of_principle_goes_on_to_the_council_and_the_boards_VEJ_1(
        sync_tenant, decision_item, member):
    sync_tenant("vejle")
    item = decision_item("vejle", "bpu", topics=["principle"])
    lead = member("laerke.lindberg@bolivvejle.example")
    motion = lead.post(f"{V}/items/{item}/motion", json={"text": "Fælles udlejningsprincip"}).get_json()
    for email in ("vagn.vejlby@vejle.example", "birgit.bredal@vejle.example",
                  "joern.jelstrup@vejle.example", "aase.albaek@aab.example",
                  "ole.oestergaard@osterbo.example", "lis.lerche@lejerbo.example"):
        assert member(email).post(f"{V}/motions/{motion['id']}/votes",
                                  json={"choice": "yes"}).status_code == 201
    outcome = lead.post(f"{V}/motions/{motion['id']}/close").get_json()["outcome"]
    assert outcome["result"] == "adopted"
    assert [(f["assignee"], f["clause"]) for f in outcome["follow_ups"]] == [
        ("byraadet", "VEJ-1"), ("*housing", "VEJ-1")]
