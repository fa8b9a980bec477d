"""Start-up: the app refuses an unmigrated database and says which command to run."""

import pytest
import sqlalchemy as sa

from core import create_app
from core.schema import SchemaNotMigrated


def test_refuses_an_unmigrated_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    with pytest.raises(SchemaNotMigrated, match="Run: kommissorium db upgrade") as exc:
        create_app({"SQLALCHEMY_DATABASE_URI": url})
    assert "empty (no migrations applied)" in str(exc.value)


def test_refuses_a_database_behind_the_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('0000')"))
    with pytest.raises(SchemaNotMigrated, match="it is at 0000"):
        create_app({"SQLALCHEMY_DATABASE_URI": url})


def test_starts_on_a_migrated_database(app, database_url):
    from core.testing import _dispose

    started = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert started.name == "core"
    _dispose(started)
