"""audit entries are append-only in PostgreSQL

Revision ID: d002
Revises: d001
Create Date: 2026-11-22

A trigger refuses UPDATE and DELETE on audit_entries, so even raw SQL under the
application's role cannot rewrite the log; the hash chain catches whoever gets past it
(a superuser disabling triggers). SQLite has no such wall; the chain is the check there.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd002'
down_revision = 'd001'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER audit_entries_append_only
        BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
    """)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
    op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
