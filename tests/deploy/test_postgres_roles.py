"""deploy/postgres/roles.sql: an owner that migrates, an app role that only reads and writes
rows, neither superuser nor BYPASSRLS, and the app not owning the tables (so row-level
security applies to it)."""

import os
import shutil
import subprocess
import uuid

import pytest
import sqlalchemy as sa

from core.config import PROJECT_ROOT, normalise_database_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def roles_sql_applied():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL not set (CI sets it)")
    if not shutil.which("psql"):
        pytest.skip("psql not installed")
    suffix = uuid.uuid4().hex[:8]
    names = {"db": f"k_roles_{suffix}", "owner": f"k_owner_{suffix}", "app": f"k_app_{suffix}"}
    admin_url = sa.engine.make_url(normalise_database_url(base))
    plain = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)

    def run_sql_file():
        return subprocess.run(
            ["psql", plain, "-v", "ON_ERROR_STOP=1", "-q",
             "-v", f"db={names['db']}", "-v", f"owner={names['owner']}",
             "-v", "owner_password=owner-pw", "-v", f"app={names['app']}",
             "-v", "app_password=app-pw",
             "-f", str(PROJECT_ROOT / "deploy" / "postgres" / "roles.sql")],
            capture_output=True, text=True, timeout=60)

    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        first = run_sql_file()
        assert first.returncode == 0, first.stderr
        again = run_sql_file()  # idempotent
        assert again.returncode == 0, again.stderr
        yield names, admin_url, run_sql_file
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": names["db"]})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{names["db"]}"'))
            for role in (names["app"], names["owner"]):
                conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_roles_are_not_superusers_and_cannot_bypass_rls(roles_sql_applied):
    names, admin_url, _ = roles_sql_applied
    engine = sa.create_engine(admin_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles "
            "WHERE rolname IN (:o, :a)"), {"o": names["owner"], "a": names["app"]}).all()
        owner = conn.execute(sa.text(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :d"),
            {"d": names["db"]}).scalar()
    engine.dispose()
    assert len(rows) == 2
    assert all(not (r.rolsuper or r.rolbypassrls or r.rolcreatedb or r.rolcreaterole) for r in rows)
    assert owner == names["owner"]


def test_owner_migrates_and_the_app_role_uses_rows_but_not_schema(roles_sql_applied, tmp_path):
    from flask_migrate import upgrade

    from core import create_app
    from core.extensions import db
    from core.hooks.host import PluginHost
    from core.tenants.operations import sync_tenant_file
    from tests.fixtures.testby import NABOBY
    from core.testing import _dispose

    names, admin_url, _ = roles_sql_applied
    owner_url = admin_url.set(username=names["owner"], password="owner-pw",
                              database=names["db"]).render_as_string(hide_password=False)
    app_url = admin_url.set(username=names["app"], password="app-pw",
                            database=names["db"]).render_as_string(hide_password=False)

    migrator = create_app({"SQLALCHEMY_DATABASE_URI": owner_url, "REDIS_URL": ""},
                          host=PluginHost(), check_schema=False)
    with migrator.app_context():
        upgrade(revision="heads")
    _dispose(migrator)

    # The application role: starts (schema at head), writes rows, reads them over HTTP.
    app = create_app({"SQLALCHEMY_DATABASE_URI": app_url, "REDIS_URL": ""}, host=PluginHost())
    try:
        with app.app_context():
            sync_tenant_file(NABOBY, app.extensions["kommissorium.host"])
            db.session.commit()
            with db.engine.connect() as conn:
                owners = set(conn.execute(sa.text(
                    "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")).scalars())
                assert owners == {names["owner"]}
                with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                    conn.execute(sa.text("CREATE TABLE sneaky (id int)"))
                conn.rollback()
                with pytest.raises(sa.exc.ProgrammingError, match="must be owner"):
                    conn.execute(sa.text("ALTER TABLE bodies DISABLE ROW LEVEL SECURITY"))
                conn.rollback()
        resp = app.test_client().get("/api/v1/tenants/naboby/bodies")
        assert resp.status_code == 200 and [b["key"] for b in resp.get_json()] == ["bestyrelse"]
        assert app.test_client().get("/readyz").status_code == 200
    finally:
        _dispose(app)
