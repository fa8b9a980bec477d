"""A motion closing on the agenda item a proposal step placed moves the proposal on through
``record_decision`` (the ``decision_taken`` event hook): Albertslund's board decides a
resource group's recommendation by its vote (ALB-B2, ALB-B3, ALB-B12), Vejle's BPU decides
a theme group's proposal by its vote (VEJ-6, VEJ-1). All through the HTTP API."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import hookimpl
from core.bodies.models import Body
from core.extensions import db
from core.hooks.host import PluginHost
from core.models import utcnow
from core.rules.types import BodyFacts, DecisionTaken, TenantFacts
from tests.plugins.albertslund.test_proposals import (
    BOARD_SECRETARY,
    RESOURCE_SECRETARY,
    STEERING_MEMBER,
    SUB_AGREEMENT_CHANGE,
)
from tests.plugins.vejle.test_proposals import FS_SECRETARY, PRINCIPLE, THEME, THEME_MEMBER, THEME_SECRETARY

A = "/api/v1/tenants/albertslund"
V = "/api/v1/tenants/vejle"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST leads the board's meetings (ALB-B6)
VA, AB, AKB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", "kamma.berthelsen@akb.example"
MAYOR = "steffen.borg@albertslund.example"
BOARD_STANDING = [("Projektstatus", "ALB-B10"), ("Indkomne indstillinger", "ALB-B10"),
                  ("Nyt fra parterne", "ALB-B10")]


def test_hook_decision_taken(monkeypatch):
    """The core default does nothing; a plugin's implementation is called with the decision.
    (The core features' own implementations are left out: they read the database.)"""
    seen = []

    class Listener:
        @hookimpl
        def decision_taken(self, tenant, body, decision):
            seen.append((tenant.slug, body.key, decision.item_id, decision.result))
            return ["noted"]

    tenant = TenantFacts(id=1, slug="x", name="X")
    body = BodyFacts(tenant="x", key="b", name="B", kind="board", competence="decides")
    decision = DecisionTaken(motion_id=1, item_id=7, result="adopted", passed=True, text="T")
    assert PluginHost(entry_points=False, features=()).for_tenant(()).collect(
        "decision_taken", tenant=tenant, body=body, decision=decision) == []
    hooks = PluginHost(entry_points=False, plugins={"l": Listener()}, features=()).for_tenant(("l",))
    assert hooks.collect("decision_taken", tenant=tenant, body=body, decision=decision) == ["noted"]
    assert seen == [("x", "b", 7, "adopted")]


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


def _everyone_attends(attend, slug, meeting_id, body_key, in_tenant, leave_out=()):
    """The meeting's day: its agenda went out, the meeting is opened (only a sitting meeting
    decides, CORE-SESSION) and every holder but ``leave_out`` attends."""
    from core.meetings.models import Meeting, MeetingState
    from core.models import utcnow

    with in_tenant(slug):
        meeting = db.session.get(Meeting, meeting_id)
        meeting.state, meeting.agenda_published_at = MeetingState.IN_SESSION, utcnow()
        meeting.session_opened_at = utcnow()
        db.session.commit()
        body = db.session.scalar(sa.select(Body).filter_by(key=body_key))
        seats = [s.key for s in body.seats if s.current_holder_id is not None and s.key not in leave_out]
    for key in seats:
        attend(slug, meeting_id, key)


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


@pytest.fixture
def vejle(sync_tenant, api):
    sync_tenant("vejle")
    return api("vejle")


def test_vejle_route_decided_by_a_real_bpu_vote_with_follow_ups_VEJ_6_VEJ_1(
    vejle, plan_meeting, attend, member, in_tenant
):
    plan_meeting("vejle", THEME, days=40)
    plan_meeting("vejle", "fku", days=50)
    bpu_meeting = plan_meeting("vejle", "bpu", days=60)
    p = vejle.as_(THEME_MEMBER).post(**PRINCIPLE).get_json()
    deadline = (utcnow() + timedelta(days=21)).isoformat()
    assert vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing", deadline_at=deadline).status_code == 200
    for org, who in (("AAB", "aase.albaek@aab.example"), ("OSTERBO", "ole.oestergaard@osterbo.example")):
        assert vejle.as_(who).post(f"/{p['id']}/hearing/responses", organisation=org,
                                   kind="no_comments", text="").status_code == 201
    with in_tenant("vejle"):
        from core.proposals.models import Hearing, ProposalStep

        hearing = db.session.scalar(sa.select(Hearing).join(ProposalStep)
                                    .where(ProposalStep.proposal_id == p["id"]))
        hearing.deadline_at = utcnow() - timedelta(days=1)
        db.session.commit()
    assert vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing/close").status_code == 200
    for body, who in ((THEME, THEME_SECRETARY), ("fku", FS_SECRETARY)):
        assert vejle.as_(who).post(f"/{p['id']}/decision", body=body, outcome="adopted",
                                   text=f"{body} fører forslaget videre.").status_code == 200
    p = vejle.get(f"/{p['id']}").get_json()
    item = p["steps"][3]["agenda_item_id"]
    assert p["steps"][3]["meeting_id"] == bpu_meeting and item is not None

    _everyone_attends(attend, "vejle", bpu_meeting, "bpu", in_tenant)
    lead = member(FS_SECRETARY)
    motion = lead.post(f"{V}/items/{item}/motion", json={"text": "BPU vedtager principperne."})
    assert motion.status_code == 201, motion.get_json()
    motion = motion.get_json()
    for email in ("vagn.vejlby@vejle.example", "birgit.bredal@vejle.example",
                  "joern.jelstrup@vejle.example", "aase.albaek@aab.example",
                  "ole.oestergaard@osterbo.example", "lis.lerche@lejerbo.example"):
        assert member(email).post(f"{V}/motions/{motion['id']}/votes",
                                  json={"choice": "yes"}).status_code == 201
    assert lead.post(f"{V}/motions/{motion['id']}/close").get_json()["result"] == "adopted"

    p = vejle.as_(FS_SECRETARY).get(f"/{p['id']}").get_json()
    assert p["state"] == "adopted"
    assert p["steps"][3]["provenance"]["by"] == "motion"
    assert p["steps"][3]["provenance"]["competence"]["clause"] is not None
    # VEJ-1: the decision of principle goes on to the city council and the boards.
    assert {u["clause"] for u in p["follow_ups"]} == {"VEJ-1"}
    assert "byraadet" in [u["assignee"] for u in p["follow_ups"]]
