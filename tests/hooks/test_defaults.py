"""The core's default rules — what a tenant without plugins gets. One test per hook spec
(``test_hook_<name>``), checked by tests/test_docs.py."""

from datetime import UTC, date, datetime

import pytest

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
    VoteUnit,
)
from tests.hooks.facts import board


@pytest.fixture(scope="module")
def hooks():
    return PluginHost(entry_points=False).for_tenant([])


def test_hook_substitute_allowed(hooks):
    body = board()
    meeting = MeetingFacts(1, body.key, datetime(2024, 3, 1, 15, tzinfo=UTC), "agenda_published")
    v = hooks.substitute_allowed(body=body, seat=body.seats[0], substitute_organisations=frozenset(),
                                 meeting=meeting, requested_at=datetime(2024, 3, 1, 16, tzinfo=UTC),
                                 substitute="a@example.org")
    assert v.ok and v.clause == "CORE-SUBSTITUTE"  # the core asks nothing of the moment
    assert not meeting.has_started


def test_hook_delegation_allowed(hooks):
    body = board()
    d = Delegation("formand", "VA", "KAB", date(2024, 1, 1), date(2024, 12, 31), to_person="k@kab.example",
                   registered_by="f@va.example", registered_at=datetime(2023, 12, 1, tzinfo=UTC))
    v = hooks.delegation_allowed(body=body, seat=body.seats[0], delegation=d, meeting=None,
                                 requested_at=datetime(2023, 12, 1, tzinfo=UTC))
    assert not v.ok and v.clause == "CORE-MANDATE"


def test_hook_dissent_allowed(hooks):
    v = hooks.dissent_allowed(body=board(), matter=Matter("Budget"))
    assert v.ok and v.clause == "CORE-DISSENT" and v.source == "core"


def test_hook_information_recipients(hooks):
    body = board(information_recipients=("DAB", "FA09"))
    assert hooks.collect("information_recipients", body=body) == ["DAB", "FA09"]


def test_hook_body_competence(hooks):
    assert hooks.body_competence(body=board(), matter=Matter("x")).ok
    advisory = hooks.body_competence(body=board(competence="advises"), matter=Matter("x"))
    assert not advisory.ok and advisory.clause == "CORE-COMPETENCE"


def test_hook_extraordinary_meeting_allowed(hooks):
    body = board()
    assert hooks.extraordinary_meeting_allowed(body=body, caller=Caller("p", frozenset({"chair"}))).ok
    assert hooks.extraordinary_meeting_allowed(body=body, caller=Caller(None, on_behalf_of="secretariat")).ok
    refused = hooks.extraordinary_meeting_allowed(body=body, caller=Caller("p", frozenset({"member"})))
    assert not refused.ok and refused.clause == "CORE-EXTRAORDINARY"


def test_hook_vote_units(hooks):
    body = board()
    attendees = [
        Attendee("a", "VA", "member", True, "p1"),
        Attendee("b", "VA", "member", True, "p2"),
        Attendee("c", "AB", "member", True, None),
        Attendee("s", "ABC", "secretary", False, "p3"),
    ]
    units = hooks.vote_units(body=body, attendees=attendees, matter=Matter("x"))
    # one person, one vote; the secretary's seat does not vote
    assert [(u.key, u.present) for u in units] == [("seat:a", True), ("seat:b", True), ("seat:c", False)]


def test_hook_quorum(hooks):
    body = board()
    units = [VoteUnit("1", "1", casters=frozenset({"p"})), VoteUnit("2", "2"), VoteUnit("3", "3", casters=frozenset({"q"}))]
    v = hooks.quorum(body=body, units=units, matter=Matter("x"))
    assert v.ok and v.clause == "CORE-QUORUM" and "2 af 3" in v.reason
    v = hooks.quorum(body=body, units=units[:2], matter=Matter("x"))
    assert not v.ok  # 1 of 2 is not a majority


def test_hook_decision_procedure(hooks):
    choice = hooks.decision_procedure(body=board(), matter=Matter("x"))
    assert choice.procedure is Procedure.VOTE and choice.clause == "CORE-PROCEDURE"


def test_hook_tally(hooks):
    units = [VoteUnit(str(i), str(i)) for i in range(4)]
    yes2_no1 = [Ballot("0", Choice.YES), Ballot("1", Choice.YES), Ballot("2", Choice.NO), Ballot("3", Choice.ABSTAIN)]
    t = hooks.tally(body=board(), matter=Matter("x"), units=units, ballots=yes2_no1)
    assert t.passed and t.counts == {"yes": 2, "no": 1, "abstain": 1}
    tie = [Ballot("0", Choice.YES), Ballot("1", Choice.NO)]
    assert not hooks.tally(body=board(), matter=Matter("x"), units=units, ballots=tie).passed


def test_hook_meeting_rules(hooks):
    body = board(notice_days=5, minutes_due_days=14, approval_mode="email", approval_due_days=28,
                 meetings_per_year=2, sources={"notice_days": "ALB-B8", "meetings_per_year": "ALB-B7"})
    rules = hooks.meeting_rules(body=body)
    assert rules.notice.days == 5 and rules.notice.clause == "ALB-B8"
    assert rules.meetings_per_year == 2 and rules.clause == "ALB-B7"
    assert rules.minutes_due.clause is None  # no source named in the tenant file
    assert rules.minutes_due.days == 14 and rules.approval_due.days == 28
    assert rules.approval_mode == "email" and rules.submission_deadline is None


def test_hook_minutes_approvers(hooks):
    body = board(seats=(("formand", "VA", "chair", True), ("sekretaer", "ABC", "secretary", False)))
    attendees = [Attendee("formand", "VA", "chair", True, None), Attendee("sekretaer", "ABC", "secretary", False, None)]
    assert hooks.minutes_approvers(body=body, attendees=attendees) == ["formand"]


def test_hook_standing_items(hooks):
    assert hooks.collect("standing_items", body=board(), meeting_number=1, year=2024) == []


def test_hook_proposal_route(hooks):
    group = board(key="gruppe", kind="follow_group", competence="advises", parent="bestyrelse")
    route = hooks.proposal_route(body=group, matter=Matter("x"), bodies=[group, board()])
    assert [(s.target, s.action) for s in route.steps] == [("bestyrelse", "decide")]
    assert hooks.proposal_route(body=board(), matter=Matter("x"), bodies=[board()]).steps == ()


def test_hook_follow_ups(hooks):
    assert hooks.collect("follow_ups", body=board(), matter=Matter("x"), passed=True) == []


def test_hook_validate_body(hooks):
    assert hooks.collect("validate_body", body=board()) == []


def test_hook_describe_rules(hooks):
    """The core default describes the competence and the tenant file's kommissorium facts,
    each with the clause [bodies.sources] gives it (or a CORE-* clause)."""
    body = board(meetings_per_year=4, notice_days=5, minutes_due_days=14, approval_mode="email",
                 approval_due_days=28, information_recipients=("DAB",),
                 sources={"notice_days": "X-8", "approval_mode": "X-9"})
    rules = {r.clause: r for r in hooks.collect("describe_rules", body=body)}
    assert set(rules) == {"CORE-COMPETENCE", "CORE-MEETINGS-PER-YEAR", "X-8", "CORE-MINUTES-DUE-DAYS",
                          "X-9", "CORE-INFORMATION-RECIPIENTS"}
    assert rules["CORE-COMPETENCE"].text == "Bestyrelsen træffer beslutninger inden for sit kommissorium."
    assert rules["X-8"].text == "Dagsorden og materiale udsendes senest 5 dage før mødet."
    assert rules["X-9"].text == "Medlemmerne godkender referatet pr. e-mail senest 28 dage efter mødet."
    assert rules["X-8"].source == "tenants/test.toml" and rules["CORE-COMPETENCE"].source == "core"
    assert all(r.text_en for r in rules.values())
    advisory = hooks.collect("describe_rules", body=board(competence="advises"))
    assert [r.text for r in advisory] == [
        "Bestyrelsen er rådgivende og træffer ikke beslutninger; det indstiller til andre organer."]


def test_hook_written_procedure_allowed(hooks):
    body, matter = board(), Matter("Sommerfest")
    for roles in ({"chair"}, {"meeting_leader"}, {"secretary"}, {"secretariat"}):
        v = hooks.written_procedure_allowed(body=body, caller=Caller("p", frozenset(roles)), matter=matter)
        assert v.ok and v.clause == "CORE-WRITTEN-START"
    refused = hooks.written_procedure_allowed(body=body, caller=Caller("p", frozenset({"member"})),
                                              matter=matter)
    assert not refused.ok and refused.clause == "CORE-WRITTEN-START" and refused.reason_en


def _units(*keys, ineligible=()):
    return [VoteUnit(k, k, eligible=k not in ineligible) for k in keys]


def test_hook_written_procedure_outcome(hooks):
    from core.rules import WrittenAnswer

    body, matter = board(), Matter("Sommerfest")
    units = _units("org:A", "org:B", "org:C", ineligible=("org:C",))

    def ask(answers, deadline_passed=False):
        return hooks.written_procedure_outcome(body=body, matter=matter, units=units,
                                               answers=answers, deadline_passed=deadline_passed)

    waiting = ask([WrittenAnswer("org:A", "agree")])
    assert not waiting.settled and waiting.clause == "CORE-WRITTEN-DECIDED"
    decided = ask([WrittenAnswer("org:A", "agree"), WrittenAnswer("org:B", "abstain")])
    assert decided.settled and decided.decided  # the ineligible unit is not waited for
    objected = ask([WrittenAnswer("org:A", "object", "Nej")])
    assert not objected.settled  # the other answers are awaited for the meeting
    assert not ask([WrittenAnswer("org:A", "object", "Nej"), WrittenAnswer("org:B", "agree")]).decided
    late = ask([WrittenAnswer("org:A", "agree")], deadline_passed=True)
    assert late.settled and not late.decided and "1 af 2" in late.reason


def test_hook_written_procedure_fallback(hooks):
    from core.rules import WrittenOutcome

    f = hooks.written_procedure_fallback(body=board(), matter=Matter("x"),
                                         outcome=WrittenOutcome(True, False, "Indsigelse."))
    assert f.action == "next_meeting" and f.clause == "CORE-WRITTEN-FALLBACK" and f.reason_en


def test_hook_disqualification_effect(hooks):
    """CORE-DISQUALIFIED: the unit votes through another representative of the same
    organisation present on a voting seat and not disqualified; with none it does not vote,
    and the disqualified member is never a caster."""
    body = board(seats=(("formand", "VA", "chair", True), ("va2", "VA", "member", True),
                        ("ab", "AB", "member", True)))
    attendees = [Attendee("formand", "VA", "chair", True, "f@va.example"),
                 Attendee("va2", "VA", "member", True, "m@va.example"),
                 Attendee("ab", "AB", "member", True, "a@ab.example"),
                 Attendee("obs", "VA", "observer", False, "o@va.example")]
    # a seat unit: its vote passes to VA's other voting representative, not to the observer
    seat = VoteUnit("seat:formand", "formand", casters=frozenset({"f@va.example"}))
    e = hooks.disqualification_effect(body=body, matter=Matter("Køb af ejendom"), unit=seat,
                                      attendees=attendees, disqualified=frozenset({"f@va.example"}))
    assert e.casters == frozenset({"m@va.example"}) and e.eligible
    assert (e.clause, e.source) == ("CORE-DISQUALIFIED", "core") and "anden" in e.reason
    assert "another representative" in e.reason_en
    # an organisation's unit with both representatives disqualified: it does not vote
    org = VoteUnit("org:VA", "VA", casters=frozenset({"f@va.example", "m@va.example"}))
    both = frozenset({"f@va.example", "m@va.example"})
    e = hooks.disqualification_effect(body=body, matter=Matter("x"), unit=org, attendees=attendees,
                                      disqualified=both)
    assert e.casters == frozenset() and e.eligible  # still counted among the eligible
    assert "tæller ikke som til stede" in e.reason and e.clause == "CORE-DISQUALIFIED"
