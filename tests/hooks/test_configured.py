"""The building blocks a tenant file chooses (``[bodies.rules]``), answered by the hooks
after the tenant's plugins and before the core's defaults (core/hooks/configured.py)."""

from datetime import UTC, date, datetime

import pytest

from core import hookimpl
from core.hooks.host import PluginHost
from core.rules import (
    Attendee,
    Ballot,
    Caller,
    Choice,
    Delegation,
    Matter,
    MeetingFacts,
    Procedure,
    Rulebook,
    VoteUnit,
)
from core.rules.configured import problems, unknown_organisations
from tests.hooks.facts import board

SEATS = (("formand", "A", "chair", True), ("b1", "B", "member", True), ("b2", "B", "member", True),
         ("kom", "KOM", "member", True), ("sekr", "KOM", "secretary", False))
FILE = "tenants/test.toml"


def body(municipality="KOM", **rules):
    return board(seats=SEATS, rules=rules, municipality=municipality)


def hooks(*plugins, **registered):
    return PluginHost(entry_points=False, plugins=registered).for_tenant(list(plugins or registered))


def attendees(*present):
    return [Attendee(k, o, r, v, f"p-{k}" if k in present else None) for k, o, r, v in SEATS]


def units_present(*labels):
    return [VoteUnit(f"org:{x}", x, casters=frozenset({"p"} if x in labels else set()))
            for x in ("A", "B", "KOM")]


# ------------------------------------------------------------------------- vote units


def test_one_vote_per_organisation_or_per_seat_with_the_blocks_clause():
    h = hooks()
    per_org = body(vote_units={"clause": "T-2", "per": "organisation"})
    units = h.vote_units(body=per_org, attendees=attendees("b1", "b2"), matter=Matter("x"))
    assert [(u.key, u.clause, u.source) for u in units] == [
        ("org:A", "T-2", FILE), ("org:B", "T-2", FILE), ("org:KOM", "T-2", FILE)]
    assert units[1].casters == {"p-b1", "p-b2"}  # either of B's members casts B's one vote
    per_seat = body(vote_units={"clause": "T-2", "per": "seat"})
    units = h.vote_units(body=per_seat, attendees=attendees(), matter=Matter("x"))
    assert [u.key for u in units] == ["seat:formand", "seat:b1", "seat:b2", "seat:kom"]


def test_weights_per_organisation_count_in_the_tally():
    h = hooks()
    b = body(vote_units={"clause": "T-2", "per": "organisation", "weights": {"A": 3, "B": 1, "KOM": 1}},
             majority={"clause": "T-3"})
    units = h.vote_units(body=b, attendees=attendees("formand", "b1", "kom"), matter=Matter("x"))
    assert [(u.label, u.weight) for u in units] == [("A", 3), ("B", 1), ("KOM", 1)]
    ballots = [Ballot("org:A", Choice.YES), Ballot("org:B", Choice.NO), Ballot("org:KOM", Choice.NO)]
    tally = h.tally(body=b, matter=Matter("x"), units=units, ballots=ballots)
    assert tally.passed and tally.counts["yes"] == 3 and tally.clause == "T-3"


# ---------------------------------------------------------------------------- quorum


@pytest.mark.parametrize("rules, present, ok, words", [
    ({"all_units": True}, ("A", "B"), False, "KOM var ikke repræsenteret"),
    ({"all_units": True}, ("A", "B", "KOM"), True, "alle 3"),
    ({"share": "majority"}, ("A", "B"), True, "2 af 3"),
    ({"share": "majority"}, ("A",), False, "1 af 3"),
    ({"share": "2/3"}, ("A", "B"), True, "mindst 2/3"),
    ({"share": "3/4"}, ("A", "B"), False, "mindst 3/4"),
    ({"count": 2}, ("A", "KOM"), True, "mindst 2"),
    ({"share": "majority", "required": ["municipality"]}, ("A", "B"), False,
     "KOM skal være til stede"),
    ({"share": "majority", "required": ["municipality"]}, ("A", "KOM"), True, "2 af 3"),
])
def test_quorum_by_all_units_a_share_a_count_and_required_organisations(rules, present, ok, words):
    b = body(quorum={"clause": "T-4", **rules})
    v = hooks().quorum(body=b, units=units_present(*present), matter=Matter("x"))
    assert (v.ok, v.clause, v.source) == (ok, "T-4", FILE)
    assert words in v.reason and "(T-4)" in v.reason and v.reason_en


def test_the_quorum_blocks_own_words_follow_the_count():
    b = body(quorum={"clause": "T-4", "count": 2, "text": "Kommunen tæller med.",
                     "text_en": "The municipality counts."})
    v = hooks().quorum(body=b, units=units_present("A", "B"), matter=Matter("x"))
    assert v.reason.endswith("(T-4). Kommunen tæller med.") and v.reason_en.endswith("The municipality counts.")


# ------------------------------------------------------------------ procedure, majority


@pytest.mark.parametrize("kind", list(Procedure))
def test_the_procedure_block_chooses_the_procedure(kind):
    choice = hooks().decision_procedure(body=body(procedure={"clause": "T-5", "kind": kind.value}),
                                        matter=Matter("x"))
    assert (choice.procedure, choice.clause, choice.source) == (kind, "T-5", FILE)
    own = hooks().decision_procedure(
        body=body(procedure={"clause": "T-5", "kind": kind.value, "text": "Sådan gør vi."}), matter=Matter("x"))
    assert own.reason == "Sådan gør vi."


def _ballots(yes, no):
    units = [VoteUnit(f"org:{x}", x) for x in ("A", "B", "KOM", "D", "E")][: yes + no]
    votes = [Ballot(u.key, Choice.YES if i < yes else Choice.NO) for i, u in enumerate(units)]
    return units, votes


def test_a_qualified_majority_for_budgets_and_the_motions_own_majority():
    b = body(majority={"clause": "T-6", "share": "simple", "for_topics": {"budget": "two_thirds"}})
    units, votes = _ballots(2, 1)
    h = hooks()
    assert h.tally(body=b, matter=Matter("x"), units=units, ballots=votes).passed
    units, votes = _ballots(3, 2)
    budget = h.tally(body=b, matter=Matter("x", topics=frozenset({"budget"})), units=units, ballots=votes)
    assert not budget.passed and "kvalificeret flertal (2/3)" in budget.reason and budget.clause == "T-6"
    # the motion asks two thirds (a core option): never less than that
    strict = h.tally(body=b, matter=Matter("x", majority="two_thirds"), units=units, ballots=votes)
    assert not strict.passed
    three_quarters = body(majority={"clause": "T-6", "share": "3/4"})
    units, votes = _ballots(3, 1)
    t = h.tally(body=three_quarters, matter=Matter("x"), units=units, ballots=votes)
    assert t.passed and "(3/4)" in t.reason


def test_the_chairs_casting_vote_on_a_tie_in_an_open_vote_only():
    b = body(majority={"clause": "T-7", "casting_vote": "chair"})
    units, votes = _ballots(2, 2)  # A (the chair's organisation) voted yes
    t = hooks().tally(body=b, matter=Matter("x"), units=units, ballots=votes)
    assert t.passed and t.clause == "T-7"
    assert "Stemmelighed (2 mod 2): formanden (A) stemte for" in t.reason
    assert "the chair's vote decides (T-7)" in t.reason_en
    # a secret ballot's units are anonymous: no ballot is the chair's, and a tie fails
    secret = [VoteUnit(f"ballot:{n}", str(n)) for n in range(4)]
    anonymous = [Ballot(u.key, Choice.YES if n < 2 else Choice.NO) for n, u in enumerate(secret)]
    t = hooks().tally(body=b, matter=Matter("x"), units=secret, ballots=anonymous)
    assert not t.passed and "Stemmelighed" not in t.reason


# -------------------------------------------------------------- substitutes, mandates

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
MEETING = MeetingFacts(id=1, body="bestyrelse", starts_at=START, state="planned")


def test_substitutes_forbidden_same_organisation_and_before_the_meeting():
    h = hooks()
    seat = body().seats[1]  # B's
    no = body(substitutes={"clause": "T-8", "allowed": False, "text": "Ingen vikarer."})
    v = h.substitute_allowed(body=no, seat=seat, substitute_organisations=frozenset({"B"}))
    assert (v.ok, v.clause, v.reason) == (False, "T-8", "Ingen vikarer.")
    same = body(substitutes={"clause": "T-8", "allowed": True, "same_organisation": True,
                             "before_meeting": True})
    assert h.substitute_allowed(body=same, seat=seat, substitute_organisations=frozenset({"B"})).ok
    other = h.substitute_allowed(body=same, seat=seat, substitute_organisations=frozenset({"A"}))
    assert not other.ok and "samme organisation (B)" in other.reason
    late = h.substitute_allowed(body=same, seat=seat, substitute_organisations=frozenset({"B"}),
                                meeting=MEETING, requested_at=START)
    assert not late.ok and "fuldmagt" in late.reason and late.clause == "T-8"
    early = h.substitute_allowed(body=same, seat=seat, substitute_organisations=frozenset({"B"}),
                                 meeting=MEETING, requested_at=datetime(2026, 3, 1, tzinfo=UTC))
    assert early.ok


def test_delegation_length_recipient_and_registration_before_the_meeting():
    h = hooks()
    seat = body().seats[1]
    b = body(delegation={"clause": "T-9", "allowed": True, "max_years": 1, "to": "person",
                         "before_meeting": True})
    ok = Delegation(seat.key, "B", "A", date(2024, 3, 1), date(2025, 2, 28), to_person="x@a.example",
                    registered_at=datetime(2026, 3, 1, tzinfo=UTC))
    assert h.delegation_allowed(body=b, seat=seat, delegation=ok).ok
    assert h.delegation_allowed(body=b, seat=seat, delegation=ok, meeting=MEETING, requested_at=START).ok
    too_long = Delegation(seat.key, "B", "A", date(2024, 3, 1), date(2025, 3, 1), to_person="x@a.example")
    v = h.delegation_allowed(body=b, seat=seat, delegation=too_long)
    assert not v.ok and v.reason == "Et mandat kan kun lægges for et år ad gangen (senest 2025-02-28)."
    nobody = Delegation(seat.key, "B", "A", date(2024, 3, 1), date(2024, 6, 1))
    assert "navngiven person" in h.delegation_allowed(body=b, seat=seat, delegation=nobody).reason
    late = Delegation(seat.key, "B", "A", date(2024, 3, 1), date(2024, 6, 1), to_person="x@a.example",
                      registered_at=START)
    v = h.delegation_allowed(body=b, seat=seat, delegation=late, meeting=MEETING, requested_at=START)
    assert not v.ok and "før mødet" in v.reason
    days = body(delegation={"clause": "T-9", "allowed": True, "max_days": 30})
    v = h.delegation_allowed(body=days, seat=seat,
                             delegation=Delegation(seat.key, "B", "A", date(2024, 3, 1), date(2024, 4, 1)))
    assert not v.ok and "højst 30 dage" in v.reason
    never = body(delegation={"clause": "T-9", "allowed": False})
    assert not h.delegation_allowed(body=never, seat=seat, delegation=ok).ok


def test_who_may_start_a_written_procedure():
    b = body(written_procedure={"clause": "T-10", "roles": ["chair", "secretariat"]})
    h = hooks()
    assert h.written_procedure_allowed(body=b, caller=Caller("c", frozenset({"chair"})), matter=Matter("x")).ok
    v = h.written_procedure_allowed(body=b, caller=Caller("s", frozenset({"secretary"})), matter=Matter("x"))
    assert not v.ok and v.reason == "Kun formanden eller sekretariatet kan sende et forslag til skriftlig behandling."
    assert v.clause == "T-10"


# ------------------------------------------------------------------------ precedence


class Stricter:
    @hookimpl
    def substitute_allowed(self, body, seat):
        return Rulebook("stricter").refuse("P-1", "Plugin siger nej.")


def test_a_plugin_overrides_a_block_and_a_block_overrides_the_core():
    b = body(substitutes={"clause": "T-8", "allowed": True})
    seat = b.seats[0]
    with_plugin = hooks(stricter=Stricter()).substitute_allowed(body=b, seat=seat, substitute_organisations=frozenset())
    assert (with_plugin.ok, with_plugin.clause, with_plugin.source) == (False, "P-1", "stricter")
    block = hooks().substitute_allowed(body=b, seat=seat, substitute_organisations=frozenset())
    assert (block.clause, block.source) == ("T-8", FILE)
    core = hooks().substitute_allowed(body=body(), seat=seat, substitute_organisations=frozenset())
    assert (core.clause, core.source) == ("CORE-SUBSTITUTE", "core")


# ---------------------------------------------------------------- checks and the page


@pytest.mark.parametrize("rules, where, words", [
    ({"quorum": {"clause": "T-4", "share": "most"}}, ("rules.quorum", "share"), "brøk"),
    ({"quorum": {"clause": "T-4", "share": "majority", "count": 3}}, ("rules.quorum", "count"), "vælg én"),
    ({"quorum": {"clause": "T-4"}}, ("rules.quorum", ""), "beslutningsdygtigt"),
    ({"majority": {"share": "simple"}}, ("rules.majority", "clause"), "punkt i kommissoriet"),
    ({"majority": {"clause": "T-6", "share": "simple", "colour": "red"}}, ("rules.majority", "colour"), "ukendt felt"),
    ({"procedure": {"clause": "T-5", "kind": "lottery"}}, ("rules.procedure", "kind"), "skal være en af"),
    ({"vetoes": {"clause": "T-1"}}, ("rules.vetoes", ""), "ukendt byggesten"),
    ({"delegation": {"clause": "T-9", "allowed": "yes"}}, ("rules.delegation", "allowed"), "true eller false"),
    ({"vote_units": {"clause": "T-2", "per": "organisation", "weights": {"A": 0}}},
     ("rules.vote_units", "weights"), "helt tal"),
    ({"written_procedure": {"clause": "T-10", "roles": ["king"]}}, ("rules.written_procedure", "roles"), "chair"),
])
def test_a_wrong_block_is_named_with_its_field_and_clause(rules, where, words):
    found = problems(body(**rules))
    assert [(p.entry, p.field) for p in found] == [where], found
    assert words in found[0].message
    clause = next(iter(rules.values())).get("clause")
    assert found[0].clause == (clause if where[1] != "clause" else None)


def test_the_municipality_is_required_only_where_the_tenant_names_one():
    found = problems(body(municipality=None, quorum={"clause": "T-4", "required": ["municipality"]}))
    assert [(p.field, p.clause) for p in found] == [("required", "T-4")]
    unknown = unknown_organisations(body(quorum={"clause": "T-4", "required": ["NOPE"]}), {"A", "B", "KOM"})
    assert [(p.entry, p.field, p.message) for p in unknown] == [
        ("rules.quorum", "required", "ukendt organisation: NOPE")]


def test_the_kommissorium_page_describes_each_clause_once():
    b = body(procedure={"clause": "T-5", "kind": "consensus_then_majority",
                        "description": "Konsensus, ellers flertal.", "description_en": "Consensus, else majority."},
             majority={"clause": "T-5", "share": "simple", "casting_vote": "chair"},
             quorum={"clause": "T-4", "share": "majority", "required": ["municipality"]})
    described = {d.clause: d for d in hooks().collect("describe_rules", body=b)}
    assert described["T-5"].text == "Konsensus, ellers flertal." and described["T-5"].source == FILE
    assert described["T-4"].text == ("Organet er beslutningsdygtigt, når mere end halvdelen af de "
                                     "stemmeberettigede er til stede, og KOM er til stede.")
    only_majority = body(majority={"clause": "T-6", "share": "two_thirds", "casting_vote": "chair"})
    [d] = [d for d in hooks().collect("describe_rules", body=only_majority) if d.clause == "T-6"]
    assert d.text == ("En afstemning afgøres ved kvalificeret flertal (2/3). Ved stemmelighed er "
                      "formandens stemme afgørende.")
