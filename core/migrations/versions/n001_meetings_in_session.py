"""a meeting sits: the state in_session, and when and by whom it was opened

Votes, objections and closing a motion happen only while the meeting is in session
(CORE-SESSION); docs/decisions/0026-a-meeting-sits-before-it-decides.md. The state is a
non-native enum, so its CHECK constraint is replaced (a batch rebuild on SQLite).

Revision ID: n001
Revises: t002
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n001"
down_revision = "t002"
branch_labels = None
depends_on = None

_OLD = ("planned", "agenda_published", "held", "minutes_sent", "minutes_approved", "cancelled")
_NEW = ("planned", "agenda_published", "in_session", "held", "minutes_sent", "minutes_approved",
        "cancelled")


def _state(values):
    return sa.Enum(*values, name="meeting_state", native_enum=False, create_constraint=True,
                   length=16)


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=_state(_OLD), type_=_state(_NEW),
                              existing_nullable=False)
        batch_op.add_column(sa.Column("session_opened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("session_opened_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_meetings_session_opened_by_id"),
                              ["session_opened_by_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_meetings_session_opened_by_id_users"), "users",
                                    ["session_opened_by_id"], ["id"], ondelete="SET NULL")


def downgrade():
    # A meeting in session goes back to the state before it (its agenda is out).
    op.execute("UPDATE meetings SET state = 'agenda_published' WHERE state = 'in_session'")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_meetings_session_opened_by_id_users"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_meetings_session_opened_by_id"))
        batch_op.drop_column("session_opened_by_id")
        batch_op.drop_column("session_opened_at")
        batch_op.alter_column("state", existing_type=_state(_NEW), type_=_state(_OLD),
                              existing_nullable=False)
