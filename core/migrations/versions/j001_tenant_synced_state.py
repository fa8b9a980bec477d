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


def upgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("synced_state", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("synced_state")
