"""a review round for draft minutes (gennemlæsning): the rounds, with the draft as sent, and
the members' comments with the secretary's resolution

Both tables are tenant-scoped and behind the row-level security policy like every other
such table (docs/decisions/0005-row-level-security.md,
docs/decisions/0041-review-round-for-draft-minutes.md).

Revision ID: h001
Revises: x001
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "h001"
down_revision = "x001"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def upgrade():
    op.create_table(
        "minutes_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        _fk("minutes_reviews", "tenant_id", "tenants", "CASCADE"),
        _fk("minutes_reviews", "meeting_id", "meetings", "CASCADE"),
        _fk("minutes_reviews", "version_id", "minutes_versions", "CASCADE"),
        _fk("minutes_reviews", "sent_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_reviews")),
        sa.UniqueConstraint("tenant_id", "meeting_id", "round",
                            name=op.f("uq_minutes_reviews_tenant_id_meeting_id_round")),
    )
    with op.batch_alter_table("minutes_reviews", schema=None) as batch_op:
        for column in ("tenant_id", "meeting_id", "version_id", "sent_by_id"):
            batch_op.create_index(batch_op.f(f"ix_minutes_reviews_{column}"), [column], unique=False)
    op.create_table(
        "minutes_review_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution", sa.Enum("accepted", "answered", name="review_resolution",
                                        native_enum=False, create_constraint=True, length=8),
                  nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("change", sa.JSON(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        _fk("minutes_review_comments", "tenant_id", "tenants", "CASCADE"),
        _fk("minutes_review_comments", "meeting_id", "meetings", "CASCADE"),
        _fk("minutes_review_comments", "review_id", "minutes_reviews", "CASCADE"),
        _fk("minutes_review_comments", "item_id", "agenda_items", "CASCADE"),
        _fk("minutes_review_comments", "author_id", "users", "SET NULL"),
        _fk("minutes_review_comments", "resolved_by_id", "users", "SET NULL"),
        sa.CheckConstraint("(resolution IS NULL) = (resolved_at IS NULL)",
                           name=op.f("ck_minutes_review_comments_resolved_when")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_review_comments")),
    )
    with op.batch_alter_table("minutes_review_comments", schema=None) as batch_op:
        for column in ("tenant_id", "meeting_id", "review_id", "item_id", "author_id", "resolved_by_id"):
            batch_op.create_index(batch_op.f(f"ix_minutes_review_comments_{column}"), [column], unique=False)
        batch_op.create_index("ix_minutes_review_comments_tenant_review", ["tenant_id", "review_id"],
                              unique=False)
    enable_row_level_security(op, "minutes_reviews")
    enable_row_level_security(op, "minutes_review_comments")


def downgrade():
    disable_row_level_security(op, "minutes_review_comments")
    disable_row_level_security(op, "minutes_reviews")
    op.drop_table("minutes_review_comments")
    op.drop_table("minutes_reviews")
