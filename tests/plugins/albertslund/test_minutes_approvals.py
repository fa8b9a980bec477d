"""Albertslund's board approves its minutes by e-mail within four weeks (ALB-B9): each
member's approval and the final one are audited with that clause (the core's side:
tests/audit/test_minutes_approvals.py)."""

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.extensions import db

A = "/api/v1/tenants/albertslund"
SECRETARY = "sanne.skov@abc.example"


def _entries(in_tenant, action):
    with in_tenant("albertslund"):
        return db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def test_each_members_approval_and_the_final_approval_are_audited_ALB_B9(
    sync_tenant, create_meeting, member, in_tenant
):
    sync_tenant("albertslund")
    meeting = create_meeting("albertslund", "bestyrelse")
    sec = member(SECRETARY)
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
    assert approvals[0].payload["clause"] == "ALB-B9"
    (final,) = _entries(in_tenant, "minutes.approved")
    assert final.payload["approval"]["mode"] == "email" and final.payload["version"] == 1
    assert [r.ok for r in verify()] == [True]
