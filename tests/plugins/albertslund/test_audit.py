"""Albertslund: a steering group's decision on a proposal is audited with its route (ALB-B12)."""

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.extensions import db
from tests.fixtures.proposals import api  # noqa: F401


def _entries(in_tenant, action):
    with in_tenant("albertslund"):
        return db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def test_a_proposal_decision_is_audited_ALB_B12(albertslund_with_standing_items, api, in_tenant):
    from tests.plugins.albertslund.test_proposals import STEERING, STEERING_SECRETARY

    alb = api("albertslund")
    p = alb.as_("hassan.hyldgaard@va.example").post(
        body=STEERING, title="Sommeraktivitet", text="Aktivitet i gården.",
        decision_sought="Styregruppen beslutter aktiviteten.", topics=["activity"]).get_json()
    resp = alb.as_(STEERING_SECRETARY).post(f"/{p['id']}/decision", body=STEERING,
                                            outcome="adopted", text="Aktiviteten gennemføres.")
    assert resp.status_code == 200, resp.get_json()
    (entry,) = _entries(in_tenant, "proposal.decided")
    assert entry.subject == f"proposal:{p['id']}"
    assert entry.payload["outcome"] == "adopted" and entry.payload["text"] == "Aktiviteten gennemføres."
    assert entry.payload["provenance"]["by"] == "secretary"
    assert [r.ok for r in verify()] == [True]
