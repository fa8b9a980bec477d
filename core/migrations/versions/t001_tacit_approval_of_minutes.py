"""tacit approval of minutes: the approval mode ``tacit`` and members' objections

The approval mode is a non-native enum, so its CHECK constraint is replaced (a batch
rebuild on SQLite). ``minutes_objections`` is tenant-scoped and behind the row-level
security policy like every other such table (docs/decisions/0005-row-level-security.md).

Revision ID: t001
Revises: r001
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "t001"
down_revision = "r001"
branch_labels = None
depends_on = None

_OLD = ("email", "next_meeting", "board", "none")
_NEW = ("email", "next_meeting", "board", "tacit", "none")


def _mode(values):
    return sa.Enum(*values, name="approval_mode", native_enum=False, create_constraint=True,
                   length=12)


def upgrade():
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.alter_column("approval_mode", existing_type=_mode(_OLD), type_=_mode(_NEW),
                              existing_nullable=False)
    op.create_table(
        "minutes_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_minutes_objections_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["minutes_versions.id"],
                                name=op.f("fk_minutes_objections_version_id_minutes_versions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_minutes_objections_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_objections")),
    )
    with op.batch_alter_table("minutes_objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_objections_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_objections_version_id"), ["version_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_minutes_objections_user_id"), ["user_id"], unique=False)
    enable_row_level_security(op, "minutes_objections")


def downgrade():
    # Nothing is lost: a database that holds objections or a body approving tacitly cannot
    # go back to a schema without them.
    conn = op.get_bind()
    held = conn.execute(sa.text("SELECT count(*) FROM minutes_objections")).scalar()
    tacit = conn.execute(sa.text("SELECT count(*) FROM bodies WHERE approval_mode = 'tacit'")).scalar()
    if held or tacit:
        raise RuntimeError(f"t001 cannot be undone: {held} objections and {tacit} bodies approving "
                           "minutes tacitly would be lost")
    disable_row_level_security(op, "minutes_objections")
    op.drop_table("minutes_objections")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.alter_column("approval_mode", existing_type=_mode(_NEW), type_=_mode(_OLD),
                              existing_nullable=False)
