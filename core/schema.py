"""Refusing to run on a database whose schema is behind the code's migrations."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from core.extensions import db


class SchemaNotMigrated(RuntimeError):
    pass


#: Tables the migrations make that no model describes: SQLite's FTS5 table of the search
#: index and the shadow tables FTS5 keeps (migration q001).
UNMODELLED_TABLES = ("search_fts",)


def include_name(name, type_, parent_names) -> bool:
    """For Alembic's comparison of the schema with the models: leave out
    :data:`UNMODELLED_TABLES`."""
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLES))


def heads() -> set[str]:
    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def current_revisions() -> set[str]:
    with db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def ensure_migrated() -> None:
    want, have = heads(), current_revisions()
    if want != have:
        url = db.engine.url.render_as_string(hide_password=True)
        state = ", ".join(sorted(have)) or "empty (no migrations applied)"
        raise SchemaNotMigrated(
            f"The database {url} is not migrated: it is at {state}, the code needs "
            f"{', '.join(sorted(want))}. Run: kommissorium db upgrade"
        )
