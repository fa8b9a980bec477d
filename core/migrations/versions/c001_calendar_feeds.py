"""calendar_feeds: a person's secret calendar address, stored as a hash

A calendar program subscribes to ``/api/v1/calendar/<secret>.ics`` without a login
(docs/decisions/0011-calendar-subscription-feed.md). A global table (users are global), so
no row-level security policy: the feed spans tenants, as the user's own calendar does.

Revision ID: c001
Revises: f001
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c001"
down_revision = "f001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_calendar_feeds_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_calendar_feeds_secret_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feeds_user_id")),
    )


def downgrade():
    op.drop_table("calendar_feeds")
