"""The rules the other features' tests did not yet prove through the HTTP API: the tenant-file
data each kommissorium fixes, read back through the bodies API, and the plugin behaviour
added for VEJ-7, VEJ-9, SLA-12 and KBH-10. docs/rules.md names these tests."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest

from core.config import PROJECT_ROOT
from core.tenants.filespec import TenantFileError

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"  # secretary of Albertslund's Bestyrelse, tenant administrator
LAERKE = "laerke.lindberg@bolivvejle.example"  # head of Vejle's joint secretariat, tenant admin
NOERREMARKEN_MEMBER = "nermin.noerager@aab.example"
NOERREMARKEN_SECRETARY = "bilal.noerholm@aab.example"
THEME_SECRETARY = "susan.soerensen@bolivvejle.example"
IDRIS = "idris.skovgaard@slagelse-boligsocial.example"  # Slagelse's competence chief


def _body(api, tenant, key):
    resp = api(None, tenant).get(f"bodies/{key}")
    assert resp.status_code == 200, (tenant, key, resp.get_json())
    return resp.get_json()


def _bodies(api, tenant):
    resp = api(None, tenant).get("bodies")
    assert resp.status_code == 200
    return resp.get_json()


def _plan(sec, body, year, *days):
    resp = sec.post(f"bodies/{body}/plan", json={"year": year, "meetings": [
        {"starts_at": datetime(year, m, d, 15, tzinfo=UTC).isoformat()} for m, d in days]})
    assert resp.status_code == 201, resp.get_json()
    return [m["id"] for m in resp.get_json()]


def _items(sec, meeting_id):
    return [(i["title"], i["standing_clause"]) for i in sec.get(f"meetings/{meeting_id}").get_json()["items"]]


# --------------------------------------------------------------------------- Albertslund

def test_plan_period_2017_to_2020_ALB_0(sync_tenant, api):
    """ALB-0: the ABC plan runs 2017-01-01 to 2020-12-31; the tenant and its bodies say so."""
    sync_tenant("albertslund")
    tenant = api(None, "albertslund").get("/api/v1/tenants/albertslund").get_json()
    assert (tenant["period_start"], tenant["period_end"]) == ("2017-01-01", "2020-12-31")
    for summary in _bodies(api, "albertslund"):
        body = _body(api, "albertslund", summary["key"])
        assert (body["period_start"], body["period_end"]) == ("2017-01-01", "2020-12-31")


def test_board_members_and_meeting_leader_ALB_B1_ALB_B6(sync_tenant, api):
    """ALB-B1: the board's members, three of them without a vote; ALB-B6: BO-VEST leads."""
    sync_tenant("albertslund")
    board = _body(api, "albertslund", "bestyrelse")
    seats = board["seats"]
    assert Counter(s["organisation"] for s in seats if s["is_voting"]) == Counter(
        {"VA": 1, "AB": 1, "AKB": 2, "ALB-KOM": 2})
    assert sorted(s["organisation"] for s in seats if not s["is_voting"]) == [
        "ABC", "ALB-KOM", "BO-VEST", "BO-VEST", "KAB"]
    non_voting_roles = sorted(s["role"] for s in seats if not s["is_voting"])
    assert non_voting_roles.count("meeting_leader") == 1 and "secretary" in non_voting_roles
    [leader] = [s for s in seats if s["role"] == "meeting_leader"]
    assert leader["organisation"] == "BO-VEST"  # ALB-B6
    assert leader["is_voting"] is False


def test_steering_group_members_ALB_S1(sync_tenant, api):
    """ALB-S1: two tenant-board representatives, the local operations manager, 1-2 municipal
    representatives and one housing-social employee as secretary, in each styregruppe."""
    sync_tenant("albertslund")
    groups = [b["key"] for b in _bodies(api, "albertslund") if b["kind"] == "steering_group"]
    assert len(groups) == 4
    for key in groups:
        seats = _body(api, "albertslund", key)["seats"]
        keys = [s["key"] for s in seats]
        assert sum(k.startswith("afdelingsbestyrelse") for k in keys) == 2, key
        assert keys.count("driftsleder") == 1, key
        assert 1 <= sum(s["organisation"] == "ALB-KOM" for s in seats) <= 2, key
        [secretary] = [s for s in seats if s["role"] == "secretary"]
        assert secretary["organisation"] == "ABC" and not secretary["is_voting"]


def test_steering_group_standing_items_ALB_S5(sync_tenant, api, clock):
    """ALB-S5: each styregruppe meeting gets the four standing items from the plugin."""
    sync_tenant("albertslund")
    clock.set(datetime(2018, 1, 2, 9, tzinfo=UTC))
    sec = api(SANNE, "albertslund")
    [first, second] = _plan(sec, "styregruppe-hyldespjaeldet", 2018, (2, 1), (4, 5))
    for meeting in (first, second):
        items = _items(sec, meeting)
        assert [t for t, _ in items] == [
            "Nyt fra kommunen, afdelingsbestyrelsen, driften og ABC", "Status på lokale projekter",
            "Kommende aktiviteter", "Indstillinger til ressourcegrupperne"]
        assert {c for _, c in items} == {"ALB-S5"}


# --------------------------------------------------------------------------- Slagelse

def test_board_chairmanship_of_two_directors_SLA_2(sync_tenant, api):
    """SLA-2: a chairmanship of two, one from a housing organisation and one from the Kommune."""
    sync_tenant("slagelse")
    seats = _body(api, "slagelse", "bestyrelse")["seats"]
    chairs = [s for s in seats if s["role"] == "chair"]
    assert len(chairs) == 2
    assert sum(s["organisation"] == "SLA-KOM" for s in chairs) == 1
    assert all(s["is_voting"] for s in chairs)


def test_competence_chief_is_the_boards_secretary_SLA_3(sync_tenant, api):
    """SLA-3: the competence chief is secretary of the board, without a vote."""
    sync_tenant("slagelse")
    seats = _body(api, "slagelse", "bestyrelse")["seats"]
    [secretary] = [s for s in seats if s["role"] == "secretary"]
    assert secretary["organisation"] == "SLA-KC" and secretary["is_voting"] is False
    assert secretary["holder"] == "Idris Demo Skovgaard"


def test_coordination_group_proposal_goes_to_the_board_SLA_12(sync_tenant, api, login, client):
    """SLA-12: koordinationsgruppen's own kommissorium is approved by the board: a proposal
    from the group (here: its kommissorium) goes to the board, which decides."""
    sync_tenant("slagelse")
    group = _body(api, "slagelse", "koordinationsgruppe")
    assert group["competence"] == "advises" and group["parent"] == "bestyrelse"
    police = [s for s in group["seats"] if s["organisation"] == "MVSJ-POLITI"]
    assert len(police) == 2  # SLA-12: two police representatives
    sec = api(IDRIS, "slagelse")
    resp = sec.post("proposals", json={
        "body": "koordinationsgruppe", "title": "Kommissorium for koordinationsgruppen",
        "text": "Udkast til gruppens kommissorium.",
        "decision_sought": "Koordinationsgruppen indstiller, at bestyrelsen godkender kommissoriet."})
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert p["route"]["clause"] == "SLA-12"
    assert [(s["body"], s["action"], s["clause"]) for s in p["steps"]] == [
        ("bestyrelse", "decide", "SLA-12")]
    assert p["where"]["body"] == "bestyrelse"


# --------------------------------------------------------------------------- København

def test_three_district_boards_meet_three_times_with_their_durations_KBH_3(sync_tenant, api):
    """KBH-3: three district boards, 3 meetings a year each, about 2 h, 2-2½ h and 1½ h."""
    sync_tenant("kobenhavn")
    districts = [b["key"] for b in _bodies(api, "kobenhavn") if b["kind"] == "district_board"]
    assert len(districts) == 3
    durations = []
    for key in districts:
        body = _body(api, "kobenhavn", key)
        assert body["kommissorium"]["meetings_per_year"] == 3
        durations.append(body["meeting_duration_minutes"])
    assert sorted(durations) == [90, 120, 150]


def test_district_board_members_and_secretariat_KBH_8(sync_tenant, api):
    """KBH-8: each district board seats the seven administrations, the housing organisations
    with a department in one of its plans, and the secretariat that writes the minutes."""
    sync_tenant("kobenhavn")
    for summary in _bodies(api, "kobenhavn"):
        if summary["kind"] != "district_board":
            continue
        seats = _body(api, "kobenhavn", summary["key"])["seats"]
        orgs = Counter(s["organisation"] for s in seats)
        for admin in ("SOF-VOKSEN", "SOF-BBU", "BUF", "BIF", "OKF", "TMF", "KFF"):
            assert orgs[admin] == 1, (summary["key"], admin)
        secretaries = [s for s in seats if s["role"] == "secretary"]
        assert [s["organisation"] for s in secretaries] == ["BSK"]


def test_local_groups_meet_as_often_as_they_decide_KBH_9(sync_tenant, api):
    """KBH-9: one local group per plan, under its district board, with no fixed frequency."""
    sync_tenant("kobenhavn")
    bodies = _bodies(api, "kobenhavn")
    boards = {b["key"] for b in bodies if b["kind"] == "district_board"}
    groups = [b for b in bodies if b["kind"] == "local_group"]
    assert groups and all(g["parent"] in boards for g in groups)
    for g in groups:
        assert _body(api, "kobenhavn", g["key"])["kommissorium"]["meetings_per_year"] == 0


def _kbh_with_second_grant():
    text = (PROJECT_ROOT / "tenants" / "kobenhavn.toml").read_text(encoding="utf-8")
    marker = '[[bodies.extra.grants]]\nplan = "Helhedsplan Amager Øst 2019-2023"\n'
    assert marker in text
    return text.replace(marker, marker + 'organisations = ["AAB"]\n\n' + marker, 1)


def test_one_strategic_agreement_per_grant_KBH_10(sync_tenant, write_tenant_file, api):
    """KBH-10: one strategic agreement per grant/plan. The bundled file has one grant per
    plan (shown through the API as the plans its board decides on); a second grant for the
    same plan is refused when the tenant file is read, citing KBH-10."""
    with pytest.raises(TenantFileError) as exc:
        sync_tenant(write_tenant_file(_kbh_with_second_grant()))
    assert "Helhedsplan Amager Øst 2019-2023 har mere end én bevilling" in str(exc.value)
    assert "(KBH-10)" in str(exc.value)

    sync_tenant("kobenhavn")
    board = _body(api, "kobenhavn", "bydelsbestyrelse-amager-vvvk")
    assert "KBH-10" in board["clauses"]


# --------------------------------------------------------------------------- Vejle

def test_fku_seats_split_and_chaired_by_the_kommune_VEJ_2(sync_tenant, api):
    """VEJ-2: FKU has at most 8 seats besides the head of the joint secretariat, split
    equally between housing organisations and the Kommune plus one per theme group; the
    Kommune chairs it."""
    sync_tenant("vejle")
    seats = _body(api, "vejle", "fku")["seats"]
    counted = [s for s in seats if s["role"] != "secretary"]
    assert len(counted) <= 8
    [chair] = [s for s in seats if s["role"] == "chair"]
    assert chair["organisation"] == "VEJ-KOM"
    theme_seats = [s for s in counted if s["key"].startswith("temagruppe")]
    others = [s for s in counted if s not in theme_seats]
    assert len(theme_seats) == 3
    assert sum(s["organisation"] == "VEJ-KOM" for s in others) * 2 == len(others)
    [secretary] = [s for s in seats if s["role"] == "secretary"]
    assert secretary["holder"] == "Lærke Demo Lindberg"


def test_joint_secretariat_and_its_executive_committee_VEJ_3(sync_tenant, api):
    """VEJ-3: the joint secretariat serves BPU and the theme groups (it holds their secretary
    seats) and has an executive committee of 2 from the housing organisations and 1 from the
    Kommune."""
    sync_tenant("vejle")
    bodies = _bodies(api, "vejle")
    for b in bodies:
        if b["key"] == "bpu" or b["kind"] == "theme_group":
            secretaries = [s for s in _body(api, "vejle", b["key"])["seats"] if s["role"] == "secretary"]
            assert [s["organisation"] for s in secretaries] == ["FS"], b["key"]
    committee = _body(api, "vejle", "forretningsudvalg")
    assert committee["parent"] == "faellessekretariat"
    members = Counter(s["organisation"] == "VEJ-KOM" for s in committee["seats"] if s["role"] != "secretary")
    assert members == Counter({False: 2, True: 1})


def test_four_theme_groups_with_rotating_chairs_VEJ_4(sync_tenant, api):
    """VEJ-4: four theme groups; særlige indsatser has no fixed members; chairs rotate, so no
    theme group has a chair seat."""
    sync_tenant("vejle")
    themes = {b["key"]: b for b in _bodies(api, "vejle") if b["kind"] == "theme_group"}
    assert sorted(themes) == ["temagruppe-boligjuridisk", "temagruppe-boligsocial",
                              "temagruppe-boligteknisk", "temagruppe-saerlige-indsatser"]
    for key in themes:
        seats = _body(api, "vejle", key)["seats"]
        assert not [s for s in seats if s["role"] == "chair"], key
    special = _body(api, "vejle", "temagruppe-saerlige-indsatser")["seats"]
    assert [s["role"] for s in special] == ["secretary"]


def test_area_group_proposal_goes_via_the_theme_group_and_fku_to_bpu_VEJ_7(sync_tenant, api):
    """VEJ-7: an area group keeps FKU informed and sends its minutes to the joint secretariat;
    its proposal goes to the relevant theme group, then FKU, then BPU, which decides — it is
    no longer stuck at FKU, which cannot decide (VEJ-6)."""
    sync_tenant("vejle")
    group = _body(api, "vejle", "omraadegruppe-noerremarken")
    assert group["information_recipients"] == ["FS"] and group["parent"] == "fku"

    member = api(NOERREMARKEN_MEMBER, "vejle")
    resp = member.post("proposals", json={
        "body": "omraadegruppe-noerremarken", "title": "Fælles lektiecafé i Nørremarken",
        "text": "Områdegruppen foreslår en fælles lektiecafé.", "topics": ["boligsocial"],
        "decision_sought": "Områdegruppen indstiller, at BPU støtter lektiecaféen."})
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert p["route"]["clause"] == "VEJ-7"
    assert [(s["body"], s["action"]) for s in p["steps"]] == [
        ("temagruppe-boligsocial", "forward"), ("fku", "forward"), ("bpu", "decide")]
    pid = p["id"]
    for body, who in (("temagruppe-boligsocial", THEME_SECRETARY), ("fku", LAERKE)):
        resp = api(who, "vejle").post(f"proposals/{pid}/decision", json={
            "body": body, "outcome": "adopted", "text": f"{body} fører forslaget videre."})
        assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["where"]["body"] == "bpu"
    resp = api(LAERKE, "vejle").post(f"proposals/{pid}/decision", json={
        "body": "bpu", "outcome": "adopted", "text": "BPU støtter lektiecaféen."})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "adopted"

    # Without a theme group's topic it goes straight to FKU and on to BPU.
    resp = member.post("proposals", json={
        "body": "omraadegruppe-noerremarken", "title": "Fælles affaldsdag",
        "text": "Områdegruppen foreslår en fælles affaldsdag.",
        "decision_sought": "Områdegruppen indstiller, at BPU støtter affaldsdagen."})
    assert resp.status_code == 201, resp.get_json()
    assert [(s["body"], s["action"]) for s in resp.get_json()["steps"]] == [
        ("fku", "forward"), ("bpu", "decide")]


def test_loeget_steering_group_with_two_sub_groups_VEJ_8(sync_tenant, api):
    """VEJ-8: Løget has one joint steering group with a social and a physical sub-group,
    about 6 meetings a year each."""
    sync_tenant("vejle")
    bodies = {b["key"]: b for b in _bodies(api, "vejle")}
    subs = sorted(k for k, b in bodies.items() if b["parent"] == "loeget")
    assert subs == ["loeget-fysisk", "loeget-social"]
    for key in ("loeget", *subs):
        body = _body(api, "vejle", key)
        assert body["kommissorium"]["meetings_per_year"] == 6, key


def test_goals_in_year_one_and_a_yearly_evaluation_VEJ_9(sync_tenant, api, clock):
    """VEJ-9: every body sets its goals and success criteria in year 1 (2009, the start of
    BolivVejle) and evaluates them yearly: the plugin puts the item on the first meeting of
    each year, and only the first."""
    sync_tenant("vejle")
    clock.set(datetime(2009, 1, 2, 9, tzinfo=UTC))
    sec = api(LAERKE, "vejle")
    for body in ("bpu", "fku"):
        first, second = _plan(sec, body, 2009, (2, 10), (9, 8))
        assert (f"Mål og succeskriterier for {_body(api, 'vejle', body)['name']}", "VEJ-9") in _items(sec, first)
        assert not [c for _, c in _items(sec, second) if c == "VEJ-9"]
        [later] = _plan(sec, body, 2010, (2, 9))
        assert ("Årlig evaluering af mål og succeskriterier (2009)", "VEJ-9") in _items(sec, later)
    assert date(2009, 1, 1).isoformat() == _body(api, "vejle", "fku")["period_start"]
