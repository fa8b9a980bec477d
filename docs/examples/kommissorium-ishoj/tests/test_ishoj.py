"""Tests of the example plugin, written with the project's pytest fixtures only."""

from datetime import timedelta

import pytest

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
    assert [s["organisation"] for s in body["seats"] if s["is_voting"]] == ["ISH-KOM", "VIBO", "DAB", "DAB", "ISH-BO"]
    assert body["kommissorium"]["approval_mode"] == "tacit"  # ISH-11
    assert body["kommissorium"]["approval_due"] == {"days": 5, "clause": "ISH-11"}


def test_weighted_units_ISH_1(sync_tenant, host, in_tenant):
    sync_tenant(TENANT_FILE)
    facts = _facts(in_tenant)
    hooks = host.for_tenant(["ishoj"])
    units = hooks.vote_units(body=facts, attendees=_attendees(facts, {"vibo", "dab"}), matter=Matter("x"))
    assert {u.label: u.weight for u in units} == {"VIBO": 600, "DAB": 300, "ISH-BO": 100, "ISH-KOM": 1000}
    assert {u.clause for u in units} == {"ISH-1"}


def test_quorum_is_more_than_half_the_weight_ISH_3(sync_tenant, host, in_tenant):
    sync_tenant(TENANT_FILE)
    facts = _facts(in_tenant)
    hooks = host.for_tenant(["ishoj"])
    m = Matter("x")
    with_ishbo = hooks.vote_units(body=facts, attendees=_attendees(facts, {"borgmester", "ishbo"}), matter=m)
    assert hooks.quorum(body=facts, units=with_ishbo, matter=m).ok  # 1100 of 2000
    alone = hooks.vote_units(body=facts, attendees=_attendees(facts, {"borgmester"}), matter=m)
    verdict = hooks.quorum(body=facts, units=alone, matter=m)
    assert not verdict.ok and verdict.clause == "ISH-3" and "1000 af 2000" in verdict.reason


def test_never_quorate_without_the_municipality_ISH_6(sync_tenant, host, in_tenant):
    """The rule reads the tenant's own municipality from the facts (``body.municipality``),
    not from a code written into the plugin."""
    sync_tenant(TENANT_FILE)
    facts = _facts(in_tenant)
    assert facts.municipality == "ISH-KOM"
    hooks = host.for_tenant(["ishoj"])
    m = Matter("x")
    housing = hooks.vote_units(body=facts, attendees=_attendees(facts, {"vibo", "dab", "ishbo"}), matter=m)
    verdict = hooks.quorum(body=facts, units=housing, matter=m)  # 1000 of 2000, and no municipality
    assert not verdict.ok and verdict.clause == "ISH-6" and "ISH-KOM var ikke til stede" in verdict.reason


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


API = "/api/v1/tenants/ishoj"
SECRETARY, MAYOR = "sekretaer@ishoj.example", "borgmester@ishoj.example"
VIBO, DAB, ISHBO = "vibo@ishoj.example", "dab@ishoj.example", "ishbo@ishoj.example"
DAB2 = "dab2@ishoj.example"


def test_each_member_casts_their_own_weighted_vote_on_a_budget_ISH_1_ISH_2(sync_tenant, decision_item, member):
    """A meeting as it happens over HTTP: each member logged in on a client of their own
    votes for their organisation; 1300 of 2000 weighted votes is not two thirds (ISH-2)."""
    sync_tenant(TENANT_FILE)
    item = decision_item("ishoj", "bestyrelse", topics=("budget",), title="Budget 2026")
    motion = member(SECRETARY).post(f"{API}/items/{item}/motion", json={"text": "Budgettet vedtages"})
    assert motion.status_code == 201, motion.get_json()
    motion = motion.get_json()
    for email, choice in {MAYOR: "yes", DAB: "yes", VIBO: "no", ISHBO: "no"}.items():
        resp = member(email).post(f"{API}/motions/{motion['id']}/votes", json={"choice": choice})
        assert resp.status_code == 201, resp.get_json()
    # one vote per organisation: VIBO's member cannot vote again for it
    again = member(VIBO).post(f"{API}/motions/{motion['id']}/votes", json={"choice": "yes"})
    assert again.status_code == 409
    closed = member(SECRETARY).post(f"{API}/motions/{motion['id']}/close")
    assert closed.status_code == 200, closed.get_json()
    outcome = closed.get_json()["outcome"]
    assert outcome["result"] == "rejected" and outcome["counts"] == {"yes": 1300, "no": 700, "abstain": 0}
    assert "(ISH-2)" in outcome["explanation"]["da"] and "(ISH-2)" in outcome["explanation"]["en"]


def test_a_substitute_only_with_a_power_of_attorney_before_the_meeting_ISH_5(
    sync_tenant, create_meeting, member, clock
):
    """The hook receives the meeting and the moment of the request: registered the day
    before, the chair's substitute is allowed (ISH-4); registered once the meeting has
    begun, refused with ISH-5, and nothing is recorded."""
    from core.meetings.models import MeetingState
    from core.testing_meetings import MEETING_DAY

    sync_tenant(TENANT_FILE)
    meeting = create_meeting("ishoj", "bestyrelse", state=MeetingState.AGENDA_PUBLISHED)
    substitute = {"status": "present", "acting_as": "substitute", "person": SECRETARY}
    clock.set(MEETING_DAY - timedelta(days=1))
    before = member(SECRETARY).put(f"{API}/meetings/{meeting}/attendance/borgmester", json=substitute)
    assert before.status_code == 200, before.get_json()
    assert before.get_json()["verdict"]["clause"] == "ISH-4"

    clock.set(MEETING_DAY + timedelta(minutes=5))
    late = member(SECRETARY).put(f"{API}/meetings/{meeting}/attendance/vibo", json={
        **substitute, "person": DAB})
    assert late.status_code == 409  # VIBO is not the chair's organisation: ISH-4 first
    assert late.get_json()["clause"] == "ISH-4"
    redo = member(SECRETARY).put(f"{API}/meetings/{meeting}/attendance/borgmester", json=substitute)
    assert redo.status_code == 409, redo.get_json()
    assert (redo.get_json()["clause"], redo.get_json()["rule"]) == ("ISH-5", "substitute_allowed")
    assert "før mødet begynder" in redo.get_json()["message"]


def test_a_mandate_to_a_named_person_registered_before_the_meeting_ISH_7(
    sync_tenant, create_meeting, member, clock
):
    """A delegation records to whom (a person as well as an organisation), who registered it
    and when; the rule reads all three, at registration and again at the meeting."""
    from core.meetings.models import MeetingState
    from core.testing_meetings import MEETING_DAY

    sync_tenant(TENANT_FILE)
    period = {"seat": "vibo", "to_organisation": "DAB", "starts_on": "2020-08-01", "ends_on": "2021-07-31"}
    clock.set(MEETING_DAY - timedelta(days=30))
    unnamed = member(VIBO).post(f"{API}/bodies/bestyrelse/delegations", json=period)
    assert unnamed.status_code == 409 and unnamed.get_json()["clause"] == "ISH-7"
    named = member(VIBO).post(f"{API}/bodies/bestyrelse/delegations", json={**period, "to_person": DAB})
    assert named.status_code == 201, named.get_json()

    early = create_meeting("ishoj", "bestyrelse", state=MeetingState.AGENDA_PUBLISHED)
    clock.set(MEETING_DAY - timedelta(days=1))
    delegate = {"status": "present", "acting_as": "delegate", "person": DAB}
    resp = member(SECRETARY).put(f"{API}/meetings/{early}/attendance/vibo", json=delegate)
    assert resp.status_code == 200, resp.get_json()

    # A meeting that had begun before the mandate was registered: it holds from the next one.
    sooner = create_meeting("ishoj", "bestyrelse", starts_at=MEETING_DAY - timedelta(days=31),
                            state=MeetingState.AGENDA_PUBLISHED)
    resp = member(SECRETARY).put(f"{API}/meetings/{sooner}/attendance/vibo", json=delegate)
    assert resp.status_code == 409, resp.get_json()
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("ISH-7", "delegation_allowed")
    assert "efter mødets begyndelse" in resp.get_json()["message"]


def _vote(member, item, choices, **options):
    motion = member(SECRETARY).post(f"{API}/items/{item}/motion", json={"text": "Forslag", **options})
    assert motion.status_code == 201, motion.get_json()
    for email, choice in choices.items():
        resp = member(email).post(f"{API}/motions/{motion.get_json()['id']}/votes", json={"choice": choice})
        assert resp.status_code == 201, resp.get_json()
    closed = member(SECRETARY).post(f"{API}/motions/{motion.get_json()['id']}/close")
    assert closed.status_code == 200, closed.get_json()
    return closed.get_json()["outcome"]


def test_the_chairs_casting_vote_decides_a_tie_and_says_so_ISH_8(sync_tenant, decision_item, member):
    """1000 weighted votes for (the municipality, the chair's organisation) against 1000:
    the plugin's own sentence, with its clause, is in the stored explanation in Danish and
    English. In a secret ballot the rule cannot know the chair's ballot: a tie fails."""
    sync_tenant(TENANT_FILE)
    tie = {MAYOR: "yes", VIBO: "no", DAB: "no", ISHBO: "no"}
    outcome = _vote(member, decision_item("ishoj", "bestyrelse"), tie)
    assert outcome["result"] == "adopted" and outcome["counts"]["yes"] == outcome["counts"]["no"] == 1000
    assert outcome["tally"]["clause"] == "ISH-8"
    assert ("Stemmelighed (1000 mod 1000): formandens organisation, ISH-KOM, stemte for, og "
            "formandens stemme er afgørende (ISH-8).") in outcome["explanation"]["da"]
    assert "the chair's vote decides (ISH-8)" in outcome["explanation"]["en"]

    secret = _vote(member, decision_item("ishoj", "bestyrelse"), tie, secret=True)
    assert secret["result"] == "rejected" and secret["tally"]["clause"] == "CORE-MAJORITY"
    assert "ISH-8" not in secret["explanation"]["da"]


@pytest.fixture
def in_process(app, monkeypatch):
    """The tick's jobs run here, not on a worker."""
    monkeypatch.setitem(app.config, "REDIS_URL", "")


def _written(member, answers, deadline):
    started = member(SECRETARY).post(f"{API}/bodies/bestyrelse/written-procedures", json={
        "title": "Tilskud til legeplads", "text": "Bestyrelsen bevilger 20.000 kr.",
        "deadline_at": deadline.isoformat()})
    assert started.status_code == 201, started.get_json()
    pid = started.get_json()["id"]
    for email, choice in answers.items():
        resp = member(email).post(f"{API}/written-procedures/{pid}/answers", json={"choice": choice})
        assert resp.status_code == 201, resp.get_json()
    return pid


def test_a_written_procedure_is_decided_by_two_thirds_of_the_weight_ISH_10(
        sync_tenant, create_meeting, member, clock, in_process):
    """Between meetings, each member answers for their organisation over HTTP; at the
    deadline the tick closes it: 1600 of 2000 agreeing is two thirds (ISH-10), 1300 is not,
    and that one goes onto the next meeting's agenda with the answers."""
    from core.meetings.models import MeetingState
    from core.notifications.operations import tick
    from core.testing_meetings import MEETING_DAY

    sync_tenant(TENANT_FILE)
    create_meeting("ishoj", "bestyrelse", state=MeetingState.PLANNED)
    clock.set(MEETING_DAY - timedelta(days=30))
    deadline = MEETING_DAY - timedelta(days=20)
    decided = _written(member, {MAYOR: "agree", VIBO: "agree"}, deadline)
    short = _written(member, {MAYOR: "agree", DAB: "agree"}, deadline)
    assert member(SECRETARY).get(f"{API}/written-procedures/{decided}").get_json()["state"] == "open"
    clock.set(deadline)
    tick(deadline)
    done = member(SECRETARY).get(f"{API}/written-procedures/{decided}").get_json()
    assert done["state"] == "decided" and done["outcome"]["rule"]["clause"] == "ISH-10"
    assert ("Besluttet: 1600 af 2000 stemmevægte erklærede sig enige, og to tredjedele kræves (ISH-10)."
            in done["outcome"]["explanation"])
    assert "two thirds are required (ISH-10)" in done["outcome"]["explanation_en"]
    other = member(SECRETARY).get(f"{API}/written-procedures/{short}").get_json()
    assert other["state"] != "decided" and other["outcome"]["rule"]["clause"] == "ISH-10"
    assert "Ikke besluttet: 1300 af 2000" in other["outcome"]["explanation"]


def test_minutes_nobody_objects_to_are_approved_five_days_after_their_sending_ISH_11(
        sync_tenant, create_meeting, create_item, attend, member, clock, in_process):
    """ISH-11 is the tenant file's approval mode (tacit, 5 days): the meeting is held over
    HTTP, its minutes are sent, and the tick approves them when the five days have passed."""
    from core.notifications.operations import tick
    from core.testing_meetings import MEETING_DAY

    sync_tenant(TENANT_FILE)
    meeting = create_meeting("ishoj", "bestyrelse")
    item = create_item("ishoj", meeting, title="Budget 2021")
    for seat in ("borgmester", "vibo", "dab", "ishbo", "sekretaer"):
        attend("ishoj", meeting, seat)
    sec = member(SECRETARY)
    clock.set(MEETING_DAY + timedelta(hours=2))
    assert sec.post(f"{API}/meetings/{meeting}/held").status_code == 200
    assert sec.put(f"{API}/meetings/{meeting}/items/{item}/minutes",
                   json={"decision": "Budgettet blev godkendt."}).status_code == 200
    sent = MEETING_DAY + timedelta(days=2)
    clock.set(sent)
    assert sec.post(f"{API}/meetings/{meeting}/send-minutes").status_code == 200
    minutes = member(VIBO).get(f"{API}/meetings/{meeting}/minutes").get_json()
    assert minutes["approval_mode"] == "tacit" and minutes["state"] == "minutes_sent"
    tick(sent + timedelta(days=5) - timedelta(minutes=1))
    assert member(VIBO).get(f"{API}/meetings/{meeting}/minutes").get_json()["state"] == "minutes_sent"
    report = tick(sent + timedelta(days=5))
    assert report.approved == 1
    assert member(VIBO).get(f"{API}/meetings/{meeting}/minutes").get_json()["state"] == "minutes_approved"


def test_a_disqualified_representatives_organisation_does_not_vote_on_the_item_ISH_9(
        sync_tenant, decision_item, meeting_of, member):
    """DAB's member declares herself disqualified (inhabil) on the item; under the core's rule
    DAB's other member would vote for it, under ISH-9 DAB does not vote on the item at all,
    and the stored explanation says so with the clause."""
    sync_tenant(TENANT_FILE)
    item = decision_item("ishoj", "bestyrelse", title="Tilskud til DAB's afdeling")
    meeting = meeting_of("ishoj", item)
    declared = member(DAB).post(f"{API}/meetings/{meeting}/items/{item}/disqualifications",
                                json={"reason": "Formand for den afdeling, der søger"})
    assert declared.status_code == 201, declared.get_json()
    motion = member(SECRETARY).post(f"{API}/items/{item}/motion", json={"text": "Tilskuddet bevilges"})
    assert motion.status_code == 201, motion.get_json()
    motion_id = motion.get_json()["id"]
    for email in (DAB, DAB2):
        refused = member(email).post(f"{API}/motions/{motion_id}/votes", json={"choice": "yes"})
        assert refused.status_code == 409, refused.get_json()
    for email, choice in {MAYOR: "yes", VIBO: "no", ISHBO: "yes"}.items():
        resp = member(email).post(f"{API}/motions/{motion_id}/votes", json={"choice": choice})
        assert resp.status_code == 201, resp.get_json()
    outcome = member(SECRETARY).post(f"{API}/motions/{motion_id}/close").get_json()["outcome"]
    assert outcome["counts"] == {"yes": 1100, "no": 600, "abstain": 0} and outcome["result"] == "adopted"
    assert "DABs repræsentant er inhabil, og organisationen stemmer ikke om punktet (ISH-9)" \
        in outcome["explanation"]["da"]
    assert "(ISH-9)" in outcome["explanation"]["en"]
