"""Albertslund's Bestyrelse decides through the HTTP API: one vote per organisation
(ALB-B2), quorate only with all four voting organisations (ALB-B3), consensus first and
then majority (ALB-B4), substitutes with the same mandate (ALB-B5); the resource groups
advise (ALB-R1) and the steering groups decide at activity level only (ALB-S2)."""

import pytest

from core.decisions.operations import decision_for_item
from core.extensions import db
from core.meetings.models import AgendaItem

T = "/api/v1/tenants/albertslund"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST's meeting leader (ALB-B6), no vote
SECRETARY = "sanne.skov@abc.example"
VA, AB, AKB, AKB2 = ("vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example",
                     "kamma.berthelsen@akb.example", "henrik.hedegaard@akb.example")
MAYOR, DIRECTOR = "steffen.borg@albertslund.example", "mette.moeller@albertslund.example"
BO_VEST = "ole.westergaard@bo-vest.example"  # sits on the board without a vote (ALB-B2)


@pytest.fixture
def board_item(sync_tenant, decision_item):
    sync_tenant("albertslund")
    return decision_item("albertslund", "bestyrelse", title="Budget for 2021")


def open_motion(member, item, text="Bestyrelsen godkender budgettet.", **options):
    resp = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": text, **options})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def vote(member, email, motion, choice, **extra):
    return member(email).post(f"{T}/motions/{motion['id']}/votes", json={"choice": choice, **extra})


def to_vote(member, motion):
    resp = member(LEADER).post(f"{T}/motions/{motion['id']}/voting")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def close(member, motion, who=LEADER):
    resp = member(who).post(f"{T}/motions/{motion['id']}/close")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_outcome_explained_three_of_four_organisations_ALB_B2_ALB_B3_ALB_B4(board_item, member):
    motion = open_motion(member, board_item)
    assert motion["phase"] == "deliberation"  # consensus is sought first (ALB-B4)
    assert motion["procedure"] == "consensus_then_majority"
    assert motion["procedure_rule"]["clause"] == "ALB-B4"
    assert motion["quorum_at_open"]["clause"] == "ALB-B3" and motion["quorum_at_open"]["ok"]
    motion = to_vote(member, motion)
    assert motion["phase"] == "voting" and motion["quorum_at_voting"]["ok"]
    for email, choice in ((VA, "yes"), (AB, "yes"), (MAYOR, "yes"), (AKB, "no")):
        assert vote(member, email, motion, choice).status_code == 201
    closed = close(member, motion)
    assert closed["phase"] == "closed" and closed["result"] == "adopted"
    # Each vote names its unit as the outcome does: the Kommune by its name, not ALB-KOM.
    assert sorted(v["unit_label"] for v in closed["votes"]) == ["AB", "AKB", "Albertslund Kommune", "VA"]

    outcome = member(SECRETARY).get(f"{T}/motions/{motion['id']}/outcome").get_json()
    assert outcome["stored"] is True and outcome["passed"] is True
    assert outcome["counts"] == {"yes": 3, "no": 1, "abstain": 0}
    assert outcome["votes"] == {"yes": ["VA", "AB", "Albertslund Kommune"], "no": ["AKB"],
                                "abstain": [], "none": []}
    assert ("Vedtaget: 3 af 4 organisationer stemte for (VA, AB, Albertslund Kommune); AKB "
            "stemte imod. Beslutningsdygtig: alle 4 stemmeberettigede organisationer var "
            "repræsenteret (ALB-B3).") in outcome["explanation"]["da"]
    assert ("Adopted: 3 of 4 organisations voted for (VA, AB, Albertslund Kommune); AKB voted "
            "against. Quorate: all 4 voting organisations were represented (ALB-B3).") \
        in outcome["explanation"]["en"]
    # the units: four organisations; BO-VEST and KAB are not among them (ALB-B2)
    assert [(u["key"], u["choice"]) for u in outcome["units"]] == [
        ("org:VA", "yes"), ("org:AB", "yes"), ("org:AKB", "no"), ("org:ALB-KOM", "yes")]
    rules = {p["rule"]: (p["clause"], p["source"]) for p in outcome["provenance"]}
    # the provenance names its source: the board's rules are blocks of the tenant file
    assert rules["decision_procedure"] == ("ALB-B4", "tenants/albertslund.toml")
    assert rules["quorum"] == ("ALB-B3", "tenants/albertslund.toml")
    assert rules["tally"] == ("ALB-B4", "tenants/albertslund.toml")
    assert rules["vote_units"] == ("ALB-B2", "tenants/albertslund.toml")
    assert outcome["quorum"]["at_open"]["ok"] and outcome["quorum"]["at_close"]["ok"]


def test_a_second_representative_of_an_organisation_is_refused_ALB_B2(board_item, member):
    motion = to_vote(member, open_motion(member, board_item))
    assert vote(member, AKB, motion, "no").status_code == 201
    resp = vote(member, AKB2, motion, "yes")  # AKB's other member: AKB has voted
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["clause"] == "ALB-B2" and body["rule"] == "vote_units"
    assert "AKB har allerede stemt" in body["message"]
    votes = member(LEADER).get(f"{T}/motions/{motion['id']}").get_json()["votes"]
    assert [(v["unit"], v["choice"]) for v in votes] == [("org:AKB", "no")]


def test_either_member_of_an_organisation_may_cast_its_vote_ALB_B2(board_item, member):
    motion = to_vote(member, open_motion(member, board_item))
    assert vote(member, DIRECTOR, motion, "yes").status_code == 201  # not the mayor
    assert vote(member, MAYOR, motion, "yes").status_code == 409


@pytest.mark.parametrize("email", [BO_VEST, "karin.kundby@kab.example", SECRETARY])
def test_non_voting_seats_never_vote_ALB_B1_ALB_B2(board_item, member, email):
    motion = to_vote(member, open_motion(member, board_item))
    resp = vote(member, email, motion, "yes")
    assert resp.status_code == 409
    assert resp.get_json()["clause"] == "ALB-B2"
    assert "stemmeret" in resp.get_json()["message"]


def test_a_substitute_casts_the_organisations_vote_ALB_B5(sync_tenant, decision_item, attend,
                                                         meeting_of, member):
    sync_tenant("albertslund")
    item = decision_item("albertslund", "bestyrelse")
    # VA's chair cannot come; VA sends a substitute with the same mandate (ALB-B5)
    attend("albertslund", meeting_of("albertslund", item), "va-formand",
           email="dennis.dahl@va.example", acting_as="substitute")
    motion = to_vote(member, open_motion(member, item))
    resp = vote(member, "dennis.dahl@va.example", motion, "yes")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["unit"] == "org:VA" and resp.get_json()["cast_as"] == "substitute"
    assert vote(member, VA, motion, "no").status_code == 409  # absent, and VA has voted


def test_not_quorate_without_every_voting_organisation_ALB_B3(sync_tenant, decision_item, member):
    sync_tenant("albertslund")
    present = ["va-formand", "ab-formand", "borgmester", "bo-vest-moedeleder", "abc-sekretaer"]
    item = decision_item("albertslund", "bestyrelse", present=present)
    resp = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "x"})
    assert resp.status_code == 409
    body = resp.get_json()
    assert (body["clause"], body["rule"]) == ("ALB-B3", "quorum")
    assert body["message"].startswith("Ikke beslutningsdygtig: AKB var ikke repræsenteret")
    assert member(None).get(f"{T}/items/{item}/motion").status_code == 404  # nothing was stored


def test_quorum_is_checked_again_at_the_close_ALB_B3(board_item, member, attend, meeting_of):
    motion = to_vote(member, open_motion(member, board_item))
    assert vote(member, VA, motion, "yes").status_code == 201
    meeting = meeting_of("albertslund", board_item)
    for seat in ("akb-formand", "akb-hedemarken-forretningsfoerer"):  # AKB leaves
        attend("albertslund", meeting, seat, status="absent")
    closed = close(member, motion)
    assert closed["result"] == "not_quorate"
    outcome = closed["outcome"]
    assert outcome["passed"] is False
    assert outcome["quorum"]["at_open"]["ok"] and not outcome["quorum"]["at_close"]["ok"]
    assert outcome["explanation"]["da"].startswith("Ikke afgjort: mødet var ikke beslutningsdygtigt")
    assert "AKB var ikke repræsenteret" in outcome["explanation"]["da"]


def test_consensus_without_objection_is_adopted_ALB_B4(board_item, member):
    motion = open_motion(member, board_item)
    closed = close(member, motion)
    assert closed["result"] == "adopted"
    assert closed["outcome"]["decided_by"] == "consensus"
    assert closed["outcome"]["explanation"]["da"].startswith(
        "Vedtaget i konsensus: ingen af de 4 fremmødte organisationer gjorde indsigelse (ALB-B4).")


def test_no_votes_while_consensus_is_sought_ALB_B4(board_item, member):
    motion = open_motion(member, board_item)
    resp = vote(member, VA, motion, "yes")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "ALB-B4"


def test_an_objection_ends_consensus_and_the_majority_decides_ALB_B4(board_item, member):
    motion = open_motion(member, board_item)
    resp = member(AKB).post(f"{T}/motions/{motion['id']}/objections", json={"reason": "For dyrt"})
    assert resp.status_code == 201 and resp.get_json()["unit"] == "org:AKB"
    for email, choice in ((VA, "yes"), (AB, "no"), (MAYOR, "no"), (AKB, "no")):
        assert vote(member, email, motion, choice).status_code == 201
    outcome = close(member, motion)["outcome"]
    assert outcome["result"] == "rejected"
    assert outcome["explanation"]["da"].startswith(
        "Afstemning efter indsigelse fra AKB (ALB-B4). Forkastet: 1 af 4 organisationer stemte "
        "for (VA); AB, AKB og Albertslund Kommune stemte imod.")


def test_only_the_meeting_leader_chair_or_secretary_runs_a_motion_ALB_B6(board_item, member, login):
    secretary = member(None)
    login(secretary, SECRETARY)  # the password login, once
    assert member(VA).post(f"{T}/items/{board_item}/motion", json={"text": "x"}).status_code == 403
    resp = secretary.post(f"{T}/items/{board_item}/motion", json={"text": "x"})
    assert resp.status_code == 201
    assert member(VA).post(f"{T}/motions/{resp.get_json()['id']}/close").status_code == 403


def test_a_closed_motion_takes_no_vote_CORE_MOTION_CLOSED(board_item, member):
    motion = to_vote(member, open_motion(member, board_item))
    assert vote(member, VA, motion, "yes").status_code == 201
    close(member, motion)
    resp = vote(member, AB, motion, "yes")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-MOTION-CLOSED"
    assert member(LEADER).post(f"{T}/motions/{motion['id']}/close").status_code == 409


def test_the_resource_groups_take_no_decisions_ALB_R1(sync_tenant, decision_item, member):
    sync_tenant("albertslund")
    item = decision_item("albertslund", "ressourcegruppe-ff")
    resp = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "x"})
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("ALB-R1", "body_competence")


def test_a_steering_group_decides_at_activity_level_only_ALB_S2(sync_tenant, decision_item, member):
    sync_tenant("albertslund")
    change = decision_item("albertslund", "styregruppe-hyldespjaeldet", topics=["sub_agreement"])
    resp = member(SECRETARY).post(f"{T}/items/{change}/motion", json={"text": "Ændr delaftalen"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "ALB-S2"
    activity = decision_item("albertslund", "styregruppe-hyldespjaeldet", topics=["activity"])
    resp = member(SECRETARY).post(f"{T}/items/{activity}/motion", json={"text": "Lektiecafé"})
    assert resp.status_code == 201
    assert resp.get_json()["competence_rule"]["clause"] == "ALB-S2"


def test_only_decision_items_take_motions_CORE_MOTION(sync_tenant, decision_item, member):
    sync_tenant("albertslund")
    item = decision_item("albertslund", "bestyrelse", kind="O")
    resp = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "x"})
    assert resp.status_code == 422 and resp.get_json()["clause"] == "CORE-MOTION"


def test_the_decision_is_readable_by_the_minutes_ALB_B4(board_item, member, in_tenant):
    motion = open_motion(member, board_item)
    with in_tenant("albertslund"):
        assert decision_for_item(db.session.get(AgendaItem, board_item)) is None  # still open
    close(member, motion)
    with in_tenant("albertslund"):
        decision = decision_for_item(db.session.get(AgendaItem, board_item))
    assert decision["text"] == "Bestyrelsen godkender budgettet."
    assert decision["result"] == "adopted" and decision["passed"] is True
    assert decision["explanation"]["da"].startswith("Vedtaget i konsensus")


def test_quorum_is_checked_again_when_voting_opens_ALB_B3(board_item, member, attend, meeting_of):
    motion = open_motion(member, board_item)
    meeting = meeting_of("albertslund", board_item)
    for seat in ("akb-formand", "akb-hedemarken-forretningsfoerer"):  # AKB leaves
        attend("albertslund", meeting, seat, status="absent")
    resp = member(LEADER).post(f"{T}/motions/{motion['id']}/voting")
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("ALB-B3", "quorum")
    assert member(LEADER).get(f"{T}/motions/{motion['id']}").get_json()["phase"] == "deliberation"
    assert member(VA).post(f"{T}/motions/{motion['id']}/voting").status_code == 403
