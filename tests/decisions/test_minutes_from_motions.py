"""A closed motion's decision — text, result, explanation and dissents — appears in the
meeting's minutes entry for its item, through the minutes API and, once the minutes are
approved (Testby's board approves them by e-mail, TST-6), the public API; a closed item's
public minutes still hide the confidential part (CORE-CLOSED-ITEMS). Testby's board holds
one vote per organisation (TST-2): Boligselskabet A, B and the municipality."""

import pytest

from tests.fixtures.testby import BENT, CHAIR, KAREN
from tests.fixtures.testby import SECRETARY as LEADER

T = "/api/v1/tenants/testby"
P = "/api/v1/public/tenants/testby"
SECRETARY = LEADER
SECRET_TEXT = "Medarbejderen NN afskediges med virkning fra 1. november."


@pytest.fixture
def board(testby, create_meeting, create_item, attend, in_tenant):
    """A board meeting every member attends, with an open item and a closed one."""
    import sqlalchemy as sa

    from core.bodies.models import Body
    from core.extensions import db

    meeting = create_meeting("testby", "bestyrelse")
    with in_tenant("testby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        seats = [s.key for s in body.seats if s.current_holder_id is not None]
    for key in seats:
        attend("testby", meeting, key)
    budget = create_item("testby", meeting, title="Budget for 2021")
    personnel = create_item("testby", meeting, title="Personalesag", confidential=True)
    return meeting, budget, personnel


def _decide(member, item, text, votes):
    lead = member(LEADER)
    motion = lead.post(f"{T}/items/{item}/motion", json={"text": text}).get_json()
    assert motion["phase"] == "voting", motion  # the core's procedure: a plain vote from the start
    for email, choice in votes:
        assert member(email).post(f"{T}/motions/{motion['id']}/votes",
                                  json={"choice": choice}).status_code == 201
    return motion


def _close(member, motion):
    closed = member(LEADER).post(f"{T}/motions/{motion['id']}/close")
    assert closed.status_code == 200, closed.get_json()
    return closed.get_json()


def _entries(member, who, meeting):
    resp = member(who).get(f"{T}/meetings/{meeting}/minutes")
    assert resp.status_code == 200, resp.get_json()
    versions = resp.get_json()["versions"]
    return {e["item_id"]: e for e in versions[0]["entries"]} if versions else {}


def test_closed_motion_writes_decision_result_explanation_and_dissents_into_the_minutes_CORE_DISSENT(
    board, member
):
    meeting, budget, _ = board
    motion = _decide(member, budget, "Bestyrelsen godkender budgettet for 2021.",
                     ((CHAIR, "yes"), (KAREN, "yes"), (BENT, "no")))
    # A dissent before the close travels with the decision ...
    assert member(BENT).post(f"{T}/motions/{motion['id']}/dissents",
                             json={"text": "B finder budgettet for stramt."}).status_code == 201
    closed = _close(member, motion)
    entry = _entries(member, SECRETARY, meeting)[budget]
    assert entry["decision"] == "Bestyrelsen godkender budgettet for 2021."
    assert entry["result"] == "adopted"
    assert entry["explanation"] == closed["outcome"]["explanation"]["da"]
    assert "Vedtaget: 2 af 3 organisationer stemte for" in entry["explanation"]
    assert [(d["organisation"], d["text"]) for d in entry["dissents"]] == [
        ("TST-B", "B finder budgettet for stramt.")]
    # ... and one recorded after the close joins the minutes too.
    assert member(KAREN).post(f"{T}/motions/{motion['id']}/dissents",
                              json={"text": "Kommunen ønsker en midtvejsstatus."}).status_code == 201
    entry = _entries(member, SECRETARY, meeting)[budget]
    assert [d["organisation"] for d in entry["dissents"]] == ["TST-B", "TST-KOM"]
    # The draft is the members' business: nobody else sees it yet.
    assert member(None).get(f"{P}/meetings/{meeting}").get_json()["items"][0]["decision"] is None


def test_closed_items_decision_is_published_without_the_confidential_part_TST_6(
    board, member, in_tenant
):
    meeting, budget, personnel = board
    everyone = ((CHAIR, "yes"), (BENT, "yes"), (KAREN, "yes"))
    _close(member, _decide(member, budget, "Budgettet godkendes.", everyone))
    _close(member, _decide(member, personnel, SECRET_TEXT, everyone))

    members_view = _entries(member, SECRETARY, meeting)[personnel]
    assert members_view["decision"] == SECRET_TEXT and members_view["result"] == "adopted"
    assert members_view["public_decision"] == "Vedtaget."  # until the secretary words it

    # Held, sent and approved by every member by e-mail (TST-6): the minutes are public.
    lead = member(SECRETARY)
    assert lead.post(f"{T}/meetings/{meeting}/held").status_code == 200
    resp = lead.post(f"{T}/meetings/{meeting}/send-minutes")
    assert resp.status_code == 200, resp.get_json()  # the motions wrote every B decision
    awaiting = lead.get(f"{T}/meetings/{meeting}/minutes").get_json()["awaiting_approval_from"]
    assert awaiting
    for email in awaiting:
        assert member(email).post(f"{T}/meetings/{meeting}/minutes/approvals").status_code == 200
    public = member(None).get(f"{P}/meetings/{meeting}").get_json()
    assert public["minutes_approved_at"] is not None
    items = {i["title"]: i for i in public["items"]}
    budget_item = items["Budget for 2021"]
    assert budget_item["decision"] == "Budgettet godkendes." and budget_item["result"] == "adopted"
    assert "3 af 3 organisationer" in budget_item["explanation"]
    closed = items["Lukket punkt"]
    assert closed["is_confidential"]
    assert closed["decision"] == "Vedtaget." and closed["result"] == "adopted"
    assert closed["explanation"] is None
    assert SECRET_TEXT not in str(public) and "Personalesag" not in str(public)


def test_a_rejected_motion_is_not_minuted_as_decided(board, member):
    meeting, budget, _ = board
    motion = _decide(member, budget, "Budgettet godkendes.",
                     ((CHAIR, "no"), (BENT, "no"), (KAREN, "yes")))
    assert _close(member, motion)["result"] == "rejected"
    entry = _entries(member, SECRETARY, meeting)[budget]
    assert entry["result"] == "rejected"
    assert entry["decision"] == "Forkastet. Forslaget var: Budgettet godkendes."
