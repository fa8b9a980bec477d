"""a session version on each user; the per-account lockout columns go (a throttle replaces them)

Revision ID: s001
Revises: v001
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "s001"
down_revision = "v001"
branch_labels = None
depends_on = None


def upgrade():
    # Every session issued before this revision carries no version and is refused: people
    # log in once more after the upgrade (docs/decisions/0015-sessions-end-by-a-version-on-the-user.md).
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column("session_version")
