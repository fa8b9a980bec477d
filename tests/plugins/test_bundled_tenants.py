"""The four bundled tenant files load, and the API lists every body and seat DOMAIN.md names."""

import pytest

TENANTS = ("albertslund", "slagelse", "kobenhavn", "vejle")


@pytest.fixture
def four(sync_tenant):
    return {name: sync_tenant(name) for name in TENANTS}


def _body(client, tenant, key):
    resp = client.get(f"/api/v1/tenants/{tenant}/bodies/{key}")
    assert resp.status_code == 200, (tenant, key)
    return resp.get_json()


def test_the_four_tenants_load_and_a_second_sync_changes_nothing(four, sync_tenant):
    assert all(r.created for r in four.values())
    assert [sync_tenant(name).changes for name in TENANTS] == [[], [], [], []]


def test_albertslund_board_ALB_B1_B2_B6(four, client):
    board = _body(client, "albertslund", "bestyrelse")
    seats = board["seats"]
    assert len(seats) == 11  # ALB-B1
    voting_orgs = {s["organisation"] for s in seats if s["is_voting"]}
    assert voting_orgs == {"VA", "AB", "AKB", "ALB-KOM"}  # ALB-B2
    assert {s["organisation"] for s in seats} >= {"BO-VEST", "KAB"}  # seated, no vote
    roles = [(s["role"], s["organisation"]) for s in seats if not s["is_voting"] and s["role"] != "member"]
    assert ("meeting_leader", "BO-VEST") in roles  # ALB-B6
    assert ("secretary", "ABC") in roles
    k = board["kommissorium"]
    assert (k["meetings_per_year"], k["clause"]) == (2, "ALB-B7")
    assert k["notice"] == {"days": 5, "clause": "ALB-B8"}
    assert k["minutes_due"] == {"days": 14, "clause": "ALB-B9"}
    assert (k["approval_mode"], k["approval_due"]["days"]) == ("email", 28)  # ALB-B9


def test_albertslund_groups_ALB_R1_R2_R3_S3_S4(four, client):
    bodies = client.get("/api/v1/tenants/albertslund/bodies").get_json()
    kinds = [b["kind"] for b in bodies]
    assert kinds.count("resource_group") == 3 and kinds.count("steering_group") == 4
    ff = _body(client, "albertslund", "ressourcegruppe-ff")
    assert ff["competence"] == "advises"  # ALB-R1
    assert ff["kommissorium"]["meetings_per_year"] == 3  # ALB-R2
    assert ff["kommissorium"]["submission_deadline"] == {"days": 10, "clause": "ALB-R3"}
    steering = next(b for b in bodies if b["kind"] == "steering_group")
    sg = _body(client, "albertslund", steering["key"])
    assert sg["kommissorium"]["meetings_per_year"] == 6  # ALB-S3
    assert sg["kommissorium"]["approval_mode"] == "next_meeting"  # ALB-S4


def test_slagelse_board_SLA_1_2_3(four, client):
    board = _body(client, "slagelse", "bestyrelse")
    members = [s for s in board["seats"] if s["role"] in ("member", "chair")]
    assert len(members) == 6  # SLA-1
    assert {s["organisation"] for s in members} == {"FOB", "SB", "SAB", "SBS", "BK", "SLA-KOM"}
    assert sum(s["role"] == "chair" for s in members) == 2  # SLA-2
    assert [s["role"] for s in board["seats"] if not s["is_voting"]] == ["secretary"]  # SLA-3
    assert board["kommissorium"]["notice"] == {"days": 5, "clause": "SLA-8"}
    assert board["kommissorium"]["approval_mode"] == "board"  # SLA-9


def test_kobenhavn_bodies_KBH_1_2_3(four, client):
    forum = _body(client, "kobenhavn", "samarbejdsforum")
    assert set(forum["information_recipients"]) == {"DAB", "FA09", "DOMEA"}  # KBH-2
    seated = {s["organisation"] for s in forum["seats"]}
    assert {"KAB", "BO-VITA", "AAB", "FSB", "VIBO", "LLO"} <= seated  # KBH-1
    assert not seated & {"DAB", "FA09", "DOMEA"}
    bodies = client.get("/api/v1/tenants/kobenhavn/bodies").get_json()
    districts = [b for b in bodies if b["kind"] == "district_board"]
    assert len(districts) == 3  # KBH-3
    for d in districts:
        body = _body(client, "kobenhavn", d["key"])
        assert body["kommissorium"]["meetings_per_year"] == 3
        orgs = {s["organisation"] for s in body["seats"]}
        assert {"SOF-VOKSEN", "SOF-BBU", "BUF", "BIF", "OKF", "TMF", "KFF"} <= orgs  # KBH-8


def test_vejle_bodies_VEJ_1_2_4(four, client):
    bodies = {b["key"]: b for b in client.get("/api/v1/tenants/vejle/bodies").get_json()}
    assert bodies["bpu"]["competence"] == "decides"  # VEJ-1
    fku = _body(client, "vejle", "fku")
    assert len([s for s in fku["seats"] if s["role"] != "secretary"]) <= 8  # VEJ-2
    themes = [b for b in bodies.values() if b["kind"] == "theme_group"]
    assert len(themes) == 4 and all(t["competence"] == "advises" for t in themes)  # VEJ-4


def test_the_kab_customer_director_sits_in_two_tenants(four, client, login):
    login(client, "karin.kundby@kab.example")
    me = client.get("/api/v1/me").get_json()
    assert [t["slug"] for t in me["tenants"]] == ["albertslund", "kobenhavn"]


def test_the_kab_customer_director_sees_both_tenants_and_nothing_of_a_third(four, client, login):
    """One login across tenants: her seats in Albertslund and København, what waits in each,
    and nothing of Slagelse or Vejle — in the API and on the front page."""
    login(client, "karin.kundby@kab.example")
    me = client.get("/api/v1/me").get_json()
    by_slug = {t["slug"]: t for t in me["tenants"]}
    assert set(by_slug) == {"albertslund", "kobenhavn"}
    assert [b["key"] for b in by_slug["albertslund"]["bodies"]] == ["bestyrelse"]
    assert [b["key"] for b in by_slug["kobenhavn"]["bodies"]] == ["samarbejdsforum"]
    assert all(t["pending"] == [] for t in me["tenants"])  # nothing scheduled yet
    text = client.get("/api/v1/me").get_data(as_text=True).lower()
    assert "slagelse" not in text and "vejle" not in text
    page = client.get("/").get_data(as_text=True)
    mine = page[page.index("Mit overblik"):page.index("Kommunerne på platformen")]
    assert "Albertslund" in mine and "København" in mine
    assert "Slagelse" not in mine and "Vejle" not in mine


def test_a_municipal_official_sees_only_their_own_municipality(four, client, login):
    login(client, "idris.skovgaard@slagelse-boligsocial.example")
    me = client.get("/api/v1/me").get_json()
    assert [t["slug"] for t in me["tenants"]] == ["slagelse"]
    assert me["tenants"][0]["is_admin"] is True
