"""mails in the person's language, and a daily digest instead of single mails

``users.language`` and ``users.has_daily_digest`` are the person's choices (their account
page); ``mail_digests`` is a global table (a person's digest spans tenants, as the person
does), so no row-level security policy; ``notifications.digest_id`` names the digest that
carries a row (docs/decisions/0035-mail-threads-and-daily-digest.md).

Revision ID: u001
Revises: v002
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "u001"
down_revision = "v002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=2), nullable=False, server_default="da"))
        batch.add_column(sa.Column("has_daily_digest", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "mail_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_mail_digests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_digests")),
        sa.UniqueConstraint("user_id", "day", name=op.f("uq_mail_digests_user_id_day")),
    )
    op.create_index(op.f("ix_mail_digests_user_id"), "mail_digests", ["user_id"])
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_notifications_digest_id_mail_digests"), "mail_digests",
                                 ["digest_id"], ["id"], ondelete="SET NULL")
        batch.create_index(batch.f("ix_notifications_digest_id"), ["digest_id"])


def downgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index(batch.f("ix_notifications_digest_id"))
        batch.drop_constraint(batch.f("fk_notifications_digest_id_mail_digests"), type_="foreignkey")
        batch.drop_column("digest_id")
    op.drop_index(op.f("ix_mail_digests_user_id"), table_name="mail_digests")
    op.drop_table("mail_digests")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("has_daily_digest")
        batch.drop_column("language")
