"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.extensions import db
from core.schema import include_name

#: SQLite's FTS5 tables of the search index are the migrations' alone (no model describes them).
OPTS = {"include_name": include_name}


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts=OPTS), db.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_migrations_have_one_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: add a merge migration"


def test_the_calendar_feed_migration_downgrades_and_upgrades(app):
    """c001 (the calendar addresses) goes down to f001 and up again, on PostgreSQL and on
    SQLite; a global table, so no row-level security policy to add or drop."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="f001")
    try:
        assert "calendar_feeds" not in sa.inspect(db.engine).get_table_names()
    finally:
        upgrade(revision="heads")
    assert "calendar_feeds" in sa.inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts=OPTS), db.metadata)
    assert diff == []


def _audit_tenant_fk_ondelete() -> str | None:
    import sqlalchemy as sa

    (fk,) = [fk for fk in sa.inspect(db.engine).get_foreign_keys("audit_entries")
             if fk["referred_table"] == "tenants"]
    return (fk.get("options") or {}).get("ondelete")


def test_the_ended_on_and_audit_restrict_migration_downgrades_and_upgrades(app):
    """e001 (bodies and seats get ``ended_on``; the audit log's tenant key becomes RESTRICT)
    goes down to s001 (its predecessor) and up again, on PostgreSQL and on SQLite (batch mode rebuilds the
    audit table there)."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    def columns(table):
        return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}

    assert _audit_tenant_fk_ondelete().upper() == "RESTRICT"
    db.session.remove()
    downgrade(revision="s001")
    try:
        assert "ended_on" not in columns("bodies") and "ended_on" not in columns("seats")
        assert _audit_tenant_fk_ondelete().upper() == "CASCADE"
    finally:
        upgrade(revision="heads")
    assert "ended_on" in columns("bodies") and "ended_on" in columns("seats")
    assert _audit_tenant_fk_ondelete().upper() == "RESTRICT"
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts=OPTS), db.metadata)
    assert diff == []


def test_the_seat_holdings_migration_keeps_every_holder(app, sync_tenant, make_meeting, in_tenant):
    """y001 moves every seat's holder into an undated holding and back: down to z001, each
    seat has as its one holder the holding valid today; up again, each holder has their
    undated holding — nobody is lost either way, and nothing that refers to a seat (a
    meeting's attendance) goes with the table SQLite rebuilds to drop or add the column
    (docs/decisions/0038-seat-holdings.md)."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from core.bodies.models import Body
    from core.meetings.models import Attendance, AttendanceStatus
    from tests.fixtures.dates import at
    from tests.fixtures.testby import TESTBY

    sync_tenant(TESTBY)
    meeting = make_meeting("testby", "bestyrelse", at(2018, 3, 1, 15))
    with in_tenant("testby"):
        seat = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse")).seats[0]
        db.session.add(Attendance(meeting_id=meeting, seat=seat, person=seat.holder_on(at(2018, 3, 1).date()),
                                  status=AttendanceStatus.PRESENT))
        db.session.commit()
    attendance = sa.text("SELECT seat_id, person_id FROM attendances ORDER BY id")
    held = sa.text("SELECT seat_id, holder_id FROM seat_holdings ORDER BY seat_id")
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT set_config('app.bypass_rls', 'on', false)"))
        before = conn.execute(held).all()
    assert len(before) >= 6
    db.session.remove()
    downgrade(revision="z001")
    try:
        with db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT set_config('app.bypass_rls', 'on', false)"))
            seats = conn.execute(sa.text(
                "SELECT id, holder_id FROM seats WHERE holder_id IS NOT NULL ORDER BY id")).all()
            attended = conn.execute(attendance).all()
        assert [tuple(r) for r in seats] == [tuple(r) for r in before]
        assert len(attended) == 1
        assert "seat_holdings" not in sa.inspect(db.engine).get_table_names()
    finally:
        upgrade(revision="heads")
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT set_config('app.bypass_rls', 'on', false)"))
        after = conn.execute(held).all()
        undated = conn.execute(sa.text(
            "SELECT count(*) FROM seat_holdings WHERE valid_from IS NULL AND valid_to IS NULL")).scalar()
        assert conn.execute(attendance).all() == attended
    assert [tuple(r) for r in after] == [tuple(r) for r in before] and undated == len(after)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts=OPTS), db.metadata)
    assert diff == []
