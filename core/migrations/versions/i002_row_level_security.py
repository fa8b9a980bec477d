"""row-level security on every tenant-scoped table (PostgreSQL only)

Revision ID: i002
Revises: i001
Create Date: 2026-11-22

"""
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = 'i002'
down_revision = 'i001'
branch_labels = None
depends_on = None

#: The tenant-scoped tables at this revision. A later migration that adds one calls
#: enable_row_level_security itself (tests/tenancy/test_row_level_security.py checks).
TABLES = (
    "participations",
    "tenant_admins",
    "bodies",
    "seats",
    "body_recipients",
    "meetings",
    "agenda_items",
    "attendances",
    "mandate_delegations",
)


def upgrade():
    for table in TABLES:
        enable_row_level_security(op, table)


def downgrade():
    for table in TABLES:
        disable_row_level_security(op, table)
