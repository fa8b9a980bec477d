"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.extensions import db


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
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
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []
