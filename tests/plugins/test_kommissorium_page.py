"""The kommissorium page of every body: the rules that apply to it in plain Danish, each
with its clause ID and who enforces it (describe_rules) — through the API and on the web."""

from __future__ import annotations

import re

import pytest

from core.config import PROJECT_ROOT

TENANTS = {"albertslund": "ALB", "slagelse": "SLA", "kobenhavn": "KBH", "vejle": "VEJ"}
ALL_IDS = set(re.findall(r"```rule-ids\n(.*?)```", (PROJECT_ROOT / "docs" / "rules.md").read_text(), re.S)[0].split())


def _page(client, tenant, key):
    resp = client.get(f"/api/v1/tenants/{tenant}/bodies/{key}/kommissorium")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


@pytest.mark.parametrize("tenant", TENANTS)
def test_every_rule_of_the_tenant_is_on_some_bodys_page(sync_tenant, client, tenant):
    """Every rule ID of the tenant's kommissorium appears on the page of a body it applies
    to, told in Danish, with its plugin or tenant file as source."""
    sync_tenant(tenant)
    seen = set()
    for b in client.get(f"/api/v1/tenants/{tenant}/bodies").get_json():
        page = _page(client, tenant, b["key"])
        assert page["key"] == b["key"] and page["rules"], b["key"]
        for rule in page["rules"]:
            assert rule["text"] and rule["text_en"] and rule["clause"], rule
            assert rule["source"] in (tenant, "core", f"tenants/{tenant}.toml"), rule
            seen.add(rule["clause"])
    expected = {i for i in ALL_IDS if i.startswith(TENANTS[tenant] + "-")}
    assert expected <= seen, sorted(expected - seen)


def test_albertslund_board_page_in_clause_order_ALB_B2_ALB_B3_ALB_B8(sync_tenant, client):
    """ALB-B2, ALB-B3 from the tenant file's rule blocks, ALB-B8 from its facts, ALB-B10
    from the plugin; core rules last."""
    sync_tenant("albertslund")
    rules = _page(client, "albertslund", "bestyrelse")["rules"]
    clauses = [r["clause"] for r in rules]
    assert clauses.index("ALB-B2") < clauses.index("ALB-B3") < clauses.index("ALB-B10")
    assert clauses[-1].startswith("CORE-")
    by = {r["clause"]: r for r in rules}
    assert by["ALB-B3"]["source"] == "tenants/albertslund.toml"
    assert by["ALB-B10"]["source"] == "albertslund"
    assert by["ALB-B3"]["text"].startswith("Bestyrelsen er kun beslutningsdygtig")
    b8 = [r for r in rules if r["clause"] == "ALB-B8"]
    assert b8 == [{"clause": "ALB-B8", "source": "tenants/albertslund.toml",
                   "text": "Dagsorden og materiale udsendes senest 5 dage før mødet.",
                   "text_en": "Agenda and material go out at least 5 days before the meeting."}]
    assert "ALB-R1" not in by  # a resource group's rule is not the board's


def test_kobenhavn_district_board_lists_its_plans_KBH_4_KBH_6(sync_tenant, client):
    sync_tenant("kobenhavn")
    by = {r["clause"]: r for r in _page(client, "kobenhavn", "bydelsbestyrelse-amager-vvvk")["rules"]}
    assert "Helhedsplan Amager Øst 2019-2023" in by["KBH-4"]["text"]
    assert by["KBH-6"]["text"] == "Der er mødepligt, og man sender ikke vikarer."


def test_an_unknown_body_or_another_tenants_body_is_404(sync_tenant, client):
    sync_tenant("albertslund")
    sync_tenant("vejle")
    assert client.get("/api/v1/tenants/albertslund/bodies/nope/kommissorium").status_code == 404
    assert client.get("/api/v1/tenants/albertslund/bodies/fku/kommissorium").status_code == 404


def test_the_web_body_page_lists_the_rules_ALB_B3(sync_tenant, client):
    sync_tenant("albertslund")
    html = client.get("/albertslund/organer/bestyrelse").get_data(as_text=True)
    assert "Regler i kommissoriet" in html
    assert "ALB-B3" in html and "Bestyrelsen er kun beslutningsdygtig" in html
    # where each rule lives, in words: the tenant file's blocks, the plugin, the core's default
    assert "(kommunens opsætning)" in html and "(kommunens regelmodul (albertslund))" in html
    assert "(platformens standard)" in html and "tenants/albertslund.toml" not in html
