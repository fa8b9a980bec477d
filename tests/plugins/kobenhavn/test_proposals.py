"""København's routes through the API: Samarbejdsforum's recommendations go to the district
boards (KBH-1), a local group's to the board of its district (KBH-9), which decides only
on its own districts' plans (KBH-4)."""

import pytest

from tests.fixtures.proposals import api  # noqa: F401

FORUM_SECRETARY = "tobias.trier@tmf.kk.example"  # also the tenant's administrator
DISTRICT_SECRETARY = "bolette.sejr@bsk.example"  # Amager+VVVK and Tingbjerg+Husum
LOCAL_MEMBER = "aysel.holm@kab.example"  # lokalgruppe-amager-oest
AMAGER_OEST = "Helhedsplan Amager Øst 2019-2023"
TINGBJERG = "Helhedsplan Tingbjerg 2019-2023"


@pytest.fixture
def kbh(sync_tenant, api):
    sync_tenant("kobenhavn")
    return api("kobenhavn")


def test_local_group_proposal_goes_to_its_district_board_KBH_9(kbh, plan_meeting):
    meeting = plan_meeting("kobenhavn", "bydelsbestyrelse-amager-vvvk", days=15)
    resp = kbh.as_(LOCAL_MEMBER).post(
        body="lokalgruppe-amager-oest", title="Flere timer til lektiehjælp", text="x",
        decision_sought="Lokalgruppen indstiller, at aktiviteten udvides.", plan=AMAGER_OEST,
    )
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert p["route"]["clause"] == "KBH-9"
    assert [(s["body"], s["action"], s["clause"]) for s in p["steps"]] == [
        ("bydelsbestyrelse-amager-vvvk", "decide", "KBH-9")]
    assert p["steps"][0]["meeting_id"] == meeting
    resp = kbh.as_(DISTRICT_SECRETARY).post(f"/{p['id']}/decision", body="bydelsbestyrelse-amager-vvvk",
                                            outcome="adopted", text="Vedtaget.")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["steps"][0]["provenance"]["competence"]["clause"] == "KBH-4"
    p = kbh.as_(LOCAL_MEMBER).get(f"/{p['id']}").get_json()
    assert p["state"] == "adopted"


def test_samarbejdsforum_recommends_to_the_district_board_concerned_KBH_1(kbh):
    resp = kbh.as_(FORUM_SECRETARY).post(
        body="samarbejdsforum", title="Fokus på unge i Tingbjerg", text="x",
        decision_sought="Samarbejdsforum anbefaler en indsats for unge.", district="Tingbjerg",
    )
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert [(s["body"], s["clause"]) for s in p["steps"]] == [("bydelsbestyrelse-tingbjerg-husum", "KBH-1")]
    resp = kbh.as_(DISTRICT_SECRETARY).post(f"/{p['id']}/decision", body="bydelsbestyrelse-tingbjerg-husum",
                                            outcome="adopted", text="Indsatsen indarbejdes.")
    assert resp.status_code == 200 and resp.get_json()["state"] == "adopted"


def test_samarbejdsforum_recommendation_naming_no_district_is_refused_KBH_1(kbh):
    resp = kbh.as_(FORUM_SECRETARY).post(body="samarbejdsforum", title="x", text="y", decision_sought="z")
    assert resp.status_code == 409
    body = resp.get_json()
    assert (body["clause"], body["rule"]) == ("KBH-1", "proposal_route")
    assert "angiv bydelen eller helhedsplanen" in body["message"]
    assert kbh.get().get_json() == []


def test_district_board_deciding_on_another_districts_plan_is_refused_KBH_4(kbh):
    resp = kbh.as_(LOCAL_MEMBER).post(
        body="lokalgruppe-amager-oest", title="x", text="y", decision_sought="z", plan=TINGBJERG)
    p = resp.get_json()
    before = kbh.as_(DISTRICT_SECRETARY).get(f"/{p['id']}").get_json()
    resp = kbh.post(f"/{p['id']}/decision", body="bydelsbestyrelse-amager-vvvk", outcome="adopted", text="x")
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("KBH-4", "body_competence")
    assert kbh.get(f"/{p['id']}").get_json() == before


def test_another_district_board_is_outside_the_route_KBH_9(kbh):
    p = kbh.as_(LOCAL_MEMBER).post(
        body="lokalgruppe-amager-oest", title="x", text="y", decision_sought="z", plan=AMAGER_OEST).get_json()
    resp = kbh.as_(DISTRICT_SECRETARY).post(f"/{p['id']}/decision", body="bydelsbestyrelse-tingbjerg-husum",
                                            outcome="adopted", text="x")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "KBH-9"
