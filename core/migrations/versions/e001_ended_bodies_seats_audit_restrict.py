"""bodies and seats can be ended; the audit log's tenant cannot be deleted under it

Revision ID: e001
Revises: s001
Create Date: 2026-11-23

``tenants sync`` no longer deletes what a tenant file stops naming: it ends it
(``ended_on``), so past meetings, votes and minutes keep saying who sat where
(docs/decisions/0019-sync-ends-never-deletes.md). The audit log's foreign key to its
tenant was ON DELETE CASCADE: deleting a tenant silently took its audit chain with it.
It is RESTRICT now, on PostgreSQL and on SQLite (batch mode rebuilds the table there).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e001"
down_revision = "s001"
branch_labels = None
depends_on = None

_AUDIT_FK = "fk_audit_entries_tenant_id_tenants"


def _audit_fk(ondelete: str) -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint(_AUDIT_FK, type_="foreignkey")
        batch_op.create_foreign_key(_AUDIT_FK, "tenants", ["tenant_id"], ["id"], ondelete=ondelete)


def upgrade():
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    _audit_fk("RESTRICT")


def downgrade():
    _audit_fk("CASCADE")
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.drop_column("ended_on")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("ended_on")
