"""Høje-Taastrup: a municipality whose kommissorium is its tenant file alone (no plugin),
tested as a plugin author tests theirs, with the project's pytest fixtures, over HTTP with
several members each casting their own vote."""

from datetime import timedelta
from pathlib import Path

from core.meetings.models import MeetingState
from core.testing_meetings import MEETING_DAY
from core.tenants.filespec import read_tenant_file

TENANT_FILE = Path(__file__).resolve().parents[1] / "tenant.toml"
API = "/api/v1/tenants/hoeje-taastrup"
SECRETARY, MAYOR = "sekretaer@hoeje-taastrup.example", "borgmester@hoeje-taastrup.example"
CHAIR, DEPUTY, SUBSTITUTE = "formand@bo.example", "naestformand@bo.example", "suppleant@bo.example"
AB, VB = "direktor@ab.example", "leder@vb.example"
SOURCE = "tenants/hoeje-taastrup.toml"


def test_the_file_is_checked_and_needs_no_plugin(host):
    tenant = read_tenant_file(TENANT_FILE, host)
    assert tenant.data["tenant"]["plugins"] == []
    [board] = tenant.data["bodies"]
    assert sorted(board["rules"]) == ["delegation", "majority", "procedure", "quorum", "substitutes",
                                      "vote_units", "written_procedure"]


def test_the_kommissorium_page_gives_every_clause_HTK_1_to_HTK_8(sync_tenant, client):
    sync_tenant(TENANT_FILE)
    rules = client.get(f"{API}/bodies/bestyrelse/kommissorium").get_json()["rules"]
    by = {r["clause"]: r for r in rules}
    assert {f"HTK-{n}" for n in range(1, 9)} <= set(by)
    assert {by[f"HTK-{n}"]["source"] for n in range(1, 9)} == {SOURCE}
    assert by["HTK-2"]["text"] == ("Organet er beslutningsdygtigt, når mere end halvdelen af de "
                                   "stemmeberettigede er til stede, og HTK-KOM er til stede.")
    assert "Sager om budget kræver kvalificeret flertal (2/3)" in by["HTK-4"]["text"]
    assert "Ved stemmelighed er formandens stemme afgørende" in by["HTK-4"]["text"]
    assert "inden 7 dage efter, at det er udsendt" in by["HTK-8"]["text"]  # tacit approval
    assert by["HTK-6"]["text_en"] == "A member may delegate its mandate for at most 183 days at a time."


def to_vote(member, motion_id):
    """HTK-3: agreement is sought first; the secretary puts the motion to a vote."""
    resp = member(SECRETARY).post(f"{API}/motions/{motion_id}/voting")
    assert resp.status_code == 200, resp.get_json()


def _vote(member, item, choices, **options):
    motion = member(SECRETARY).post(f"{API}/items/{item}/motion", json={"text": "Forslag", **options})
    assert motion.status_code == 201, motion.get_json()
    motion_id = motion.get_json()["id"]
    to_vote(member, motion_id)
    for email, choice in choices.items():
        resp = member(email).post(f"{API}/motions/{motion_id}/votes", json={"choice": choice})
        assert resp.status_code == 201, resp.get_json()
    closed = member(SECRETARY).post(f"{API}/motions/{motion_id}/close")
    assert closed.status_code == 200, closed.get_json()
    return motion_id, closed.get_json()["outcome"]


def test_one_vote_per_organisation_and_the_chairs_casting_vote_HTK_1_HTK_2_HTK_4(
        sync_tenant, decision_item, member):
    """Two members of the chair's organisation share its one vote (HTK-1); two against two
    is a tie that the chair's vote decides, and the stored explanation says so (HTK-4)."""
    sync_tenant(TENANT_FILE)
    item = decision_item("hoeje-taastrup", "bestyrelse")
    motion = member(SECRETARY).post(f"{API}/items/{item}/motion", json={"text": "Tryghedsvandring"})
    motion_id = motion.get_json()["id"]
    to_vote(member, motion_id)
    assert member(CHAIR).post(f"{API}/motions/{motion_id}/votes", json={"choice": "yes"}).status_code == 201
    again = member(DEPUTY).post(f"{API}/motions/{motion_id}/votes", json={"choice": "no"})
    assert again.status_code == 409 and again.get_json()["clause"] == "HTK-1"
    for email, choice in {MAYOR: "yes", AB: "no", VB: "no"}.items():
        assert member(email).post(f"{API}/motions/{motion_id}/votes", json={"choice": choice}).status_code == 201
    outcome = member(SECRETARY).post(f"{API}/motions/{motion_id}/close").get_json()["outcome"]
    assert outcome["result"] == "adopted" and outcome["counts"] == {"yes": 2, "no": 2, "abstain": 0}
    assert ("Stemmelighed (2 mod 2): formanden (HTK-BO) stemte for, og formandens stemme er "
            "afgørende (HTK-4).") in outcome["explanation"]["da"]
    assert "the chair's vote decides (HTK-4)" in outcome["explanation"]["en"]
    rules = {p["rule"]: (p["clause"], p["source"]) for p in outcome["provenance"]}
    assert rules["vote_units"] == ("HTK-1", SOURCE) and rules["quorum"] == ("HTK-2", SOURCE)
    assert rules["tally"] == ("HTK-4", SOURCE) and rules["decision_procedure"] == ("HTK-3", SOURCE)


def test_a_budget_needs_two_thirds_and_has_no_casting_vote_HTK_4(sync_tenant, decision_item, member):
    sync_tenant(TENANT_FILE)
    _, three_to_one = _vote(member, decision_item("hoeje-taastrup", "bestyrelse", topics=("budget",)),
                            {CHAIR: "yes", MAYOR: "yes", AB: "yes", VB: "no"})
    assert three_to_one["result"] == "adopted"
    _, tie = _vote(member, decision_item("hoeje-taastrup", "bestyrelse", topics=("budget",)),
                   {CHAIR: "yes", MAYOR: "yes", AB: "no", VB: "no"})
    assert tie["result"] == "rejected" and "kvalificeret flertal (2/3)" in tie["explanation"]["da"]
    assert "formandens stemme" not in tie["explanation"]["da"]  # no casting vote on a budget


def test_not_quorate_without_the_municipality_HTK_2(sync_tenant, decision_item, member):
    sync_tenant(TENANT_FILE)
    item = decision_item("hoeje-taastrup", "bestyrelse", present=["formand", "ab", "vb", "sekretaer"])
    resp = member(SECRETARY).post(f"{API}/items/{item}/motion", json={"text": "x"})
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("HTK-2", "quorum")
    assert "HTK-KOM skal være til stede og var det ikke" in resp.get_json()["message"]


def test_a_substitute_from_the_organisation_with_a_power_of_attorney_before_the_meeting_HTK_5(
        sync_tenant, create_meeting, member, clock):
    sync_tenant(TENANT_FILE)
    meeting = create_meeting("hoeje-taastrup", "bestyrelse", state=MeetingState.AGENDA_PUBLISHED)
    clock.set(MEETING_DAY - timedelta(days=1))
    other = member(SECRETARY).put(f"{API}/meetings/{meeting}/attendance/ab", json={
        "status": "present", "acting_as": "substitute", "person": SUBSTITUTE})
    assert other.status_code == 409 and other.get_json()["clause"] == "HTK-5"
    assert "samme organisation (HTK-AB)" in other.get_json()["message"]
    substitute = {"status": "present", "acting_as": "substitute", "person": SUBSTITUTE}
    before = member(SECRETARY).put(f"{API}/meetings/{meeting}/attendance/formand", json=substitute)
    assert before.status_code == 200, before.get_json()
    clock.set(MEETING_DAY + timedelta(minutes=5))
    late = member(SECRETARY).put(f"{API}/meetings/{meeting}/attendance/bo-medlem", json=substitute)
    assert late.status_code == 409 and late.get_json()["rule"] == "substitute_allowed"
    assert "fuldmagt" in late.get_json()["message"] and late.get_json()["clause"] == "HTK-5"


def test_a_mandate_to_a_named_person_for_half_a_year_at_most_HTK_6(sync_tenant, member, clock):
    sync_tenant(TENANT_FILE)
    clock.set(MEETING_DAY - timedelta(days=30))
    period = {"seat": "vb", "to_organisation": "HTK-AB", "starts_on": "2020-09-01", "ends_on": "2021-02-28"}
    unnamed = member(VB).post(f"{API}/bodies/bestyrelse/delegations", json=period)
    assert unnamed.status_code == 409 and unnamed.get_json()["clause"] == "HTK-6"
    too_long = member(VB).post(f"{API}/bodies/bestyrelse/delegations",
                               json={**period, "to_person": AB, "ends_on": "2021-03-31"})
    assert too_long.status_code == 409
    assert too_long.get_json()["message"] == ("Et mandat kan kun lægges for højst 183 dage ad gangen "
                                              "(senest 2021-03-02).")
    named = member(VB).post(f"{API}/bodies/bestyrelse/delegations", json={**period, "to_person": AB})
    assert named.status_code == 201, named.get_json()


def test_the_chair_or_the_secretariat_starts_a_written_procedure_HTK_7(sync_tenant, member, clock):
    sync_tenant(TENANT_FILE)
    clock.set(MEETING_DAY - timedelta(days=20))
    data = {"title": "Tilskud til sommerfest", "text": "Bestyrelsen bevilger 5.000 kr.",
            "deadline_at": (MEETING_DAY - timedelta(days=10)).isoformat()}
    refused = member(AB).post(f"{API}/bodies/bestyrelse/written-procedures", json=data)
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["clause"] == "HTK-7"
    assert refused.get_json()["message"] == ("Kun formanden eller sekretariatet kan sende et forslag "
                                             "til skriftlig behandling.")
    started = member(CHAIR).post(f"{API}/bodies/bestyrelse/written-procedures", json=data)
    assert started.status_code == 201, started.get_json()
