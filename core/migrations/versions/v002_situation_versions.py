"""the version a vote checks its kept situation against: on tenants, bodies and meetings

Revision ID: v002
Revises: r002
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "v002"
down_revision = "r002"
branch_labels = None
depends_on = None

TABLES = ("tenants", "bodies", "meetings")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("situation_version", sa.String(length=32), nullable=False,
                                       server_default=""))
    # every existing row its own random token, as new rows get (core/models.py new_version)
    postgresql = op.get_bind().dialect.name == "postgresql"
    random = ("md5(random()::text || clock_timestamp()::text)" if postgresql
              else "lower(hex(randomblob(16)))")
    if postgresql:  # every tenant's rows, past the row-level-security policy (core/tenancy.py)
        op.execute("SELECT set_config('app.bypass_rls', 'on', true)")
    for table in TABLES:
        op.execute(f"UPDATE {table} SET situation_version = {random}")


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("situation_version")
