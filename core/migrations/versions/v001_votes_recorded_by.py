"""votes remember who recorded them from the room (a show of hands)

Revision ID: v001
Revises: c001
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "v001"
down_revision = "c001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_votes_recorded_by_id"), ["recorded_by_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_votes_recorded_by_id_users"), "users",
                                    ["recorded_by_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_votes_recorded_by_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_votes_recorded_by_id"))
        batch_op.drop_column("recorded_by_id")
