"""A closed motion's decision — text, result, explanation and dissents — appears in the
meeting's minutes entry for its item, through the minutes API and, once the minutes are
approved (ALB-B9), the public API; a closed item's public minutes still hide the
confidential part (ALB-B11)."""

import pytest

T = "/api/v1/tenants/albertslund"
P = "/api/v1/public/tenants/albertslund"
LEADER = "lise.lindholm@bo-vest.example"
SECRETARY = "sanne.skov@abc.example"
VA, AB, AKB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", "kamma.berthelsen@akb.example"
MAYOR = "steffen.borg@albertslund.example"
SECRET_TEXT = "Medarbejderen NN afskediges med virkning fra 1. november."


@pytest.fixture
def board(sync_tenant, create_meeting, create_item, attend, in_tenant):
    """A board meeting every member attends, with an open item and a closed one."""
    import sqlalchemy as sa

    from core.bodies.models import Body
    from core.extensions import db

    sync_tenant("albertslund")
    meeting = create_meeting("albertslund", "bestyrelse")
    with in_tenant("albertslund"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        seats = [s.key for s in body.seats if s.current_holder_id is not None]
    for key in seats:
        attend("albertslund", meeting, key)
    budget = create_item("albertslund", meeting, title="Budget for 2021")
    personnel = create_item("albertslund", meeting, title="Personalesag", confidential=True)
    return meeting, budget, personnel


def _decide(member, item, text, votes):
    lead = member(LEADER)
    motion = lead.post(f"{T}/items/{item}/motion", json={"text": text}).get_json()
    assert lead.post(f"{T}/motions/{motion['id']}/voting").status_code == 200
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


def test_closed_motion_writes_decision_result_explanation_and_dissents_into_the_minutes_SLA_6(
    board, member
):
    meeting, budget, _ = board
    motion = _decide(member, budget, "Bestyrelsen godkender budgettet for 2021.",
                     ((VA, "yes"), (AB, "yes"), (MAYOR, "yes"), (AKB, "no")))
    # A dissent before the close travels with the decision (SLA-6) ...
    assert member(AKB).post(f"{T}/motions/{motion['id']}/dissents",
                            json={"text": "AKB finder budgettet for stramt."}).status_code == 201
    closed = _close(member, motion)
    entry = _entries(member, SECRETARY, meeting)[budget]
    assert entry["decision"] == "Bestyrelsen godkender budgettet for 2021."
    assert entry["result"] == "adopted"
    assert entry["explanation"] == closed["outcome"]["explanation"]["da"]
    assert "3 af 4 organisationer" in entry["explanation"]
    assert [(d["organisation"], d["text"]) for d in entry["dissents"]] == [
        ("AKB", "AKB finder budgettet for stramt.")]
    # ... and one recorded after the close joins the minutes too.
    assert member(VA).post(f"{T}/motions/{motion['id']}/dissents",
                           json={"text": "VA ønsker en midtvejsstatus."}).status_code == 201
    entry = _entries(member, SECRETARY, meeting)[budget]
    assert [d["organisation"] for d in entry["dissents"]] == ["AKB", "VA"]
    # The draft is the members' business: nobody else sees it yet.
    assert member(None).get(f"{P}/meetings/{meeting}").get_json()["items"][0]["decision"] is None


def test_closed_items_decision_is_published_without_the_confidential_part_ALB_B11(
    board, member, in_tenant
):
    meeting, budget, personnel = board
    everyone = ((VA, "yes"), (AB, "yes"), (MAYOR, "yes"), (AKB, "yes"))
    _close(member, _decide(member, budget, "Budgettet godkendes.", everyone))
    _close(member, _decide(member, personnel, SECRET_TEXT, everyone))

    members_view = _entries(member, SECRETARY, meeting)[personnel]
    assert members_view["decision"] == SECRET_TEXT and members_view["result"] == "adopted"
    assert members_view["public_decision"] == "Vedtaget."  # until the secretary words it

    # Held, sent and approved by every member by e-mail (ALB-B9): the minutes are public.
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
    items = {i["position"]: i for i in public["items"]}
    assert items[1]["decision"] == "Budgettet godkendes." and items[1]["result"] == "adopted"
    assert "4 af 4 organisationer" in items[1]["explanation"]
    closed = items[2]
    assert closed["title"] == "Lukket punkt" and closed["is_confidential"]
    assert closed["decision"] == "Vedtaget." and closed["result"] == "adopted"
    assert closed["explanation"] is None
    assert SECRET_TEXT not in str(public) and "Personalesag" not in str(public)


def test_a_rejected_motion_is_not_minuted_as_decided_ALB_B4(board, member):
    meeting, budget, _ = board
    motion = _decide(member, budget, "Budgettet godkendes.",
                     ((VA, "no"), (AB, "no"), (MAYOR, "yes"), (AKB, "no")))
    assert _close(member, motion)["result"] == "rejected"
    entry = _entries(member, SECRETARY, meeting)[budget]
    assert entry["result"] == "rejected"
    assert entry["decision"] == "Forkastet. Forslaget var: Budgettet godkendes."
