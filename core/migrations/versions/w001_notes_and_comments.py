"""notes and comments on agenda items and attachments; an attachment replaced by a new version

``annotations`` is tenant-scoped and behind the row-level security policy like every other
such table (docs/decisions/0005-row-level-security.md, docs/annotations.md).

Revision ID: w001
Revises: u001
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "w001"
down_revision = "u001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_attachments_replaced_by_id"), ["replaced_by_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_attachments_replaced_by_id_attachments"),
                                    "attachments", ["replaced_by_id"], ["id"], ondelete="SET NULL")
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("note", "comment", name="annotation_kind", native_enum=False,
                                  create_constraint=True, length=7), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("page IS NULL OR page >= 1", name=op.f("ck_annotations_page_from_one")),
        sa.CheckConstraint("page IS NULL OR attachment_id IS NOT NULL",
                           name=op.f("ck_annotations_page_of_an_attachment")),
        sa.CheckConstraint("reply_to_id IS NULL OR kind = 'comment'",
                           name=op.f("ck_annotations_only_comments_reply")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_annotations_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_annotations_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"],
                                name=op.f("fk_annotations_item_id_agenda_items"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"],
                                name=op.f("fk_annotations_attachment_id_attachments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reply_to_id"], ["annotations.id"],
                                name=op.f("fk_annotations_reply_to_id_annotations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_annotations_author_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotations")),
    )
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        for column in ("tenant_id", "meeting_id", "item_id", "attachment_id", "reply_to_id", "author_id"):
            batch_op.create_index(batch_op.f(f"ix_annotations_{column}"), [column], unique=False)
        batch_op.create_index("ix_annotations_tenant_item", ["tenant_id", "item_id"], unique=False)
    enable_row_level_security(op, "annotations")


def downgrade():
    disable_row_level_security(op, "annotations")
    op.drop_table("annotations")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_attachments_replaced_by_id_attachments"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_attachments_replaced_by_id"))
        batch_op.drop_column("replaced_at")
        batch_op.drop_column("replaced_by_id")
