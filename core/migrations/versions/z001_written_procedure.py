"""written procedure (skriftlig behandling): proposals put to a body's voting units between
meetings, and the units' answers

Both tables are tenant-scoped and behind the row-level security policy like every other
such table (docs/decisions/0005-row-level-security.md,
docs/decisions/0039-written-procedure.md).

Revision ID: z001
Revises: w001
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "z001"
down_revision = "w001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "written_procedures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("case_text", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("plan", sa.String(length=100), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.Enum("open", "decided", "not_decided", name="written_state",
                                   native_enum=False, create_constraint=True, length=11),
                  nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_rules", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_written_procedures_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"],
                                name=op.f("fk_written_procedures_body_id_bodies"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"],
                                name=op.f("fk_written_procedures_started_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_written_procedures_meeting_id_meetings"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"],
                                name=op.f("fk_written_procedures_item_id_agenda_items"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_written_procedures")),
    )
    with op.batch_alter_table("written_procedures", schema=None) as batch_op:
        for column in ("tenant_id", "body_id", "started_by_id", "meeting_id", "item_id"):
            batch_op.create_index(batch_op.f(f"ix_written_procedures_{column}"), [column], unique=False)
        batch_op.create_index("ix_written_procedures_tenant_state", ["tenant_id", "state"], unique=False)
    op.create_table(
        "written_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("unit_key", sa.String(length=100), nullable=False),
        sa.Column("unit_label", sa.String(length=200), nullable=False),
        sa.Column("choice", sa.Enum("agree", "object", "abstain", name="written_choice",
                                    native_enum=False, create_constraint=True, length=7),
                  nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_as", sa.Enum("holder", "substitute", "delegate", name="cast_as",
                                         native_enum=False, create_constraint=True, length=10),
                  nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_written_answers_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["procedure_id"], ["written_procedures.id"],
                                name=op.f("fk_written_answers_procedure_id_written_procedures"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"],
                                name=op.f("fk_written_answers_answered_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_written_answers")),
        sa.UniqueConstraint("tenant_id", "procedure_id", "unit_key",
                            name=op.f("uq_written_answers_tenant_id_procedure_id_unit_key")),
    )
    with op.batch_alter_table("written_answers", schema=None) as batch_op:
        for column in ("tenant_id", "procedure_id", "answered_by_id"):
            batch_op.create_index(batch_op.f(f"ix_written_answers_{column}"), [column], unique=False)
    enable_row_level_security(op, "written_procedures")
    enable_row_level_security(op, "written_answers")


def downgrade():
    disable_row_level_security(op, "written_answers")
    disable_row_level_security(op, "written_procedures")
    op.drop_table("written_answers")
    op.drop_table("written_procedures")
