"""Albertslund's board approves its minutes by e-mail within four weeks (ALB-B9): the audit
chain records each member's approval with that clause (the core's side of the audit:
tests/audit/test_minutes_approvals.py)."""

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.extensions import db

A = "/api/v1/tenants/albertslund"
SECRETARY = "sanne.skov@abc.example"


def test_every_approval_in_the_audit_chain_cites_the_email_approval_ALB_B9(
    sync_tenant, create_meeting, member, in_tenant
):
    sync_tenant("albertslund")
    meeting = create_meeting("albertslund", "bestyrelse")
    sec = member(SECRETARY)
    # the meeting sits (the fixture's default) and its leader is recorded present
    assert sec.put(f"{A}/meetings/{meeting}/attendance/bo-vest-moedeleder",
                   json={"status": "present"}).status_code == 200
    assert sec.post(f"{A}/meetings/{meeting}/held").status_code == 200
    assert sec.post(f"{A}/meetings/{meeting}/send-minutes").status_code == 200
    awaiting = sec.get(f"{A}/meetings/{meeting}/minutes").get_json()["awaiting_approval_from"]
    for email in awaiting:
        assert member(email).post(f"{A}/meetings/{meeting}/minutes/approvals").status_code == 200
    with in_tenant("albertslund"):
        clauses = db.session.scalars(sa.select(AuditEntry.payload).where(
            AuditEntry.action == "minutes.approval")).all()
        (final,) = db.session.scalars(sa.select(AuditEntry.payload).where(
            AuditEntry.action == "minutes.approved")).all()
    assert len(clauses) == len(awaiting) and {c["clause"] for c in clauses} == {"ALB-B9"}
    assert final["approval"]["mode"] == "email"
