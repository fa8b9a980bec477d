"""Slagelse's route through the API: a local følgegruppe feeds the board (SLA-11)."""

import pytest

from tests.fixtures.proposals import api  # noqa: F401

FOLLOW_GROUP = "foelgegruppe-ringparken"
MEMBER = "rikke.ravn@slagelse.example"
BOARD_SECRETARY = "idris.skovgaard@slagelse-boligsocial.example"


@pytest.fixture
def sla(sync_tenant, api):
    sync_tenant("slagelse")
    return api("slagelse")


def test_follow_group_recommends_to_the_board_which_decides_SLA_11(sla, plan_meeting, agenda):
    meeting = plan_meeting("slagelse", "bestyrelse", days=20, standing=[("Økonomi", "SLA-10")])
    resp = sla.as_(MEMBER).post(
        body=FOLLOW_GROUP, title="Nattevandring i Ringparken", text="Tryghedsvandringer to gange om ugen.",
        decision_sought="Følgegruppen indstiller, at bestyrelsen afsætter midler til nattevandring.",
    )
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert p["route"]["clause"] == "SLA-11" and p["route"]["source"] == "slagelse"
    assert [(s["body"], s["action"], s["clause"]) for s in p["steps"]] == [("bestyrelse", "decide", "SLA-11")]
    # No standing item receives recommendations in Slagelse: the item goes last.
    assert agenda("slagelse", meeting) == [
        (1, "Økonomi", "SLA-10"),
        (2, "Indstilling fra Lokal følgegruppe Ringparken: Nattevandring i Ringparken", None),
    ]
    resp = sla.as_(BOARD_SECRETARY).post(f"/{p['id']}/decision", body="bestyrelse", outcome="rejected",
                                         text="Ingen midler i år; genoptages ved budgetrevisionen.")
    assert resp.status_code == 200, resp.get_json()
    p = sla.as_(MEMBER).get(f"/{p['id']}").get_json()
    assert p["state"] == "rejected"
    assert p["where"]["text"] == "Forkastet af Den boligsociale bestyrelse."
    assert p["where"]["text_en"] == "Rejected by Den boligsociale bestyrelse."
    assert p["steps"][0]["decision_text"] == "Ingen midler i år; genoptages ved budgetrevisionen."


def test_a_step_without_a_planned_meeting_waits_and_is_placed_later_SLA_11(sla, plan_meeting, agenda):
    p = sla.as_(MEMBER).post(body=FOLLOW_GROUP, title="x", text="y", decision_sought="z").get_json()
    assert p["steps"][0]["meeting_id"] is None
    assert "venter på et planlagt møde" in p["where"]["text"]
    assert p["where"]["text_en"].endswith("(waiting for a planned meeting).")
    assert sla.as_(BOARD_SECRETARY).post(f"/{p['id']}/place").status_code == 409
    meeting = plan_meeting("slagelse", "bestyrelse", days=5)
    resp = sla.post(f"/{p['id']}/place")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["steps"][0]["meeting_id"] == meeting
    assert len(agenda("slagelse", meeting)) == 1
    assert sla.post(f"/{p['id']}/place").status_code == 409  # placed once


def test_a_non_member_may_not_start_in_a_follow_group_CORE_ORIGIN(sla):
    resp = sla.as_("frede.fogh@fob.example").post(body=FOLLOW_GROUP, title="x", text="y", decision_sought="z")
    assert resp.status_code == 403 and resp.get_json()["clause"] == "CORE-ORIGIN"


def test_a_motion_on_the_agenda_item_decides_through_the_same_door_SLA_11(
    sla, plan_meeting, in_tenant, host
):
    """The motions feature will find the step from its agenda item and call record_decision."""
    from core.extensions import db
    from core.proposals import operations

    plan_meeting("slagelse", "bestyrelse", days=20)
    p = sla.as_(MEMBER).post(body=FOLLOW_GROUP, title="x", text="y", decision_sought="z").get_json()
    item_id = p["steps"][0]["agenda_item_id"]
    with in_tenant("slagelse") as tenant:
        step = operations.step_for_agenda_item(item_id)
        assert step.proposal.id == p["id"]
        operations.record_decision(
            host.for_tenant(tenant.plugins), tenant, step.proposal, step.body, passed=True,
            text="Vedtaget uden indsigelser.", provenance={"by": "motion", "motion_id": 7},
        )
        db.session.commit()
        assert operations.step_for_agenda_item(item_id + 1000) is None
    step = sla.get(f"/{p['id']}").get_json()["steps"][0]
    assert step["provenance"]["by"] == "motion" and step["provenance"]["competence"]["ok"]
    assert sla.get(f"/{p['id']}").get_json()["state"] == "adopted"
