"""pytest fixtures for Kommissorium and its plugin authors (registered as a pytest11 plugin).

The database is real: PostgreSQL when ``TEST_DATABASE_URL`` is set (CI), otherwise a
SQLite file. Each test session gets a fresh database migrated with the project's Alembic
migrations; each test starts from empty tables.

Fixtures:

* ``app`` — the application, with a fresh :class:`~core.hooks.host.PluginHost`;
* ``client`` — a Flask test client;
* ``sync_tenant(path_or_name)`` — load a tenant file (a path, or a name under ``tenants/``);
* ``write_tenant_file(text)`` — write a tenant file into a temporary folder, return its path;
* ``login(client, email)`` — log a user in (sets a password first);
* ``in_tenant(slug)`` — a context manager running a block inside that tenant's scope.
"""

from __future__ import annotations

import contextlib
import os
import textwrap
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.config import PROJECT_ROOT, normalise_database_url

TEST_PASSWORD = "correct horse battery staple"


def _backend_url(tmp_path_factory) -> tuple[str, callable]:
    """A fresh database for the session and a function that drops it."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = tmp_path_factory.mktemp("db") / "kommissorium.sqlite"
        return f"sqlite:///{path}", lambda: None
    base = normalise_database_url(base)
    url = sa.engine.make_url(base)
    name = f"{url.database}_k{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def pytest_report_header(config):
    if os.environ.get("TEST_DATABASE_URL"):
        return "kommissorium: database backend PostgreSQL (TEST_DATABASE_URL)"
    return "kommissorium: database backend SQLite (set TEST_DATABASE_URL for PostgreSQL)"


def _backend_name() -> str:
    return "PostgreSQL" if os.environ.get("TEST_DATABASE_URL") else "SQLite"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    passed = len(terminalreporter.stats.get("passed", []))
    terminalreporter.write_line(
        f"kommissorium: {passed} tests passed on {_backend_name()}"
        + ("" if os.environ.get("TEST_REDIS_URL") else "; Redis tests skipped (no TEST_REDIS_URL)")
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """A run in which no test passed is a failure, never green."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    passed = len(reporter.stats.get("passed", [])) if reporter else 0
    if exitstatus == 0 and passed == 0 and not session.config.option.collectonly:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url, drop = _backend_url(tmp_path_factory)
    yield url
    drop()


@pytest.fixture(scope="session")
def _migrated_app(database_url):
    from flask_migrate import upgrade

    from core import create_app
    from core.hooks.host import PluginHost

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test",
            "REDIS_URL": os.environ.get("TEST_REDIS_URL", ""),
            # rate-limit counters of this session only (parallel runs share the Redis)
            "RATELIMIT_STORAGE_OPTIONS": (
                {"key_prefix": f"kommissorium-test-{uuid.uuid4().hex[:8]}"}
                if os.environ.get("TEST_REDIS_URL") else {}
            ),
        },
        host=PluginHost(),
        check_schema=False,
    )
    with app.app_context():
        upgrade(revision="heads")
    yield app
    _dispose(app)


def _dispose(app) -> None:
    """Close the app's pooled connections (before the test database is dropped)."""
    from core.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def _truncate(db) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(sa.text(f'DELETE FROM "{t}"'))


@pytest.fixture
def app(_migrated_app):
    """The application inside an app context, on empty tables."""
    from core.extensions import db
    from core.hooks.host import PluginHost

    _migrated_app.extensions["kommissorium.host"] = PluginHost()
    with _migrated_app.app_context():
        yield _migrated_app
        db.session.rollback()
        db.session.remove()
        _truncate(db)
        from core.extensions import limiter

        limiter.reset()  # rate-limit counters do not carry from one test to the next


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def host(app):
    """The application's plugin host."""
    return app.extensions["kommissorium.host"]


@pytest.fixture
def sync_tenant(app):
    """Load a tenant file: ``sync_tenant("albertslund")`` or ``sync_tenant(path)``."""
    from core.extensions import db
    from core.tenants.operations import sync_tenant_file

    def _sync(path_or_name):
        path = Path(path_or_name)
        if not path.suffix:
            path = PROJECT_ROOT / "tenants" / f"{path_or_name}.toml"
        try:
            report = sync_tenant_file(path, app.extensions["kommissorium.host"])
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return report

    return _sync


@pytest.fixture
def write_tenant_file(tmp_path):
    """Write a tenant file (dedented TOML text) and return its path."""
    counter = iter(range(1_000_000))

    def _write(text: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"tenant{next(counter)}.toml")
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def login(app):
    """Log ``email`` in on ``client`` (giving the user a known password first)."""
    from core.extensions import db
    from core.identity.models import User
    from core.identity.passwords import hash_password

    def _login(client, email: str):
        user = db.session.scalar(sa.select(User).filter_by(email=email))
        assert user is not None, f"no user {email}"
        user.password_hash = hash_password(TEST_PASSWORD)
        db.session.commit()
        resp = client.post("/api/v1/auth/login", json={"email": email, "password": TEST_PASSWORD})
        assert resp.status_code == 200, resp.get_json()
        return user

    return _login


@pytest.fixture
def in_tenant(app):
    """``with in_tenant("albertslund"): …`` runs the block in that tenant's scope."""
    from core.extensions import db
    from core.tenancy import tenant_scope
    from core.tenants.models import Tenant

    @contextlib.contextmanager
    def _scope(slug: str):
        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=slug))
        assert tenant is not None, f"no tenant {slug}"
        with tenant_scope(tenant.id):
            yield tenant

    return _scope
