"""A proposal's decisions and positions go to the audit chain (docs/decisions/0006)."""

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.extensions import db
from tests.fixtures.testby import BENT, SECRETARY


def _entries(in_tenant, action):
    with in_tenant("testby"):
        return db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def test_a_proposal_decision_is_audited(testby, api, in_tenant):
    tst = api(testby)
    p = tst.as_(BENT).post(
        body="bestyrelse", title="Sommeraktivitet", text="Aktivitet i gården.",
        decision_sought="Bestyrelsen beslutter aktiviteten.").get_json()
    resp = tst.as_(SECRETARY).post(f"/{p['id']}/decision", body="bestyrelse",
                                   outcome="adopted", text="Aktiviteten gennemføres.")
    assert resp.status_code == 200, resp.get_json()
    (entry,) = _entries(in_tenant, "proposal.decided")
    assert entry.subject == f"proposal:{p['id']}"
    assert entry.payload["outcome"] == "adopted" and entry.payload["text"] == "Aktiviteten gennemføres."
    assert entry.payload["provenance"]["by"] == "secretary"
    assert [r.ok for r in verify()] == [True]
