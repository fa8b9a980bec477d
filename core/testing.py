"""pytest fixtures for Kommissorium and its plugin authors (registered as a pytest11 plugin).

The database is real: PostgreSQL when ``TEST_DATABASE_URL`` is set (CI), otherwise a
SQLite file. Each test session (each pytest-xdist worker) gets a fresh database migrated
with the project's Alembic migrations; each test starts from empty tables. What does not
change between tests is made once per session: the migrated application, its plugin host
(a test that asks for ``host`` gets a fresh one it may change), the rows a tenant file
writes (:mod:`core.testing_db`) and the test password's hash.

Fixtures:

* ``app`` — the application, with the session's :class:`~core.hooks.host.PluginHost`;
* ``host`` — a fresh plugin host for this test (register test plugins on it);
* ``client`` — a Flask test client;
* ``sync_tenant(path_or_name)`` — load a tenant file (a path, or a name looked up in the
  ``kommissorium_tenant_dirs``);
* ``write_tenant_file(text)`` — write a tenant file into a temporary folder, return its path;
* ``login(client, email)`` — log a user in (sets a password first);
* ``in_tenant(slug)`` — a context manager running a block inside that tenant's scope;
* ``clock``, ``member(email)``, ``create_meeting``, ``create_item``, ``attend``,
  ``decision_item`` and ``meeting_of`` — meetings, attendance and several members each
  casting their own vote (:mod:`core.testing_meetings`).

Two session fixtures to override in a ``conftest.py``:

* ``kommissorium_plugins`` — ``{name: plugin}`` registered on every plugin host the fixtures
  make, beside the installed plugins (a plugin of the tests alone, not installed);
* ``kommissorium_tenant_dirs`` — the folders ``sync_tenant(name)`` looks in, in order
  (default: the project's ``tenants/``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import textwrap
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.config import PROJECT_ROOT, normalise_database_url
from core.testing_meetings import (  # noqa: F401  (fixtures of this plugin)
    attend,
    clock,
    create_item,
    create_meeting,
    decision_item,
    meeting_of,
    member,
)

TEST_PASSWORD = "correct horse battery staple"


def _worker_tag(sep: str = "-") -> str:
    """``gw0-`` in pytest-xdist's first worker; empty in a run without workers."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{worker}{sep}" if worker else ""


def _backend_url(tmp_path_factory) -> tuple[str, callable]:
    """A fresh database for the session and a function that drops it."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = tmp_path_factory.mktemp("db") / "kommissorium.sqlite"
        return f"sqlite:///{path}", lambda: None
    base = normalise_database_url(base)
    url = sa.engine.make_url(base)
    # One database per session and per xdist worker, e.g. test_gw0_k1a2b3c4d.
    name = f"{url.database}_{_worker_tag('_')}k{uuid.uuid4().hex[:8]}"
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


def _is_xdist_worker(config) -> bool:
    """A pytest-xdist worker: the controller counts and reports for the whole run."""
    return hasattr(config, "workerinput")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _is_xdist_worker(config):
        return
    passed = len(terminalreporter.stats.get("passed", []))
    terminalreporter.write_line(
        f"kommissorium: {passed} tests passed on {_backend_name()}"
        + ("" if os.environ.get("TEST_REDIS_URL") else "; Redis tests skipped (no TEST_REDIS_URL)")
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """A run in which no test passed is a failure, never green."""
    if _is_xdist_worker(session.config):
        return  # a worker may be given no test; the controller judges the run
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
def kommissorium_plugins() -> dict[str, object]:
    """Plugins registered beside the installed ones on the fixtures' plugin hosts, by name.
    Override it to test with a plugin that is not installed through an entry point."""
    return {}


@pytest.fixture(scope="session")
def kommissorium_tenant_dirs() -> list[Path]:
    """Where ``sync_tenant(name)`` finds ``<name>.toml``, first folder first."""
    return [PROJECT_ROOT / "tenants"]


@pytest.fixture(scope="session")
def _migrated_app(database_url, kommissorium_plugins):
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
                {"key_prefix": f"kommissorium-test-{_worker_tag()}{uuid.uuid4().hex[:8]}"}
                if os.environ.get("TEST_REDIS_URL") else {}
            ),
        },
        host=PluginHost(plugins=kommissorium_plugins),
        check_schema=False,
    )
    with app.app_context():
        upgrade(revision="heads")
    yield app
    _dispose(app)


@pytest.fixture(scope="session")
def _session_state(_migrated_app, kommissorium_plugins):
    """What tests share: the default plugin host and the tenant-file snapshots."""
    from core.hooks.host import PluginHost
    from core.testing_db import TenantSnapshots

    host = PluginHost(plugins=kommissorium_plugins)
    state = _SessionState(host, TenantSnapshots(host), kommissorium_plugins)
    yield state
    state.snapshots.close()


class _SessionState:
    def __init__(self, host, snapshots, plugins):
        self.host, self.snapshots, self.plugins = host, snapshots, plugins

    def fresh_host(self):
        from core.hooks.host import PluginHost

        return PluginHost(plugins=self.plugins)

    def fresh_host_if_changed(self) -> None:
        """A test that registered a plugin on the shared host leaves it to itself."""
        if self.snapshots._signature(self.host) != self.snapshots.signature:
            self.host = self.fresh_host()


def _dispose(app) -> None:
    """Close the app's pooled connections (before the test database is dropped)."""
    from core.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def _truncate(db) -> None:
    """Empty every table (only those with rows are touched); ids start from 1 again."""
    from core.testing_db import clear

    clear(db)


@pytest.fixture
def app(_migrated_app, _session_state):
    """The application inside an app context, on empty tables."""
    from core.extensions import db

    _migrated_app.extensions["kommissorium.host"] = _session_state.host
    _session_state.snapshots.begin_test()
    # the local file store is emptied with the tables: a folder of the test's own
    files_dir = tempfile.mkdtemp(prefix="kommissorium-files-")
    _migrated_app.config["FILE_STORE_DIR"] = files_dir
    with _migrated_app.app_context():
        yield _migrated_app
        db.session.rollback()
        db.session.remove()
        _truncate(db)
        shutil.rmtree(files_dir, ignore_errors=True)
        _session_state.fresh_host_if_changed()
        from core.extensions import limiter

        limiter.reset()  # rate-limit counters do not carry from one test to the next


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def host(app, _session_state):
    """A fresh plugin host for this test, installed in the application: register test
    plugins on it (the other tests share one host, which no test should change)."""
    app.extensions["kommissorium.host"] = _session_state.fresh_host()
    return app.extensions["kommissorium.host"]


@pytest.fixture
def sync_tenant(app, _session_state, kommissorium_tenant_dirs):
    """Load a tenant file: ``sync_tenant("testby")`` (``testby.toml`` in the first of the
    ``kommissorium_tenant_dirs`` that has it) or ``sync_tenant(path)``.

    A file loaded into a database state it was loaded into before in this session (empty,
    or what the same earlier loads left) is restored from the rows that load wrote
    (:mod:`core.testing_db`): the same rows, ids and audit chain, in a fraction of the time.
    """
    from core.extensions import db

    def _sync(path_or_name):
        path = Path(path_or_name)
        if not path.suffix:
            found = [d / f"{path_or_name}.toml" for d in kommissorium_tenant_dirs]
            path = next((p for p in found if p.is_file()), found[-1])
        return _session_state.snapshots.sync(db, path, app.extensions["kommissorium.host"])

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


_test_password_hash: list[str] = []


def hashed_test_password() -> str:
    """The hash of ``TEST_PASSWORD``, made once, with argon2 at its cheapest: logging in
    verifies it as any hash (the parameters are in the hash), in a millisecond. Tests of
    hashing itself call :func:`core.identity.passwords.hash_password`."""
    if not _test_password_hash:
        from argon2 import PasswordHasher

        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        _test_password_hash.append(cheap.hash(TEST_PASSWORD))
    return _test_password_hash[0]


@pytest.fixture
def login(app):
    """Log ``email`` in on ``client`` (giving the user a known password first)."""
    from core.extensions import db
    from core.identity.models import User

    def _login(client, email: str):
        user = db.session.scalar(sa.select(User).filter_by(email=email))
        assert user is not None, f"no user {email}"
        user.password_hash = hashed_test_password()
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
