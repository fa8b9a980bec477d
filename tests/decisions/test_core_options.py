"""The core's own rules and options through the HTTP API, on a tenant without plugins: one
vote per voting seat (CORE-UNITS), a majority of units present (CORE-QUORUM), a simple
majority of votes cast where a tie fails (CORE-MAJORITY), two thirds, weighted units
(CORE-WEIGHTS) and the secret ballot; changed votes are logged; closed items stay hidden."""

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.decisions.models import SecretBallot, Vote, VoteChange
from core.extensions import db
from tests.fixtures.testby import NABO_CHAIR, NABO_SECRETARY

T = "/api/v1/tenants/testby"
SECRETARY = "sekretaer@testby.example"
A, B, C, D = (f"{x}@testby.example" for x in "abcd")

TESTBY = """
[tenant]
slug = "testby"
name = "Testby Kommune"
plan = "Testplan"
plugins = []
organisation = "TST-KOM"

[[organisations]]
code = "TST-KOM"
name = "Testby Kommune"
kind = "municipality"

[[organisations]]
code = "TST-BO"
name = "Testby Boligselskab"
kind = "housing_organisation"

[[people]]
email = "sekretaer@testby.example"
name = "Sekretær Demo Testby"
organisations = ["TST-KOM"]

{people}

[[bodies]]
key = "bestyrelse"
name = "Bestyrelsen"
kind = "board"
competence = "decides"

[bodies.extra]
vote_weights = {{ a = 3, b = 1, c = 1, d = 1 }}
vote_weights_clause = "TST-9"

{seats}

[[bodies.seats]]
key = "sekretaer"
title = "Sekretær"
organisation = "TST-KOM"
role = "secretary"
voting = false
holder = "sekretaer@testby.example"
"""


def build_testby_file() -> str:
    people = "\n".join(
        f'[[people]]\nemail = "{x}@testby.example"\nname = "{x.upper()} Demo"\n'
        f'organisations = ["TST-BO"]\n' for x in "abcd")
    seats = "\n".join(
        f'[[bodies.seats]]\nkey = "{x}"\ntitle = "Medlem {x.upper()}"\norganisation = "TST-BO"\n'
        f'role = "member"\nvoting = true\nholder = "{x}@testby.example"\n' for x in "abcd")
    return TESTBY.format(people=people, seats=seats)


@pytest.fixture
def testby(sync_tenant, write_tenant_file):
    sync_tenant(write_tenant_file(build_testby_file()))


def run_vote(member, item, choices, **options):
    resp = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "Forslag", **options})
    assert resp.status_code == 201, resp.get_json()
    motion = resp.get_json()
    assert motion["phase"] == "voting"  # the core's procedure: a plain vote (CORE-PROCEDURE)
    for email, choice in choices.items():
        resp = member(email).post(f"{T}/motions/{motion['id']}/votes", json={"choice": choice})
        assert resp.status_code == 201, resp.get_json()
    resp = member(SECRETARY).post(f"{T}/motions/{motion['id']}/close")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_one_vote_per_seat_and_a_simple_majority_CORE_UNITS_CORE_MAJORITY(testby, decision_item, member):
    item = decision_item("testby", "bestyrelse")
    outcome = run_vote(member, item, {A: "yes", B: "yes", C: "no", D: "abstain"})["outcome"]
    assert outcome["result"] == "adopted" and outcome["counts"] == {"yes": 2, "no": 1, "abstain": 1}
    assert outcome["explanation"]["da"] == (
        "Vedtaget: 2 af 4 stemmeberettigede stemte for (Medlem A, Medlem B); Medlem C stemte "
        "imod; Medlem D undlod at stemme. Beslutningsdygtig: 4 af 4 stemmeberettigede var til "
        "stede (flertal kræves).")
    assert {p["rule"]: p["clause"] for p in outcome["provenance"]}["tally"] == "CORE-MAJORITY"


def test_a_tie_fails_CORE_MAJORITY(testby, decision_item, member):
    item = decision_item("testby", "bestyrelse")
    outcome = run_vote(member, item, {A: "yes", B: "yes", C: "no", D: "no"})["outcome"]
    assert outcome["result"] == "rejected"
    assert "Stemmelighed: forslaget er ikke vedtaget (CORE-MAJORITY)." in outcome["explanation"]["da"]


def test_quorum_is_a_majority_of_units_present_CORE_QUORUM(testby, decision_item, member):
    item = decision_item("testby", "bestyrelse", present=["a", "b", "sekretaer"])
    resp = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "x"})
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("CORE-QUORUM", "quorum")
    assert "2 af 4" in resp.get_json()["message"]


def test_two_thirds_majority_as_a_core_option(testby, decision_item, member):
    item = decision_item("testby", "bestyrelse")
    outcome = run_vote(member, item, {A: "yes", B: "no", C: "yes", D: "abstain"},
                       majority="two_thirds")["outcome"]
    assert outcome["result"] == "adopted"  # 2 of 3 votes cast is two thirds
    assert "der kræves kvalificeret flertal (2/3) (CORE-MAJORITY)" in outcome["explanation"]["da"]
    item2 = decision_item("testby", "bestyrelse")
    outcome = run_vote(member, item2, {A: "yes", B: "no", C: "yes", D: "no"},
                       majority="two_thirds")["outcome"]
    assert outcome["result"] == "rejected"  # 2 of 4 is a simple tie, and short of two thirds


def test_weighted_units_from_the_tenant_file_CORE_WEIGHTS(testby, decision_item, member):
    item = decision_item("testby", "bestyrelse")
    closed = run_vote(member, item, {A: "yes", B: "no", C: "no"}, weighted=True)
    outcome = closed["outcome"]
    assert closed["weighted"] is True
    assert outcome["result"] == "adopted" and outcome["counts"] == {"yes": 3, "no": 2, "abstain": 0}
    assert "Vægtet optælling: 3 for, 2 imod" in outcome["explanation"]["da"]
    weights = {p["rule"]: p["clause"] for p in outcome["provenance"]}["vote_weights"]
    assert weights == "TST-9"


def test_weighted_vote_refused_where_the_body_has_no_weights_CORE_WEIGHTS(
        naboby, decision_item, member):
    item = decision_item("naboby", "bestyrelse")
    resp = member(NABO_SECRETARY).post(
        f"/api/v1/tenants/naboby/items/{item}/motion", json={"text": "x", "weighted": True})
    assert resp.status_code == 422 and resp.get_json()["clause"] == "CORE-WEIGHTS"


def test_secret_ballot_keeps_who_voted_but_not_how(testby, decision_item, member, in_tenant):
    item = decision_item("testby", "bestyrelse")
    closed = run_vote(member, item, {A: "yes", B: "yes", C: "no"}, secret=True)
    outcome = closed["outcome"]
    assert outcome["result"] == "adopted" and outcome["counts"] == {"yes": 2, "no": 1, "abstain": 0}
    assert outcome["votes"] is None
    assert all(u["choice"] is None for u in outcome["units"])
    assert [u["voted"] for u in outcome["units"]] == [True, True, True, False]
    assert outcome["explanation"]["da"].startswith(
        "Vedtaget ved hemmelig afstemning: 2 for, 1 imod, 0 undlod at stemme; 3 af 4 "
        "stemmeberettigede stemte (Medlem A, Medlem B, Medlem C).")
    assert all(v["choice"] is None for v in closed["votes"])
    with in_tenant("testby"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(
            Vote.choice.is_not(None))) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SecretBallot)) == 3
        cast = db.session.scalars(sa.select(AuditEntry).filter_by(action="vote.cast")).all()
        assert {e.payload["choice"] for e in cast} == {None}


def test_a_changed_vote_is_logged_CORE_VOTE_CHANGE(testby, decision_item, member, in_tenant):
    item = decision_item("testby", "bestyrelse")
    motion = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()
    assert member(A).post(f"{T}/motions/{motion['id']}/votes", json={"choice": "no"}).status_code == 201
    assert member(B).put(f"{T}/motions/{motion['id']}/votes/seat:a",
                         json={"choice": "yes"}).status_code == 409  # not B's vote
    resp = member(A).put(f"{T}/motions/{motion['id']}/votes/seat:a", json={"choice": "yes"})
    assert resp.status_code == 200 and resp.get_json()["choice"] == "yes"
    assert resp.get_json()["changed_at"] is not None
    assert member(A).get(f"{T}/motions/{motion['id']}").get_json()["votes"][0]["choice"] == "yes"
    with in_tenant("testby"):
        change = db.session.scalar(sa.select(VoteChange))
        assert (change.from_choice.value, change.to_choice.value) == ("no", "yes")
        logged = db.session.scalar(sa.select(AuditEntry).filter_by(action="vote.changed"))
        assert logged.payload == {"unit": "seat:a", "from": "no", "to": "yes"}


def test_a_confidential_items_motion_is_hidden_from_outsiders(
        testby, naboby, decision_item, member):
    item = decision_item("testby", "bestyrelse", confidential=True)
    resp = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "Personsag"})
    assert resp.status_code == 201
    motion = resp.get_json()["id"]
    assert member(None).get(f"{T}/motions/{motion}").status_code == 404
    assert member(NABO_CHAIR).get(f"{T}/motions/{motion}").status_code == 404
    assert member(A).get(f"{T}/motions/{motion}").status_code == 200


def test_another_tenants_motion_answers_404(testby, naboby, decision_item, member):
    item = decision_item("testby", "bestyrelse")
    motion = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()["id"]
    assert member(None).get(f"/api/v1/tenants/naboby/motions/{motion}").status_code == 404
    assert member(None).get(f"{T}/motions/{motion}").status_code == 200


def test_invalid_choice_is_a_422_with_field_messages(testby, decision_item, member):
    item = decision_item("testby", "bestyrelse")
    motion = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()
    resp = member(A).post(f"{T}/motions/{motion['id']}/votes", json={"choice": "maybe"})
    assert resp.status_code == 422 and "choice" in resp.get_json()["errors"]["json"]


def test_one_vote_per_unit_is_a_database_constraint(testby, decision_item, member, in_tenant):
    """Even a write that skips the operation's check cannot store a unit's second vote."""
    from sqlalchemy.exc import IntegrityError

    from core.decisions.models import CastAs, VoteChoice

    item = decision_item("testby", "bestyrelse")
    motion = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()
    assert member(A).post(f"{T}/motions/{motion['id']}/votes", json={"choice": "no"}).status_code == 201
    with in_tenant("testby"):
        db.session.add(Vote(motion_id=motion["id"], unit_key="seat:a", unit_label="a",
                            choice=VoteChoice.YES, cast_as=CastAs.HOLDER))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_weighted_secret_ballot_splits_each_units_weight_into_equal_ballots(
        testby, decision_item, member, in_tenant):
    """A unit's distinctive weight (A weighs 3) cannot single out its secret ballot."""
    item = decision_item("testby", "bestyrelse")
    outcome = run_vote(member, item, {A: "no", B: "yes", C: "yes", D: "yes"},
                       secret=True, weighted=True)["outcome"]
    assert outcome["counts"] == {"yes": 3, "no": 3, "abstain": 0} and outcome["result"] == "rejected"
    with in_tenant("testby"):
        weights = db.session.scalars(sa.select(SecretBallot.weight)).all()
    assert weights == [1] * 6


def test_a_cancelled_meeting_takes_no_vote_CORE_SESSION(testby, decision_item, member, in_tenant, meeting_of):
    from core.meetings.models import Meeting, MeetingState

    item = decision_item("testby", "bestyrelse")
    motion = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()
    with in_tenant("testby"):
        db.session.get(Meeting, meeting_of("testby", item)).state = MeetingState.CANCELLED
        db.session.commit()
    resp = member(A).post(f"{T}/motions/{motion['id']}/votes", json={"choice": "yes"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-SESSION"
