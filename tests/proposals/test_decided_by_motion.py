"""A motion closing on the agenda item a proposal step placed moves the proposal on through
``record_decision`` (the ``decision_taken`` event hook): Testby's board decides its follow
group's proposal by its vote (one vote per organisation, TST-2; the core's quorum and route,
CORE-QUORUM, CORE-ROUTE) and the decision sets off the plugin's follow-up (TST-8). All
through the HTTP API. Albertslund's and Vejle's boards are tested in their folders
(tests/plugins/albertslund/, tests/plugins/vejle/test_decided_by_motion.py)."""

import pytest
import sqlalchemy as sa

from core import hookimpl
from core.bodies.models import Body
from core.extensions import db
from core.hooks.host import PluginHost
from core.rules.types import BodyFacts, DecisionTaken, TenantFacts
from tests.fixtures.proposals import everyone_attends
from tests.fixtures.testby import BENT, CHAIR, GROUP_MEMBER, KAREN, SECRETARY

T = "/api/v1/tenants/testby"
LEADER = SECRETARY  # the secretary puts the motion (the core's procedure: a vote at once)
PROPOSAL = {
    "body": "gruppe", "title": "Fælles regler for udlån af lokaler",
    "text": "Beboerhusene udlånes efter ens regler.",
    "decision_sought": "Følgegruppen indstiller, at bestyrelsen vedtager reglerne.",
    "topics": ["opfoelgning"],
}


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
def tb(testby, api):
    return api("testby")


def _to_the_board(tb, plan_meeting):
    """The follow group's proposal goes to the board it advises (CORE-ROUTE) and lands on
    the board's planned meeting."""
    board_meeting = plan_meeting("testby", "bestyrelse", days=30, standing=[("Nyt fra parterne", "TST-3")])
    resp = tb.as_(GROUP_MEMBER).post(**PROPOSAL)
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert p["route"]["clause"] == "CORE-ROUTE"
    [step] = p["steps"]
    assert step["body"] == "bestyrelse" and step["meeting_id"] == board_meeting
    return p, step["agenda_item_id"], board_meeting


def _vote(member, motion, votes):
    for email, choice in votes:
        assert member(email).post(f"{T}/motions/{motion['id']}/votes",
                                  json={"choice": choice}).status_code == 201


def test_board_vote_adopts_the_groups_proposal_and_sets_off_its_follow_up_TST_2_TST_8(
    tb, plan_meeting, attend, member, in_tenant
):
    p, item, meeting = _to_the_board(tb, plan_meeting)
    everyone_attends(attend, "testby", meeting, "bestyrelse", in_tenant)
    lead = member(LEADER)
    motion = lead.post(f"{T}/items/{item}/motion",
                       json={"text": "Bestyrelsen vedtager reglerne for udlån."}).get_json()
    assert motion["phase"] == "voting"
    _vote(member, motion, ((CHAIR, "yes"), (KAREN, "yes"), (BENT, "no")))
    closed = lead.post(f"{T}/motions/{motion['id']}/close").get_json()
    assert closed["result"] == "adopted"

    p = tb.as_(SECRETARY).get(f"/{p['id']}").get_json()
    assert p["state"] == "adopted"
    [step] = p["steps"]
    assert step["outcome"] == "adopted"
    assert step["decision_text"] == "Bestyrelsen vedtager reglerne for udlån."
    prov = step["provenance"]
    assert prov["by"] == "motion" and prov["motion_id"] == motion["id"] and prov["item_id"] == item
    assert prov["result"] == "adopted"
    quorum = next(r for r in prov["outcome"]["provenance"] if r["rule"] == "quorum")
    assert quorum["clause"] == "CORE-QUORUM"  # the stored outcome, as provenance
    assert "2 af 3 organisationer" in prov["explanation"]  # one vote per organisation (TST-2)
    assert prov["competence"]["ok"] is True and prov["competence"]["clause"] is not None
    decided = [e for e in p["history"] if e["kind"] == "decided"]
    assert decided[-1]["data"]["provenance"]["by"] == "motion"
    # TST-8: the adopted matter on ``opfoelgning`` is followed up in Boligselskabet A.
    assert [(u["assignee"], u["clause"]) for u in p["follow_ups"]] == [("TST-A", "TST-8")]
    # The body decided by its vote: the secretary cannot decide the step again by hand.
    again = tb.post(f"/{p['id']}/decision", body="bestyrelse", outcome="rejected", text="Nej.")
    assert again.status_code == 409 and again.get_json()["rule"] == "proposal_route"


def test_board_vote_rejects_and_closes_the_proposal_without_follow_ups_TST_2(
    tb, plan_meeting, attend, member, in_tenant
):
    p, item, meeting = _to_the_board(tb, plan_meeting)
    everyone_attends(attend, "testby", meeting, "bestyrelse", in_tenant)
    lead = member(LEADER)
    motion = lead.post(f"{T}/items/{item}/motion", json={"text": "Reglerne vedtages."}).get_json()
    _vote(member, motion, ((CHAIR, "no"), (BENT, "no"), (KAREN, "yes")))
    assert lead.post(f"{T}/motions/{motion['id']}/close").get_json()["result"] == "rejected"
    p = tb.as_(SECRETARY).get(f"/{p['id']}").get_json()
    assert p["state"] == "rejected" and p["steps"][0]["outcome"] == "rejected"
    assert p["follow_ups"] == []


def test_a_motion_without_quorum_leaves_the_step_for_a_new_decision_CORE_QUORUM(
    tb, plan_meeting, attend, member, in_tenant
):
    """Not quorate: nothing was decided, so the proposal waits at the board."""
    p, item, meeting = _to_the_board(tb, plan_meeting)
    everyone_attends(attend, "testby", meeting, "bestyrelse", in_tenant)
    lead = member(LEADER)
    motion = lead.post(f"{T}/items/{item}/motion", json={"text": "Reglerne vedtages."}).get_json()
    assert motion["quorum_at_open"]["ok"]
    # Boligselskabet B's and the municipality's members leave before the close: one
    # organisation of three is no majority of them.
    with in_tenant("testby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        leaving = [s.key for s in body.seats if s.current_holder is not None and s.is_voting
                   and s.organisation.code in ("TST-B", "TST-KOM")]
    assert sorted(leaving) == ["b", "kommune"]
    for key in leaving:
        attend("testby", meeting, key, status="absent")
    assert lead.post(f"{T}/motions/{motion['id']}/close").get_json()["result"] == "not_quorate"
    p = tb.as_(SECRETARY).get(f"/{p['id']}").get_json()
    assert p["state"] == "in_progress" and p["steps"][0]["state"] == "active"
    # Bodies that decide without a motion still have the secretary's door.
    resp = tb.post(f"/{p['id']}/decision", body="bestyrelse", outcome="adopted", text="Vedtaget.")
    assert resp.status_code == 200 and resp.get_json()["state"] == "adopted"
