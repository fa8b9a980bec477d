"""hearings the parties answer themselves: hearing contacts, personal answer links, and
how an answer came (platform, link, paper) with who recorded a paper answer

``hearing_answer_links`` is tenant-scoped and behind the row-level security policy like
every other such table (docs/decisions/0005-row-level-security.md); it holds the SHA-256 of
each link's token, never the token (docs/decisions/0037-hearing-answer-links.md).

Revision ID: x001
Revises: y001
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "x001"
down_revision = "y001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hearing_contact_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("hearing_contact_name", sa.String(length=200), nullable=True))
    op.create_table(
        "hearing_answer_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_hearing_answer_links_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"],
                                name=op.f("fk_hearing_answer_links_hearing_id_hearings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_hearing_answer_links_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_answer_links")),
        sa.UniqueConstraint("tenant_id", "hearing_id", "organisation_id", "email",
                            name=op.f("uq_hearing_answer_links_tenant_id_hearing_id_organisation_id_email")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_hearing_answer_links_token_hash")),
    )
    with op.batch_alter_table("hearing_answer_links", schema=None) as batch_op:
        for column in ("tenant_id", "hearing_id", "organisation_id"):
            batch_op.create_index(batch_op.f(f"ix_hearing_answer_links_{column}"), [column], unique=False)
    enable_row_level_security(op, "hearing_answer_links")
    with op.batch_alter_table("hearing_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            "channel", sa.Enum("platform", "link", "paper", name="hearing_response_channel",
                               native_enum=False, create_constraint=True, length=8),
            nullable=False, server_default="platform"))
        batch_op.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("link_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_hearing_responses_recorded_by_id"), ["recorded_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearing_responses_link_id"), ["link_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_hearing_responses_recorded_by_id_users"), "users",
                                    ["recorded_by_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_hearing_responses_link_id_hearing_answer_links"),
                                    "hearing_answer_links", ["link_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("hearing_responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_hearing_responses_link_id_hearing_answer_links"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_hearing_responses_recorded_by_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_hearing_responses_link_id"))
        batch_op.drop_index(batch_op.f("ix_hearing_responses_recorded_by_id"))
        batch_op.drop_column("link_id")
        batch_op.drop_column("recorded_by_id")
        batch_op.drop_constraint(batch_op.f("ck_hearing_responses_hearing_response_channel"), type_="check")
        batch_op.drop_column("channel")
    disable_row_level_security(op, "hearing_answer_links")
    op.drop_table("hearing_answer_links")
    with op.batch_alter_table("participations", schema=None) as batch_op:
        batch_op.drop_column("hearing_contact_name")
        batch_op.drop_column("hearing_contact_email")
