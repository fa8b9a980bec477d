"""Albertslund's route through the API: styregruppe → ressourcegruppe → sekretariat →
bestyrelse (ALB-P1, ALB-S2, ALB-R1, ALB-B12), and the moves its rules refuse."""

import pytest

from tests.fixtures.proposals import api  # noqa: F401

STEERING = "styregruppe-hyldespjaeldet"
STEERING_MEMBER = "hassan.hyldgaard@va.example"
STEERING_SECRETARY = "amina.ali@abc.example"
RESOURCE_SECRETARY = "peter.poulsen@abc.example"  # also the secretariat's koordinator
BOARD_SECRETARY = "sanne.skov@abc.example"

SUB_AGREEMENT_CHANGE = {
    "body": STEERING,
    "title": "Lektiecafé flyttes til Hyldespjældet",
    "text": "Lektiecaféen har få brugere i sin nuværende placering.",
    "decision_sought": "Styregruppen indstiller, at delaftalen om forebyggelse ændres, så lektiecaféen flyttes.",
    "topics": ["sub_agreement", "FF"],
}


@pytest.fixture
def alb(albertslund_with_standing_items, api):
    return api("albertslund")


def _state(alb, pid):
    body = alb.get(f"/{pid}").get_json()
    return body


def test_steering_group_proposal_climbs_to_the_board_via_the_secretariat_ALB_P1_S2_R1_B12(
    alb, plan_meeting, agenda
):
    ff_meeting = plan_meeting("albertslund", "ressourcegruppe-ff", days=10)
    board_meeting = plan_meeting("albertslund", "bestyrelse", days=30, standing=[
        ("Projektstatus", "ALB-B10"), ("Indkomne indstillinger", "ALB-B10"),
        ("Nyt fra parterne", "ALB-B10"),
    ])

    resp = alb.as_(STEERING_MEMBER).post(**SUB_AGREEMENT_CHANGE)
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert p["route"]["clause"] == "ALB-P1" and p["route"]["source"] == "albertslund"
    assert [(s["body"], s["action"], s["clause"]) for s in p["steps"]] == [
        ("ressourcegruppe-ff", "recommend", "ALB-S2"),
        ("sekretariat", "forward", "ALB-R1"),
        ("bestyrelse", "decide", "ALB-B12"),
    ]
    assert p["where"]["body"] == "ressourcegruppe-ff"
    # ALB-S2: it lands as an item on the resource group's next planned meeting.
    assert p["steps"][0]["meeting_id"] == ff_meeting
    assert agenda("albertslund", ff_meeting) == [
        (1, "Indstilling fra Lokal styregruppe Hyldespjældet: Lektiecafé flyttes til Hyldespjældet", None)
    ]

    # The resource group takes a position (it decides nothing, ALB-R1) and carries it on.
    resp = alb.as_(RESOURCE_SECRETARY).post(
        f"/{p['id']}/decision", body="ressourcegruppe-ff", outcome="adopted",
        text="Ressourcegruppen anbefaler ændringen.",
    )
    assert resp.status_code == 200, resp.get_json()
    p = resp.get_json()
    assert p["steps"][0]["outcome"] == "carried_on"
    assert p["steps"][0]["provenance"]["competence"] is None  # a position, not a decision
    # The secretariat holds no meetings: the step waits with the secretariat, which forwards.
    assert p["where"]["body"] == "sekretariat" and p["steps"][1]["meeting_id"] is None

    resp = alb.post(f"/{p['id']}/decision", body="sekretariat", outcome="adopted",
                    text="Videresendt til bestyrelsen.")
    assert resp.status_code == 200, resp.get_json()
    p = resp.get_json()
    assert p["where"]["body"] == "bestyrelse"
    # ALB-B10: on the board's agenda under the standing item for incoming recommendations.
    assert p["steps"][2]["standing_item"] == "Indkomne indstillinger"
    assert agenda("albertslund", board_meeting) == [
        (1, "Projektstatus", "ALB-B10"),
        (2, "Indkomne indstillinger", "ALB-B10"),
        (3, "Indstilling fra Lokal styregruppe Hyldespjældet: Lektiecafé flyttes til Hyldespjældet", None),
        (4, "Nyt fra parterne", "ALB-B10"),
    ]

    resp = alb.as_(BOARD_SECRETARY).post(f"/{p['id']}/decision", body="bestyrelse",
                                         outcome="adopted", text="Bestyrelsen godkender ændringen af delaftalen.")
    assert resp.status_code == 200, resp.get_json()

    # The originating body's member sees where it went and what became of it.
    p = alb.as_(STEERING_MEMBER).get(f"/{p['id']}").get_json()
    assert p["state"] == "adopted"
    assert p["where"] == {"state": "adopted", "step": 3, "body": "bestyrelse",
                          "text": "Vedtaget af Bestyrelsen.", "text_en": "Adopted by Bestyrelsen."}
    board_step = p["steps"][2]
    assert board_step["outcome"] == "adopted"
    assert board_step["decision_text"] == "Bestyrelsen godkender ændringen af delaftalen."
    assert board_step["provenance"]["by"] == "secretary"
    assert board_step["provenance"]["competence"]["ok"] is True
    decided = [e for e in p["history"] if e["kind"] == "decided"]
    assert [(e["step"], e["actor"]) for e in decided] == [
        (1, "Peter Demo Poulsen"), (2, "Peter Demo Poulsen"), (3, "Sanne Demo Skov"),
    ]
    assert next(e["kind"] for e in p["history"]) == "started"
    assert p["history"][-1]["kind"] == "closed"
    listed = alb.get().get_json()
    assert [(x["id"], x["state"]) for x in listed] == [(p["id"], "adopted")]


def test_the_standing_item_is_added_when_the_agenda_lacks_it_ALB_B10(alb, plan_meeting, agenda):
    meeting = plan_meeting("albertslund", "bestyrelse", days=30)
    resp = alb.as_(RESOURCE_SECRETARY).post(
        body="sekretariat", title="Budgetopfølgning", text="Status.", decision_sought="Tages til efterretning.",
    )
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert [(s["body"], s["clause"]) for s in p["steps"]] == [("bestyrelse", "ALB-B12")]
    assert agenda("albertslund", meeting) == [
        (1, "Indkomne indstillinger", "ALB-B10"),
        (2, "Indstilling fra Boligsocialt sekretariat: Budgetopfølgning", None),
    ]
    placed = next(e for e in p["history"] if e["kind"] == "placed")
    assert placed["clause"] == "ALB-B10"


def test_steering_group_decides_activity_level_itself_ALB_S2(alb):
    resp = alb.as_(STEERING_MEMBER).post(
        body=STEERING, title="Sommerfest", text="Fest i gården.",
        decision_sought="Festen holdes 20. juni.", topics=["activity"],
    )
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert [(s["body"], s["action"], s["clause"]) for s in p["steps"]] == [(STEERING, "decide", "ALB-S2")]
    resp = alb.as_(STEERING_SECRETARY).post(f"/{p['id']}/decision", body=STEERING, outcome="adopted",
                                            text="Vedtaget.")
    assert resp.status_code == 200
    step = resp.get_json()["steps"][0]
    assert step["provenance"]["competence"]["clause"] == "ALB-S2"


def test_sub_agreement_change_without_effort_area_refused_ALB_S2(alb, in_tenant):
    data = {**SUB_AGREEMENT_CHANGE, "topics": ["sub_agreement"]}
    resp = alb.as_(STEERING_MEMBER).post(**data)
    assert resp.status_code == 409  # a rule refused (decision 0025)
    body = resp.get_json()
    assert body["clause"] == "ALB-S2" and body["rule"] == "proposal_route"
    assert "indsatsområdet" in body["message"]
    assert alb.get().get_json() == []


def _started(alb):
    alb.as_(STEERING_MEMBER)
    return alb.post(**SUB_AGREEMENT_CHANGE).get_json()


def test_skipping_the_resource_group_is_refused_and_changes_nothing_ALB_S2(alb):
    p = _started(alb)
    before = alb.as_(BOARD_SECRETARY).get(f"/{p['id']}").get_json()
    resp = alb.post(f"/{p['id']}/decision", body="bestyrelse", outcome="adopted", text="Vedtaget.")
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["clause"] == "ALB-S2" and body["rule"] == "proposal_route"
    assert "springes over" in body["message"]
    assert alb.get(f"/{p['id']}").get_json() == before


def test_a_body_outside_the_route_is_refused_ALB_P1(alb):
    p = _started(alb)
    before = alb.as_(RESOURCE_SECRETARY).get(f"/{p['id']}").get_json()
    resp = alb.post(f"/{p['id']}/decision", body="ressourcegruppe-tt", outcome="adopted", text="Nej.")
    assert resp.status_code == 409
    assert resp.get_json()["clause"] == "ALB-P1"
    assert "ikke på forslagets rute" in resp.get_json()["message"]
    assert alb.get(f"/{p['id']}").get_json() == before


def test_resource_group_not_carrying_it_on_stops_it_ALB_S2(alb):
    p = _started(alb)
    resp = alb.as_(RESOURCE_SECRETARY).post(f"/{p['id']}/decision", body="ressourcegruppe-ff",
                                            outcome="rejected", text="Ikke anbefalet.")
    p = resp.get_json()
    assert p["state"] == "stopped"
    assert [s["state"] for s in p["steps"]] == ["done", "not_reached", "not_reached"]
    # A closed proposal takes no further moves.
    resp = alb.post(f"/{p['id']}/decision", body="sekretariat", outcome="adopted", text="x")
    assert resp.status_code == 409


def test_only_the_bodys_secretary_records_its_decision(alb):
    p = _started(alb)
    resp = alb.as_(STEERING_MEMBER).post(f"/{p['id']}/decision", body="ressourcegruppe-ff",
                                         outcome="adopted", text="x")
    assert resp.status_code == 403


def test_someone_unrelated_does_not_see_the_proposal(alb):
    p = _started(alb)
    # A member of another steering group, not on the route.
    alb.as_("tove.thomsen@abc.example")  # secretary of styregruppe-hedemarken
    assert alb.get(f"/{p['id']}").status_code == 404
    assert alb.get().get_json() == []


def test_another_tenants_proposal_answers_404(alb, sync_tenant, api):
    p = _started(alb)
    sync_tenant("slagelse")
    other = api("slagelse").as_("idris.skovgaard@slagelse-boligsocial.example")
    assert other.get(f"/{p['id']}").status_code == 404
