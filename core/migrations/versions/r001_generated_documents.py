"""generated documents (agenda, minutes, board book, renditions) cached by content; an
item's decision theme and economy; an attachment's page count

``generated_documents`` is tenant-scoped and behind the row-level security policy like
every other such table (docs/decisions/0005-row-level-security.md,
docs/decisions/0028-meeting-documents-as-pdf.md).

Revision ID: r001
Revises: k001
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "r001"
down_revision = "k001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "generated_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("content_key", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("render_ms", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_generated_documents_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_generated_documents_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"],
                                name=op.f("fk_generated_documents_attachment_id_attachments"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_documents")),
        sa.UniqueConstraint("tenant_id", "content_key", name="uq_generated_documents_tenant_id_content_key"),
    )
    with op.batch_alter_table("generated_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_generated_documents_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_generated_documents_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_generated_documents_attachment_id"), ["attachment_id"],
                              unique=False)
    enable_row_level_security(op, "generated_documents")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_theme", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("economy", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_count", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("page_count")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_column("economy")
        batch_op.drop_column("decision_theme")
    disable_row_level_security(op, "generated_documents")
    op.drop_table("generated_documents")
