"""the clause a recorded dissent cites (the dissent_allowed rule's answer)

Revision ID: r002
Revises: q001
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "r002"
down_revision = "q001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dissents") as batch:
        batch.add_column(sa.Column("clause", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("dissents") as batch:
        batch.drop_column("clause")
