"""notifications can carry a prepared subject line and text (hearing reminders)

Revision ID: g002
Revises: g001
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "g002"
down_revision = "g001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("text")
        batch_op.drop_column("title")
