"""what the last tenants sync left, per tenant: the next sync sees what the browser changed
since and refuses to undo it (docs/decisions/0047-sync-refuses-to-undo-browser-changes.md)

Revision ID: j001
Revises: f002
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "j001"
down_revision = "f002"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: on SQLite a batch rebuilds ``tenants``, which every
# tenant-scoped table refers to, and the rebuild's DROP TABLE fails on those references.
def upgrade():
    op.add_column("tenants", sa.Column("synced_state", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("tenants", "synced_state")
