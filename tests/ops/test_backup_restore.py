"""docs/operations.md "Back up and restore": pg_dump in the custom format, pg_restore into a
new database, and the application serves the same data from it."""

import os
import shutil
import subprocess
import uuid

import pytest
import sqlalchemy as sa

from core.config import normalise_database_url

pytestmark = pytest.mark.postgres


def test_pg_dump_and_pg_restore_round_trip(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL not set (CI sets it)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore not installed")
    from flask_migrate import upgrade

    from core import create_app
    from core.extensions import db
    from core.hooks.host import PluginHost
    from core.tenants.operations import sync_tenant_file
    from core.testing import _dispose
    from tests.fixtures import testby_plugin
    from tests.fixtures.testby import NABOBY, TESTBY

    def host():  # Testby names the tests' own plugin
        return PluginHost(plugins={testby_plugin.NAME: testby_plugin})

    url = sa.engine.make_url(normalise_database_url(base))
    names = [f"k_backup_{uuid.uuid4().hex[:8]}", f"k_restored_{uuid.uuid4().hex[:8]}"]
    source, target = (url.set(database=n) for n in names)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for n in names:
            conn.execute(sa.text(f'CREATE DATABASE "{n}"'))
    libpq = lambda u: u.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": source.render_as_string(hide_password=False),
                          "REDIS_URL": ""}, host=host(), check_schema=False)
        with app.app_context():
            upgrade(revision="heads")
            for path in (TESTBY, NABOBY):
                sync_tenant_file(path, app.extensions["kommissorium.host"])
                db.session.commit()
        before = app.test_client().get("/api/v1/tenants/testby/bodies").get_json()
        _dispose(app)

        dump = tmp_path / "kommissorium.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq(source)],
                       check=True, capture_output=True, timeout=120)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--jobs=2",
                        f"--dbname={libpq(target)}", str(dump)],
                       check=True, capture_output=True, timeout=120)

        restored = create_app({"SQLALCHEMY_DATABASE_URI": target.render_as_string(hide_password=False),
                               "REDIS_URL": ""}, host=host())  # checks: schema at head
        try:
            client = restored.test_client()
            assert client.get("/readyz").status_code == 200
            assert client.get("/api/v1/tenants/testby/bodies").get_json() == before
            assert {t["slug"] for t in client.get("/api/v1/tenants").get_json()} == {
                "testby", "naboby"}
        finally:
            _dispose(restored)
    finally:
        with admin.connect() as conn:
            for n in names:
                conn.execute(sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                    {"n": n})
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{n}"'))
        admin.dispose()
