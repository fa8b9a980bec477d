"""disqualifications: a member disqualified (inhabil) on an agenda item

A member declares, or the chair, the meeting leader or the secretary records, that a member
is disqualified on an item (forvaltningsloven § 3, CORE-DISQUALIFIED), with a short reason;
a withdrawal keeps the row with when and by whom. One standing disqualification per member
and item (a partial unique index). Tenant-scoped, behind the row-level security policy like
every other such table.

Revision ID: o001
Revises: h001
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "o001"
down_revision = "h001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "disqualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_disqualifications_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_disqualifications_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"],
                                name=op.f("fk_disqualifications_item_id_agenda_items"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["users.id"],
                                name=op.f("fk_disqualifications_person_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["declared_by_id"], ["users.id"],
                                name=op.f("fk_disqualifications_declared_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["users.id"],
                                name=op.f("fk_disqualifications_withdrawn_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disqualifications")),
    )
    for column in ("tenant_id", "meeting_id", "item_id", "person_id", "declared_by_id",
                   "withdrawn_by_id"):
        op.create_index(op.f(f"ix_disqualifications_{column}"), "disqualifications", [column])
    op.create_index("ix_disqualifications_tenant_meeting", "disqualifications",
                    ["tenant_id", "meeting_id"])
    op.create_index("uq_disqualifications_standing", "disqualifications",
                    ["tenant_id", "item_id", "person_id"], unique=True,
                    sqlite_where=sa.text("withdrawn_at IS NULL"),
                    postgresql_where=sa.text("withdrawn_at IS NULL"))
    enable_row_level_security(op, "disqualifications")


def downgrade():
    disable_row_level_security(op, "disqualifications")
    op.drop_table("disqualifications")
