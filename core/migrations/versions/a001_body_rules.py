"""the rules a body's tenant file chooses from the core's building blocks ([bodies.rules])

A JSON column on bodies, an empty table of blocks by default (docs/decisions/0045-rules-in-the-tenant-file.md).
Plain add/drop of a column: on SQLite a batch rebuild of ``bodies`` would cascade deletes to
its seats.

Revision ID: a001
Revises: o001
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a001"
down_revision = "o001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("bodies", sa.Column("rules", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    op.drop_column("bodies", "rules")
