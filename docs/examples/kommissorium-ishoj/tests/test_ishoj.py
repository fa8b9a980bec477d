"""Tests of the example plugin, written with the project's pytest fixtures only."""

from kommissorium_ishoj import TENANT_FILE

from core.bodies.facts import body_facts
from core.rules import Attendee, Ballot, Choice, Matter


def _facts(in_tenant):
    import sqlalchemy as sa

    from core.bodies.models import Body
    from core.extensions import db

    with in_tenant("ishoj") as tenant:
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        return body_facts(body, tenant.slug)


def _attendees(facts, present):
    return [Attendee(s.key, s.organisation, s.role, s.is_voting, s.key if s.key in present else None)
            for s in facts.seats]


def test_the_plugin_is_found_through_its_entry_point(host):
    assert "ishoj" in host.plugin_names


def test_the_tenant_file_loads_and_the_api_shows_the_board(sync_tenant, client):
    assert sync_tenant(TENANT_FILE).created
    body = client.get("/api/v1/tenants/ishoj/bodies/bestyrelse").get_json()
    assert [s["organisation"] for s in body["seats"] if s["is_voting"]] == ["ISH-KOM", "VIBO", "DAB", "ISH-BO"]
    assert body["kommissorium"]["approval_mode"] == "board"


def test_weighted_units_ISH_1(sync_tenant, host, in_tenant):
    sync_tenant(TENANT_FILE)
    facts = _facts(in_tenant)
    hooks = host.for_tenant(["ishoj"])
    units = hooks.vote_units(body=facts, attendees=_attendees(facts, {"vibo", "dab"}), matter=Matter("x"))
    assert {u.label: u.weight for u in units} == {"VIBO": 600, "DAB": 300, "ISH-BO": 100, "ISH-KOM": 1000}
    assert {u.clause for u in units} == {"ISH-1"}


def test_quorum_is_half_the_weight_ISH_3(sync_tenant, host, in_tenant):
    sync_tenant(TENANT_FILE)
    facts = _facts(in_tenant)
    hooks = host.for_tenant(["ishoj"])
    m = Matter("x")
    housing_only = hooks.vote_units(body=facts, attendees=_attendees(facts, {"vibo", "dab", "ishbo"}), matter=m)
    assert hooks.quorum(body=facts, units=housing_only, matter=m).ok  # 1000 of 2000
    two = hooks.vote_units(body=facts, attendees=_attendees(facts, {"vibo", "dab"}), matter=m)
    verdict = hooks.quorum(body=facts, units=two, matter=m)
    assert not verdict.ok and verdict.clause == "ISH-3" and "900 af 2000" in verdict.reason


def test_budget_items_need_two_thirds_ISH_2(sync_tenant, host, in_tenant):
    sync_tenant(TENANT_FILE)
    facts = _facts(in_tenant)
    hooks = host.for_tenant(["ishoj"])
    present = {"borgmester", "vibo", "dab", "ishbo"}
    budget = Matter("Budget 2026", topics=frozenset({"budget"}))
    units = hooks.vote_units(body=facts, attendees=_attendees(facts, present), matter=budget)
    # 1300 for, 700 against: a majority (65%) but less than two thirds
    ballots = [Ballot("org:ISH-KOM", Choice.YES), Ballot("org:DAB", Choice.YES),
               Ballot("org:VIBO", Choice.NO), Ballot("org:ISH-BO", Choice.NO)]
    tally = hooks.tally(body=facts, matter=budget, units=units, ballots=ballots)
    assert not tally.passed and tally.clause == "ISH-2" and tally.counts["yes"] == 1300
    ordinary = hooks.tally(body=facts, matter=Matter("Aktivitet"), units=units, ballots=ballots)
    assert ordinary.passed and ordinary.clause == "CORE-MAJORITY"  # weighted simple majority
    with_ishbo = [b if b.unit != "org:ISH-BO" else Ballot("org:ISH-BO", Choice.YES) for b in ballots]
    assert hooks.tally(body=facts, matter=budget, units=units, ballots=with_ishbo).passed  # 1400/2000


def test_only_the_chairs_organisation_sends_substitutes_ISH_4(sync_tenant, host, in_tenant):
    sync_tenant(TENANT_FILE)
    facts = _facts(in_tenant)
    hooks = host.for_tenant(["ishoj"])
    chair, vibo = facts.seats[0], facts.seats[1]
    assert hooks.substitute_allowed(body=facts, seat=chair, substitute_organisations=frozenset({"ISH-KOM"})).ok
    refused = hooks.substitute_allowed(body=facts, seat=vibo, substitute_organisations=frozenset({"VIBO"}))
    assert not refused.ok and refused.clause == "ISH-4"


def _dry_run(client, votes, topics):
    return client.post("/api/v1/tenants/ishoj/bodies/bestyrelse/dry-run", json={
        "matter": {"title": "Budget 2026", "topics": topics}, "votes": votes})


def test_weighted_two_thirds_for_a_budget_through_the_api_ISH_1_ISH_2(sync_tenant, client, login):
    """End to end through the HTTP API (the decisions feature's dry run, the same rules as a
    real motion): 1300 of 2000 weighted votes for a budget is a majority but not two thirds
    (ISH-1, ISH-2); 1400 is enough; an ordinary item passes with the weighted majority."""
    sync_tenant(TENANT_FILE)
    login(client, "sekretaer@ishoj.example")
    split = {"ISH-KOM": "yes", "DAB": "yes", "VIBO": "no", "ISH-BO": "no"}

    resp = _dry_run(client, split, ["budget"])
    assert resp.status_code == 200, resp.get_json()
    budget = resp.get_json()
    assert budget["stored"] is False and budget["result"] == "rejected"
    assert budget["tally"]["clause"] == "ISH-2" and budget["counts"] == {"yes": 1300, "no": 700, "abstain": 0}
    assert "to tredjedele af de afgivne stemmevægte" in budget["tally"]["reason"]
    # The plugin's own reason reaches the explanation members read, with its clause.
    assert "to tredjedele af de afgivne stemmevægte). (ISH-2)" in budget["explanation"]["da"]
    assert "two thirds of the weighted votes cast). (ISH-2)" in budget["explanation"]["en"]
    assert "2000 af 2000 stemmevægte" in budget["quorum"]["at_close"]["reason"]  # ISH-3

    with_ishbo = _dry_run(client, {**split, "ISH-BO": "yes"}, ["budget"]).get_json()
    assert with_ishbo["result"] == "adopted" and with_ishbo["counts"]["yes"] == 1400

    ordinary = _dry_run(client, split, []).get_json()
    assert ordinary["result"] == "adopted" and ordinary["tally"]["clause"] == "CORE-MAJORITY"
