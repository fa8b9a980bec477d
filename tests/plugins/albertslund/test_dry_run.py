"""Albertslund's board in a dry run: one vote per organisation and every voting
organisation present for a quorum (ALB-B2, ALB-B3), as in a real motion. The dry run
itself is tested on Testby (tests/decisions/test_dry_run.py)."""

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.decisions.models import Motion, Vote
from core.extensions import db

SECRETARY = "sanne.skov@abc.example"


def dry(member, slug, body, who, **payload):
    return member(who).post(f"/api/v1/tenants/{slug}/bodies/{body}/dry-run", json=payload)


def stored(in_tenant, slug):
    with in_tenant(slug):
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (Motion, Vote, AuditEntry))


def test_dry_run_explains_like_a_real_vote_and_stores_nothing_ALB_B2_ALB_B3(
        sync_tenant, member, in_tenant):
    sync_tenant("albertslund")
    synced = stored(in_tenant, "albertslund")  # the sync's own audit entries
    resp = dry(member, "albertslund", "bestyrelse", SECRETARY,
               matter={"title": "Budget"},
               votes={"VA": "yes", "AB": "yes", "ALB-KOM": "yes", "org:AKB": "no"})
    assert resp.status_code == 200, resp.get_json()
    outcome = resp.get_json()
    assert outcome["stored"] is False and outcome["result"] == "adopted"
    assert ("Vedtaget: 3 af 4 organisationer stemte for (VA, AB, Albertslund Kommune); AKB "
            "stemte imod. Beslutningsdygtig: alle 4 stemmeberettigede organisationer var "
            "repræsenteret (ALB-B3).") in outcome["explanation"]["da"]
    assert synced[:2] == (0, 0)
    assert stored(in_tenant, "albertslund") == synced


def test_dry_run_without_an_organisation_is_not_quorate_ALB_B3(sync_tenant, member):
    sync_tenant("albertslund")
    present = ["VA", "AB", "ALB-KOM", "BO-VEST", "ABC"]  # organisation codes present
    outcome = dry(member, "albertslund", "bestyrelse", SECRETARY, present=present,
                  votes={"VA": "yes"}).get_json()
    assert outcome["result"] == "not_quorate"
    assert "AKB var ikke repræsenteret" in outcome["explanation"]["da"]


def test_dry_run_refuses_a_seat_without_a_vote_citing_the_rule_ALB_B2(sync_tenant, member):
    """BO-VEST sits on the board without a vote: the dry run cites ALB-B2 as a live vote
    does (issue 14, item 5), not "unknown"."""
    sync_tenant("albertslund")
    resp = dry(member, "albertslund", "bestyrelse", SECRETARY, votes={"org:BO-VEST": "yes"})
    assert resp.status_code == 422
    assert resp.get_json()["errors"]["json"]["votes"]["org:BO-VEST"] == [
        "BO-VEST har ikke stemmeret i Bestyrelsen (ALB-B2)."]


def test_dry_run_of_an_item_uses_its_recorded_attendance_ALB_B3(sync_tenant, decision_item, member):
    sync_tenant("albertslund")
    item = decision_item("albertslund", "bestyrelse", present=["va-formand", "ab-formand"])
    outcome = dry(member, "albertslund", "bestyrelse", SECRETARY, item_id=item).get_json()
    assert outcome["result"] == "not_quorate"
    assert outcome["quorum"]["at_close"]["clause"] == "ALB-B3"
