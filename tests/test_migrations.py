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
