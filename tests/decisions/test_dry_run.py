"""The dry run: "what would the outcome be if these units attended and voted so?" — the
same rules as a real motion, and nothing stored. On Testby's board each organisation holds
one vote (TST-2): Boligselskabet A, B and the municipality; the administration sits
without a vote. The bundled plugins' dry runs are tested in their folders
(tests/plugins/<municipality>/test_dry_run.py)."""

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.decisions.models import Motion, Vote
from core.extensions import db
from tests.fixtures.testby import SECRETARY


def stored(in_tenant, slug):
    with in_tenant(slug):
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (Motion, Vote, AuditEntry))


def dry(member, body, who, slug="testby", **payload):
    return member(who).post(f"/api/v1/tenants/{slug}/bodies/{body}/dry-run", json=payload)


def test_dry_run_explains_like_a_real_vote_and_stores_nothing_TST_2(testby, member, in_tenant):
    synced = stored(in_tenant, "testby")  # the sync's own audit entries
    resp = dry(member, "bestyrelse", SECRETARY, matter={"title": "Budget"},
               votes={"TST-A": "yes", "TST-B": "yes", "org:TST-KOM": "no"})
    assert resp.status_code == 200, resp.get_json()
    outcome = resp.get_json()
    assert outcome["stored"] is False and outcome["result"] == "adopted"
    assert {u["key"] for u in outcome["units"] if u["eligible"]} == {"org:TST-A", "org:TST-B", "org:TST-KOM"}
    explanation = outcome["explanation"]["da"]
    assert "Beslutningsdygtig: 3 af 3 stemmeberettigede var til stede (flertal kræves)" in explanation
    assert ("Vedtaget: 2 af 3 organisationer stemte for (TST-A, TST-B); Testby Kommune stemte "
            "imod.") in explanation
    assert synced[:2] == (0, 0)
    assert stored(in_tenant, "testby") == synced


def test_dry_run_with_one_organisation_of_three_is_not_quorate_CORE_QUORUM(testby, member):
    outcome = dry(member, "bestyrelse", SECRETARY, present=["formand", "a2"],  # seats of TST-A
                  votes={"TST-A": "yes"}).get_json()
    assert outcome["result"] == "not_quorate"
    assert outcome["quorum"]["at_close"]["clause"] == "CORE-QUORUM"
    assert "Ikke beslutningsdygtig: 1 af 3 stemmeberettigede var til stede" in outcome["explanation"]["da"]
    # Two of three organisations are a majority of them.
    outcome = dry(member, "bestyrelse", SECRETARY, present=["TST-A", "TST-B"],  # organisation codes
                  votes={"TST-A": "yes", "TST-B": "yes"}).get_json()
    assert outcome["result"] == "adopted"


def test_dry_run_refuses_a_vote_from_an_absent_unit_TST_2(testby, member):
    resp = dry(member, "bestyrelse", SECRETARY, present=["formand"],
               votes={"TST-B": "yes", "NOPE": "no"})
    assert resp.status_code == 422
    assert set(resp.get_json()["errors"]["json"]["votes"]) == {"TST-B", "NOPE"}


def test_dry_run_refuses_a_seat_without_a_vote_citing_the_rule_TST_2(testby, member):
    """The administration sits on the board without a vote: the dry run cites the rule
    that gave the units (TST-2) as a live vote does, not "unknown"."""
    resp = dry(member, "bestyrelse", SECRETARY, votes={"org:TST-ADM": "yes"})
    assert resp.status_code == 422
    assert resp.get_json()["errors"]["json"]["votes"]["org:TST-ADM"] == [
        "TST-ADM har ikke stemmeret i Bestyrelsen (TST-2)."]


def test_dry_run_reports_a_refusal_of_competence_CORE_COMPETENCE(testby, member):
    outcome = dry(member, "gruppe", SECRETARY, matter={"title": "Lokaler"}).get_json()
    assert outcome["result"] == "refused" and outcome["competence"]["clause"] == "CORE-COMPETENCE"


def test_dry_run_of_an_item_uses_its_recorded_attendance_CORE_QUORUM(testby, decision_item, member):
    item = decision_item("testby", "bestyrelse", present=["formand", "a2"])
    outcome = dry(member, "bestyrelse", SECRETARY, item_id=item).get_json()
    assert outcome["result"] == "not_quorate"
    assert outcome["quorum"]["at_close"]["clause"] == "CORE-QUORUM"


def test_dry_run_needs_a_login(testby, member):
    assert dry(member, "bestyrelse", None).status_code == 401


def test_dry_run_of_another_tenants_body_is_not_found(testby, naboby, member):
    assert dry(member, "bestyrelse", SECRETARY, slug="naboby").status_code in (403, 404)


@pytest.mark.parametrize("majority,votes,result", [
    ("simple", {"TST-A": "yes", "TST-B": "no", "TST-KOM": "abstain"}, "rejected"),  # a tie fails
    ("simple", {"TST-A": "yes", "TST-B": "yes", "TST-KOM": "no"}, "adopted"),
    ("two_thirds", {"TST-A": "yes", "TST-B": "yes", "TST-KOM": "no"}, "adopted"),  # 2 of 3: enough
    ("two_thirds", {"TST-A": "yes", "TST-B": "no", "TST-KOM": "abstain"}, "rejected"),
])
def test_dry_run_with_the_motions_required_majority_CORE_MAJORITY(testby, member, majority, votes, result):
    outcome = dry(member, "bestyrelse", SECRETARY, majority=majority, votes=votes).get_json()
    assert outcome["result"] == result
    assert outcome["tally"]["clause"] == "CORE-MAJORITY" and outcome["options"]["majority"] == majority
    explanation = outcome["explanation"]["da"]
    if majority == "two_thirds":  # the count against the share the motion asked for
        assert "kvalificeret flertal (2/3) (CORE-MAJORITY)" in explanation
    else:
        assert "kvalificeret flertal" not in explanation
