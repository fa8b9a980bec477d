"""users remember an erased person's e-mail address by a keyed hash

A tenant file that still lists a person whose data was erased is refused instead of
re-creating them (GDPR art. 17).

Revision ID: f001
Revises: g002
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f001"
down_revision = "g002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_email_digest", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_erased_email_digest"), ["erased_email_digest"], unique=False)


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_erased_email_digest"))
        batch_op.drop_column("erased_email_digest")
