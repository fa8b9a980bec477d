"""people administered by a tenant's secretariat: affiliations with a start and an end
(ended ones kept as history, at most one open per person and organisation) and the
invitations a secretariat sends

``invitations`` is tenant-scoped and behind the row-level security policy like every other
such table (docs/decisions/0005-row-level-security.md); it holds a nonce, never a link's
token (docs/decisions/0043-people-administration.md). ``affiliations`` stays global. On
SQLite its unique constraint goes with a rebuild of that table alone (nothing refers to it).

Revision ID: l001
Revises: a001
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "l001"
down_revision = "a001"
branch_labels = None
depends_on = None

_OPEN = "ended_on IS NULL"


def upgrade():
    with op.batch_alter_table("affiliations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch_op.drop_constraint("uq_affiliations_user_id_organisation_id", type_="unique")
    op.create_index("uq_affiliations_open", "affiliations", ["user_id", "organisation_id"],
                    unique=True, sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("has_password_link", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_invitations_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_invitations_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_invitations_organisation_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("tenant_id", "user_id", "organisation_id",
                            name=op.f("uq_invitations_tenant_id_user_id_organisation_id")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        for column in ("tenant_id", "user_id", "organisation_id"):
            batch_op.create_index(batch_op.f(f"ix_invitations_{column}"), [column], unique=False)
    enable_row_level_security(op, "invitations")


def downgrade():
    disable_row_level_security(op, "invitations")
    op.drop_table("invitations")
    # Down: the history goes (one affiliation per person and organisation again, the
    # open one where there is one).
    op.execute("DELETE FROM affiliations WHERE ended_on IS NOT NULL AND EXISTS ("
               "SELECT 1 FROM affiliations AS a WHERE a.user_id = affiliations.user_id "
               "AND a.organisation_id = affiliations.organisation_id AND a.id <> affiliations.id "
               "AND (a.ended_on IS NULL OR a.id > affiliations.id))")
    op.drop_index("uq_affiliations_open", table_name="affiliations")
    with op.batch_alter_table("affiliations", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_affiliations_user_id_organisation_id",
                                          ["user_id", "organisation_id"])
        batch_op.drop_column("ended_on")
        batch_op.drop_column("valid_from")
