"""Albertslund, Slagelse and København at the hook level."""

from datetime import date

from core.hooks.host import PluginHost
from core.rules import Attendee, Ballot, Choice, Delegation, Matter, Procedure, VoteUnit
from tests.hooks.facts import board, file_rules

ALB_BOARD = board(seats=(
    ("va", "VA", "chair", True), ("ab", "AB", "member", True), ("akb", "AKB", "member", True),
    ("akb2", "AKB", "member", True), ("kom", "ALB-KOM", "member", True),
    ("bovest", "BO-VEST", "member", False),
), tenant="albertslund", rules=file_rules("albertslund", "bestyrelse"))
SLA_RULES = file_rules("slagelse", "bestyrelse")
KBH_RULES = file_rules("kobenhavn", "bydelsbestyrelse-amager-vvvk")


def _att(present: dict[str, str | None]):
    return [
        Attendee(s.key, s.organisation, s.role, s.is_voting, present.get(s.key))
        for s in ALB_BOARD.seats
    ]


def test_one_vote_per_organisation_ALB_B2():
    hooks = PluginHost().for_tenant(["albertslund"])
    units = hooks.vote_units(body=ALB_BOARD, attendees=_att({"va": "p1", "akb": "p2", "akb2": "p3", "bovest": "p9"}), matter=Matter("x"))
    assert [u.key for u in units] == ["org:VA", "org:AB", "org:AKB", "org:ALB-KOM"]
    akb = units[2]
    assert akb.casters == {"p2", "p3"} and akb.clause == "ALB-B2"  # either may cast AKB's one vote


def test_quorate_only_when_all_organisations_present_ALB_B3():
    hooks = PluginHost().for_tenant(["albertslund"])
    m = Matter("x")
    units = hooks.vote_units(body=ALB_BOARD, attendees=_att({"va": "a", "ab": "b", "akb": "c"}), matter=m)
    v = hooks.quorum(body=ALB_BOARD, units=units, matter=m)
    assert not v.ok and "ALB-KOM" in v.reason and v.clause == "ALB-B3"
    units = hooks.vote_units(body=ALB_BOARD, attendees=_att({"va": "a", "ab": "b", "akb2": "c", "kom": "d"}), matter=m)
    v = hooks.quorum(body=ALB_BOARD, units=units, matter=m)
    assert v.ok and "alle 4" in v.reason


def test_consensus_then_majority_ALB_B4():
    choice = PluginHost().for_tenant(["albertslund"]).decision_procedure(body=ALB_BOARD, matter=Matter("x"))
    assert choice.procedure is Procedure.CONSENSUS_THEN_MAJORITY and choice.clause == "ALB-B4"


def test_substitute_from_same_organisation_only_ALB_B5():
    hooks = PluginHost().for_tenant(["albertslund"])
    seat = ALB_BOARD.seats[0]
    assert hooks.substitute_allowed(body=ALB_BOARD, seat=seat, substitute_organisations=frozenset({"VA"})).ok
    v = hooks.substitute_allowed(body=ALB_BOARD, seat=seat, substitute_organisations=frozenset({"AB"}))
    assert not v.ok and v.clause == "ALB-B5"


def test_resource_group_decides_nothing_ALB_R1():
    v = PluginHost().for_tenant(["albertslund"]).body_competence(
        body=board(kind="resource_group", competence="advises"), matter=Matter("x"))
    assert not v.ok and v.clause == "ALB-R1"


def test_steering_group_decides_activity_level_only_ALB_S2():
    hooks = PluginHost().for_tenant(["albertslund"])
    sg = board(kind="steering_group", competence="limited")
    assert hooks.body_competence(body=sg, matter=Matter("x", topics=frozenset({"activity"}))).ok
    v = hooks.body_competence(body=sg, matter=Matter("x", topics=frozenset({"sub_agreement"})))
    assert not v.ok and v.clause == "ALB-S2"


def test_one_vote_per_organisation_six_in_all_SLA_4():
    orgs = ["FOB", "SB", "SAB", "SBS", "BK", "SLA-KOM"]
    body = board(seats=tuple((o.lower(), o, "member", True) for o in orgs), tenant="slagelse", rules=SLA_RULES)
    hooks = PluginHost().for_tenant(["slagelse"])
    attendees = [Attendee(s.key, s.organisation, "member", True, f"p{i}") for i, s in enumerate(body.seats)]
    units = hooks.vote_units(body=body, attendees=attendees, matter=Matter("x"))
    assert len(units) == 6 and {u.clause for u in units} == {"SLA-4"}
    ballots = [Ballot(u.key, Choice.YES if i < 4 else Choice.NO) for i, u in enumerate(units)]
    assert hooks.tally(body=body, matter=Matter("x"), units=units, ballots=ballots).passed  # majority


def test_no_objection_procedure_SLA_5():
    choice = PluginHost().for_tenant(["slagelse"]).decision_procedure(
        body=board(tenant="slagelse", rules=SLA_RULES), matter=Matter("x"))
    assert choice.procedure is Procedure.NO_OBJECTION and choice.clause == "SLA-5"


def test_no_stand_ins_KBH_6():
    body = board(kind="district_board", competence="limited", tenant="kobenhavn", rules=KBH_RULES)
    v = PluginHost().for_tenant(["kobenhavn"]).substitute_allowed(
        body=body, seat=body.seats[0], substitute_organisations=frozenset({"VA"}))
    assert not v.ok and v.clause == "KBH-6" and "vikarer" in v.reason


def test_mandate_delegated_for_one_year_at_a_time_KBH_7():
    hooks = PluginHost().for_tenant(["kobenhavn"])
    body = board(kind="district_board", competence="limited", tenant="kobenhavn", rules=KBH_RULES)
    seat = body.seats[0]
    ok = Delegation(seat.key, "AKB", "KAB", date(2024, 3, 1), date(2025, 2, 28))
    too_long = Delegation(seat.key, "AKB", "KAB", date(2024, 3, 1), date(2025, 3, 1))
    assert hooks.delegation_allowed(body=body, seat=seat, delegation=ok).ok
    v = hooks.delegation_allowed(body=body, seat=seat, delegation=too_long)
    assert not v.ok and v.clause == "KBH-7"


GRANTS = {"districts": ["Amager"], "grants": [{"plan": "Plan A", "organisations": ["KAB"]},
                                               {"plan": "Plan B", "organisations": ["FSB"]}]}


def test_district_board_decides_only_its_own_plans_KBH_4():
    hooks = PluginHost().for_tenant(["kobenhavn"])
    body = board(kind="district_board", competence="limited", extra=GRANTS)
    assert hooks.body_competence(body=body, matter=Matter("x", plan="Plan A")).ok
    v = hooks.body_competence(body=body, matter=Matter("x", plan="Plan Z"))
    assert not v.ok and v.clause == "KBH-4"


def test_only_organisations_in_the_grant_decide_KBH_5():
    hooks = PluginHost().for_tenant(["kobenhavn"])
    body = board(kind="district_board", competence="limited", extra=GRANTS, seats=(
        ("kab", "KAB", "member", True), ("fsb", "FSB", "member", True), ("tmf", "TMF", "member", True)))
    attendees = [Attendee(s.key, s.organisation, s.role, True, s.key) for s in body.seats]
    units = hooks.vote_units(body=body, attendees=attendees, matter=Matter("x", plan="Plan A"))
    # Only the housing organisations in the plan's grant; the administration (TMF) takes
    # part but does not vote on the plan's adjustment.
    assert [(u.label, u.eligible) for u in units] == [("KAB", True), ("FSB", False), ("TMF", False)]
    assert {u.clause for u in units} == {"KBH-5"}
    assert "Kommunal forvaltning" in units[2].reason


def test_board_tally_cites_its_clause_and_honours_two_thirds_ALB_B4_SLA_4():
    units = [VoteUnit(k, k) for k in "abcde"]
    ballots = [Ballot(k, Choice.YES if k in "abc" else Choice.NO) for k in "abcde"]
    for plugin, clause in (("albertslund", "ALB-B4"), ("slagelse", "SLA-4")):
        hooks = PluginHost().for_tenant([plugin])
        body = board(tenant=plugin, rules=file_rules(plugin, "bestyrelse"))
        simple = hooks.tally(body=body, matter=Matter("x"), units=units, ballots=ballots)
        assert simple.passed and (simple.clause, simple.source) == (clause, f"tenants/{plugin}.toml")
        strict = hooks.tally(body=body, matter=Matter("x", majority="two_thirds"),
                             units=units, ballots=ballots)
        assert not strict.passed and "2/3" in strict.reason  # 3 of 5 is short of two thirds
