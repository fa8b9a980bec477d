"""Votes given in the room (a show of hands) on Albertslund's board, recorded by its meeting
leader (ALB-B6) through the HTTP API: the same rules as a vote cast in person — one vote
per organisation (ALB-B2) — all of a batch or none of it, never in a secret ballot, and
always with who recorded it. Copenhagen's recorded votes (KBH-5, KBH-6, KBH-7) are in
tests/plugins/kobenhavn/test_recorded_votes.py."""

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.decisions.models import Vote
from core.extensions import db

T = "/api/v1/tenants/albertslund"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST's meeting leader (ALB-B6), no vote
VA, AB, AKB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", "kamma.berthelsen@akb.example"


@pytest.fixture
def board_motion(sync_tenant, decision_item, member):
    """An Albertslund board motion put to the vote, every seat present."""
    sync_tenant("albertslund")
    item = decision_item("albertslund", "bestyrelse", title="Budget for 2021")
    motion = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "Budgettet godkendes."})
    assert motion.status_code == 201, motion.get_json()
    motion = member(LEADER).post(f"{T}/motions/{motion.get_json()['id']}/voting").get_json()
    assert motion["phase"] == "voting"
    return motion["id"]


def record(member, base, motion, votes, who):
    return member(who).post(f"{base}/motions/{motion}/recorded-votes",
                            json={"votes": [{"unit": u, "choice": c} for u, c in votes]})


def stored_votes(in_tenant, slug, motion):
    with in_tenant(slug):
        return {v.unit_key: (v.choice.value, v.cast_by.email if v.cast_by else None,
                             v.recorded_by.email if v.recorded_by else None)
                for v in db.session.scalars(sa.select(Vote).where(Vote.motion_id == motion))}


def test_the_leader_records_a_show_of_hands_one_vote_per_organisation_ALB_B2(
        board_motion, member, in_tenant):
    resp = record(member, T, board_motion, [("VA", "yes"), ("org:AB", "yes"),
                                            ("Albertslund Kommune", "yes"), ("AKB", "no")], LEADER)
    assert resp.status_code == 201, resp.get_json()
    votes = {v["unit"]: v for v in resp.get_json()}
    assert set(votes) == {"org:VA", "org:AB", "org:ALB-KOM", "org:AKB"}
    assert votes["org:VA"]["recorded_by"] == "Lise Demo Lindholm"
    assert votes["org:VA"]["cast_as"] == "holder"
    stored = stored_votes(in_tenant, "albertslund", board_motion)
    # the vote is the present representative's; who recorded it is kept beside it
    assert stored["org:VA"] == ("yes", VA, LEADER)
    assert stored["org:AKB"][0] == "no" and stored["org:AKB"][2] == LEADER
    # the organisation has voted: its member cannot vote again (ALB-B2)
    again = member(AKB).post(f"{T}/motions/{board_motion}/votes", json={"choice": "yes"})
    assert again.status_code == 409 and again.get_json()["clause"] == "ALB-B2"
    closed = member(LEADER).post(f"{T}/motions/{board_motion}/close").get_json()
    assert closed["result"] == "adopted" and closed["outcome"]["counts"] == {
        "yes": 3, "no": 1, "abstain": 0}
    with in_tenant("albertslund"):
        actions = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.subject == f"motion:{board_motion}",
            AuditEntry.action == "vote.recorded")).all()
    assert len(actions) == 4 and {a.actor_id for a in actions} == {actions[0].actor_id}


def test_a_batch_with_one_bad_unit_records_nothing_and_names_the_entry(board_motion, member, in_tenant):
    resp = record(member, T, board_motion, [("VA", "yes"), ("BO-VEST", "yes")], LEADER)
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["errors"]["json"]["votes"]["1"]["unit"] == ["BO-VEST er ikke stemmeberettiget i Bestyrelsen."]
    twice = record(member, T, board_motion, [("VA", "yes"), ("org:VA", "no")], LEADER)
    assert twice.status_code == 422 and "to gange" in twice.get_json()["errors"]["json"]["votes"]["1"]["unit"][0]
    bad_choice = record(member, T, board_motion, [("VA", "maybe")], LEADER)
    assert bad_choice.status_code == 422 and "choice" in bad_choice.get_json()["errors"]["json"]["votes"]["0"]
    assert stored_votes(in_tenant, "albertslund", board_motion) == {}


def test_a_unit_that_voted_in_person_stops_the_whole_batch_ALB_B2(board_motion, member, in_tenant):
    assert member(AB).post(f"{T}/motions/{board_motion}/votes", json={"choice": "no"}).status_code == 201
    resp = record(member, T, board_motion, [("VA", "yes"), ("AB", "yes")], LEADER)
    assert resp.status_code == 409
    assert resp.get_json()["clause"] == "ALB-B2" and "AB har allerede stemt" in resp.get_json()["message"]
    assert stored_votes(in_tenant, "albertslund", board_motion) == {"org:AB": ("no", AB, None)}


def test_only_the_leader_chair_or_secretary_records(board_motion, member, in_tenant):
    resp = record(member, T, board_motion, [("AB", "yes")], VA)
    assert resp.status_code == 403
    assert resp.get_json()["message"] == ("Kun mødelederen, formanden eller sekretæren kan "
                                          "registrere stemmer fra mødet.")
    assert stored_votes(in_tenant, "albertslund", board_motion) == {}


def test_a_secret_ballot_cannot_be_recorded_by_the_leader(sync_tenant, decision_item, member):
    sync_tenant("albertslund")
    item = decision_item("albertslund", "bestyrelse")
    motion = member(LEADER).post(f"{T}/items/{item}/motion",
                                 json={"text": "Valg af formand", "secret": True}).get_json()
    motion = member(LEADER).post(f"{T}/motions/{motion['id']}/voting").get_json()
    resp = record(member, T, motion["id"], [("VA", "yes")], LEADER)
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SECRET"


def test_the_leader_corrects_a_recorded_vote_and_the_change_is_kept(board_motion, member, in_tenant):
    assert record(member, T, board_motion, [("VA", "yes")], LEADER).status_code == 201
    resp = member(LEADER).put(f"{T}/motions/{board_motion}/votes/org:VA", json={"choice": "no"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["choice"] == "no"
    assert stored_votes(in_tenant, "albertslund", board_motion)["org:VA"] == ("no", VA, LEADER)
    # a vote cast in person stays its caster's alone
    assert member(AB).post(f"{T}/motions/{board_motion}/votes", json={"choice": "yes"}).status_code == 201
    refused = member(LEADER).put(f"{T}/motions/{board_motion}/votes/org:AB", json={"choice": "no"})
    assert refused.status_code == 409 and refused.get_json()["clause"] == "CORE-VOTE-CHANGE"
