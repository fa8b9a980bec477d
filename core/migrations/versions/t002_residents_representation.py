"""organisation kind ``residents_representation``: the residents' own representation

The kind is a non-native enum, so its CHECK constraint is replaced (a batch rebuild on
SQLite).

Revision ID: t002
Revises: t001
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "t002"
down_revision = "t001"
branch_labels = None
depends_on = None

_OLD = ("housing_organisation", "administration_company", "municipality", "municipal_administration",
        "interest_organisation", "secretariat", "police")
_NEW = _OLD[:5] + ("residents_representation",) + _OLD[5:]


def _kind(values):
    return sa.Enum(*values, name="organisation_kind", native_enum=False, create_constraint=True,
                   length=24)


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=_kind(_OLD), type_=_kind(_NEW), existing_nullable=False)


def downgrade():
    # Nothing is lost: organisations of the new kind keep the schema from going back.
    held = op.get_bind().execute(
        sa.text("SELECT count(*) FROM organisations WHERE kind = 'residents_representation'")).scalar()
    if held:
        raise RuntimeError(f"t002 cannot be undone: {held} organisations are residents' representations")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=_kind(_NEW), type_=_kind(_OLD), existing_nullable=False)
