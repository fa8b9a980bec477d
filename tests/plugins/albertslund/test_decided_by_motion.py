"""A motion closing on the agenda item a proposal step placed moves the proposal on through
``record_decision``: Albertslund's board decides a resource group's recommendation by its
vote (ALB-B2, ALB-B3, ALB-B12). All through the HTTP API. The core's side is tested on
Testby (tests/proposals/test_decided_by_motion.py)."""

import pytest
import sqlalchemy as sa

from core.bodies.models import Body
from core.extensions import db
from tests.plugins.albertslund.test_proposals import (
    BOARD_SECRETARY,
    RESOURCE_SECRETARY,
    STEERING_MEMBER,
    SUB_AGREEMENT_CHANGE,
)
from tests.fixtures.proposals import api  # noqa: F401
from tests.fixtures.proposals import everyone_attends as _everyone_attends

A = "/api/v1/tenants/albertslund"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST leads the board's meetings (ALB-B6)
VA, AB, AKB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", "kamma.berthelsen@akb.example"
MAYOR = "steffen.borg@albertslund.example"
BOARD_STANDING = [("Projektstatus", "ALB-B10"), ("Indkomne indstillinger", "ALB-B10"),
                  ("Nyt fra parterne", "ALB-B10")]


@pytest.fixture
def alb(albertslund_with_standing_items, api):
    return api("albertslund")


def _to_the_board(alb, plan_meeting):
    """Start a sub-agreement change; the resource group and the secretariat carry it on by
    hand (a position, ALB-R1): it lands on the board's planned meeting (ALB-B12)."""
    plan_meeting("albertslund", "ressourcegruppe-ff", days=10)
    board_meeting = plan_meeting("albertslund", "bestyrelse", days=30, standing=BOARD_STANDING)
    p = alb.as_(STEERING_MEMBER).post(**SUB_AGREEMENT_CHANGE).get_json()
    assert alb.as_(RESOURCE_SECRETARY).post(
        f"/{p['id']}/decision", body="ressourcegruppe-ff", outcome="adopted",
        text="Ressourcegruppen anbefaler ændringen.").status_code == 200
    p = alb.post(f"/{p['id']}/decision", body="sekretariat", outcome="adopted",
                 text="Videresendt til bestyrelsen.").get_json()
    step = p["steps"][2]
    assert step["body"] == "bestyrelse" and step["meeting_id"] == board_meeting
    return p, step["agenda_item_id"], board_meeting


def test_board_vote_adopts_a_resource_group_recommendation_ALB_B2_ALB_B3_ALB_B12(
    alb, plan_meeting, attend, member, in_tenant
):
    p, item, meeting = _to_the_board(alb, plan_meeting)
    _everyone_attends(attend, "albertslund", meeting, "bestyrelse", in_tenant)
    lead = member(LEADER)
    motion = lead.post(f"{A}/items/{item}/motion",
                       json={"text": "Bestyrelsen godkender ændringen af delaftalen."}).get_json()
    assert lead.post(f"{A}/motions/{motion['id']}/voting").status_code == 200  # ALB-B4
    for email, choice in ((VA, "yes"), (AB, "yes"), (MAYOR, "yes"), (AKB, "no")):
        assert member(email).post(f"{A}/motions/{motion['id']}/votes",
                                  json={"choice": choice}).status_code == 201
    closed = lead.post(f"{A}/motions/{motion['id']}/close").get_json()
    assert closed["result"] == "adopted"

    p = alb.as_(BOARD_SECRETARY).get(f"/{p['id']}").get_json()
    assert p["state"] == "adopted"
    step = p["steps"][2]
    assert step["outcome"] == "adopted"
    assert step["decision_text"] == "Bestyrelsen godkender ændringen af delaftalen."
    prov = step["provenance"]
    assert prov["by"] == "motion" and prov["motion_id"] == motion["id"] and prov["item_id"] == item
    assert prov["result"] == "adopted"
    quorum = next(r for r in prov["outcome"]["provenance"] if r["rule"] == "quorum")
    assert quorum["clause"] == "ALB-B3"  # the stored outcome, as provenance
    assert "3 af 4 organisationer" in prov["explanation"]  # one vote per organisation (ALB-B2)
    assert prov["competence"]["ok"] is True
    decided = [e for e in p["history"] if e["kind"] == "decided"]
    assert decided[-1]["data"]["provenance"]["by"] == "motion"
    # The body decided by its vote: the secretary cannot decide the step again by hand.
    again = alb.post(f"/{p['id']}/decision", body="bestyrelse", outcome="rejected", text="Nej.")
    assert again.status_code == 409 and again.get_json()["rule"] == "proposal_route"


def test_board_vote_rejects_and_closes_the_proposal_ALB_B12(
    alb, plan_meeting, attend, member, in_tenant
):
    p, item, meeting = _to_the_board(alb, plan_meeting)
    _everyone_attends(attend, "albertslund", meeting, "bestyrelse", in_tenant)
    lead = member(LEADER)
    motion = lead.post(f"{A}/items/{item}/motion", json={"text": "Ændringen godkendes."}).get_json()
    lead.post(f"{A}/motions/{motion['id']}/voting")
    for email, choice in ((VA, "no"), (AB, "no"), (MAYOR, "yes"), (AKB, "no")):
        member(email).post(f"{A}/motions/{motion['id']}/votes", json={"choice": choice})
    assert lead.post(f"{A}/motions/{motion['id']}/close").get_json()["result"] == "rejected"
    p = alb.as_(BOARD_SECRETARY).get(f"/{p['id']}").get_json()
    assert p["state"] == "rejected" and p["steps"][2]["outcome"] == "rejected"


def test_a_motion_without_quorum_leaves_the_step_for_a_new_decision_ALB_B3(
    alb, plan_meeting, attend, member, in_tenant
):
    """Not quorate: nothing was decided, so the proposal waits at the board (ALB-B3)."""
    p, item, meeting = _to_the_board(alb, plan_meeting)
    _everyone_attends(attend, "albertslund", meeting, "bestyrelse", in_tenant)
    lead = member(LEADER)
    motion = lead.post(f"{A}/items/{item}/motion", json={"text": "Ændringen godkendes."}).get_json()
    assert motion["quorum_at_open"]["ok"]
    # AKB's members leave before the close: no longer every voting organisation (ALB-B3).
    with in_tenant("albertslund"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        akb = [s.key for s in body.seats if s.current_holder is not None
               and any(a.organisation.code == "AKB" for a in s.current_holder.affiliations)]
    assert akb
    for key in akb:
        attend("albertslund", meeting, key, status="absent")
    assert lead.post(f"{A}/motions/{motion['id']}/close").get_json()["result"] == "not_quorate"
    p = alb.as_(BOARD_SECRETARY).get(f"/{p['id']}").get_json()
    assert p["state"] == "in_progress" and p["steps"][2]["state"] == "active"
    # Bodies that decide without a motion still have the secretary's door.
    resp = alb.post(f"/{p['id']}/decision", body="bestyrelse", outcome="adopted", text="Vedtaget.")
    assert resp.status_code == 200 and resp.get_json()["state"] == "adopted"
