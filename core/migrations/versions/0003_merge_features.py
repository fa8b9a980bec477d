"""merge the feature branches; row-level security on their tenant-scoped tables

Meetings (m001), decisions (d001-d002), identity (i001-i002) and proposals (p001) were
built side by side from 0002. This revision joins them into one head and puts the
tenant-scoped tables that i002 did not know about behind the tenant policy (PostgreSQL).

Revision ID: 0003
Revises: m001, d002, i002, p001
Create Date: 2026-11-22

"""
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = ("m001", "d002", "i002", "p001")
branch_labels = None
depends_on = None

#: Tenant-scoped tables created on the other branches.
TABLES = (
    "attachments",
    "audit_entries",
    "deadline_breaches",
    "dissents",
    "follow_up_tasks",
    "hearing_organisations",
    "hearing_reminders",
    "hearing_responses",
    "hearings",
    "minutes_approvals",
    "minutes_entries",
    "minutes_versions",
    "motions",
    "notifications",
    "objections",
    "proposal_attachments",
    "proposal_events",
    "proposal_steps",
    "proposals",
    "secret_ballots",
    "vote_changes",
    "votes",
)


def upgrade():
    for table in TABLES:
        enable_row_level_security(op, table)


def downgrade():
    for table in TABLES:
        disable_row_level_security(op, table)
