"""seat holdings: who held a seat from when to when

A seat's holder becomes its holdings (docs/decisions/0038-seat-holdings.md). Every seat that
has a holder gets one holding with no dates (held since the seat began, while the seat
lasts), so every past meeting reads the holder it read before; then ``seats.holder_id``
goes. ``seat_holdings`` is tenant-scoped and behind the row-level security policy like every
other such table. Going down puts back, as the seat's one holder, the holding valid today
(else the latest); the holdings' dates are lost with their table.

Revision ID: y001
Revises: z001
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "y001"
down_revision = "z001"
branch_labels = None
depends_on = None


def _rebuilding_seats(work) -> None:
    """Run ``work``, which has SQLite rebuild ``seats`` (a new table, the rows copied, the
    old one dropped), with foreign keys off: dropping the old table deletes its rows first,
    and with foreign keys on that would cascade to every row that refers to a seat
    (attendance, delegated mandates, holdings). The pragma takes effect only outside a
    transaction, so what this migration wrote so far is committed first."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        work()
        return
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()
    op.execute("PRAGMA foreign_keys=OFF")
    try:
        work()
    finally:
        if raw.in_transaction:
            raw.commit()
        op.execute("PRAGMA foreign_keys=ON")


def _bypass_rls():
    if op.get_bind().dialect.name == "postgresql":  # every tenant's rows (core/tenancy.py)
        op.execute("SELECT set_config('app.bypass_rls', 'on', true)")


def upgrade():
    op.create_table(
        "seat_holdings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("seat_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to",
                           name=op.f("ck_seat_holdings_to_after_from")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_seat_holdings_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["seat_id"], ["seats.id"],
                                name=op.f("fk_seat_holdings_seat_id_seats"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["holder_id"], ["users.id"],
                                name=op.f("fk_seat_holdings_holder_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_holdings")),
    )
    with op.batch_alter_table("seat_holdings", schema=None) as batch_op:
        for column in ("tenant_id", "seat_id", "holder_id"):
            batch_op.create_index(batch_op.f(f"ix_seat_holdings_{column}"), [column], unique=False)
        batch_op.create_index("ix_seat_holdings_tenant_holder", ["tenant_id", "holder_id"],
                              unique=False)
    _bypass_rls()
    op.execute(
        "INSERT INTO seat_holdings (tenant_id, seat_id, holder_id, valid_from, valid_to) "
        "SELECT tenant_id, id, holder_id, NULL, NULL FROM seats WHERE holder_id IS NOT NULL"
    )
    enable_row_level_security(op, "seat_holdings")

    def drop_holder():
        with op.batch_alter_table("seats", schema=None) as batch_op:
            batch_op.drop_index(batch_op.f("ix_seats_holder_id"))
            batch_op.drop_constraint(batch_op.f("fk_seats_holder_id_users"), type_="foreignkey")
            batch_op.drop_column("holder_id")

    _rebuilding_seats(drop_holder)


def downgrade():
    def add_holder():
        with op.batch_alter_table("seats", schema=None) as batch_op:
            batch_op.add_column(sa.Column("holder_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f("fk_seats_holder_id_users"), "users",
                                        ["holder_id"], ["id"], ondelete="SET NULL")
            batch_op.create_index(batch_op.f("ix_seats_holder_id"), ["holder_id"], unique=False)

    _rebuilding_seats(add_holder)
    _bypass_rls()
    # the holding valid today, else the one that began last (an open one before a dated one)
    op.execute(
        "UPDATE seats SET holder_id = (SELECT h.holder_id FROM seat_holdings h "
        "WHERE h.seat_id = seats.id ORDER BY "
        "CASE WHEN (h.valid_from IS NULL OR h.valid_from <= CURRENT_DATE) "
        "AND (h.valid_to IS NULL OR h.valid_to >= CURRENT_DATE) THEN 0 ELSE 1 END, "
        "h.valid_from IS NULL, h.valid_from DESC, h.id DESC LIMIT 1)"
    )
    disable_row_level_security(op, "seat_holdings")
    op.drop_table("seat_holdings")
