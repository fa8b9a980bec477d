"""Minutes approvals go to the audit chain too, in the same transaction as the change
(docs/decisions/0006), and the chain stays intact. Testby's board approves its minutes
by e-mail (TST-6)."""

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.extensions import db
from tests.fixtures.testby import SECRETARY

A = "/api/v1/tenants/testby"


def _entries(in_tenant, action):
    with in_tenant("testby"):
        return db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def test_each_members_approval_and_the_final_approval_are_audited(
    testby, create_meeting, member, in_tenant
):
    """Each approval cites the clause of the approval mode (TST-6)."""
    meeting = create_meeting(testby, "bestyrelse")
    sec = member(SECRETARY)
    # the meeting sits (the fixture's default) and its chair is recorded present
    assert sec.put(f"{A}/meetings/{meeting}/attendance/formand",
                   json={"status": "present"}).status_code == 200
    assert sec.post(f"{A}/meetings/{meeting}/held").status_code == 200
    assert sec.post(f"{A}/meetings/{meeting}/send-minutes").status_code == 200
    awaiting = sec.get(f"{A}/meetings/{meeting}/minutes").get_json()["awaiting_approval_from"]
    first, *rest = awaiting
    assert member(first).post(f"{A}/meetings/{meeting}/minutes/approvals").status_code == 200
    assert member(first).post(f"{A}/meetings/{meeting}/minutes/approvals").status_code == 200
    assert len(_entries(in_tenant, "minutes.approval")) == 1  # approving twice is one approval
    assert _entries(in_tenant, "minutes.approved") == []
    for email in rest:
        assert member(email).post(f"{A}/meetings/{meeting}/minutes/approvals").status_code == 200
    approvals = _entries(in_tenant, "minutes.approval")
    assert len(approvals) == len(awaiting)
    assert {e.subject for e in approvals} == {f"meeting:{meeting}"}
    assert approvals[0].payload["clause"] == "TST-6"
    (final,) = _entries(in_tenant, "minutes.approved")
    assert final.payload["approval"]["mode"] == "email" and final.payload["version"] == 1
    assert [r.ok for r in verify()] == [True]
