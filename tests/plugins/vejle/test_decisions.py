"""Vejle's bodies through the HTTP API: the theme groups and FKU prepare, BPU decides
(VEJ-6); a decision of principle goes on to the council and the boards (VEJ-1)."""

import pytest

V = "/api/v1/tenants/vejle"


def open_motion(member, base, item, who):
    return member(who).post(f"{base}/items/{item}/motion", json={"text": "Justering af planen"})


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
