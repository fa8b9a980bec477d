"""minutes entries carry a motion's result and explanation

Revision ID: g001
Revises: 0003
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "g001"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("minutes_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("explanation", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("minutes_entries", schema=None) as batch_op:
        batch_op.drop_column("explanation")
        batch_op.drop_column("result")
