"""/healthz answers while the process lives; /readyz only when the database and Redis do."""

import os
import socket

import pytest

from core import create_app
from core.testing import _dispose


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_db_app(tmp_path):
    """An app whose database cannot be opened (a SQLite file in a folder that is missing)."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}",
         "REDIS_URL": "", "SECRET_KEY": "t"},
        check_schema=False,
    )
    yield app
    _dispose(app)


def test_healthz_answers_without_touching_the_database(unreachable_db_app):
    resp = unreachable_db_app.test_client().get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_readyz_is_503_naming_the_database_when_it_is_unreachable(unreachable_db_app):
    resp = unreachable_db_app.test_client().get("/readyz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["code"] == 503 and body["status"] == "Service Unavailable"
    assert body["checks"]["database"].startswith("failed")
    assert "database" in body["message"]


def test_readyz_is_ready_on_a_migrated_database(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200, resp.get_json()
    checks = resp.get_json()["checks"]
    assert checks["database"] == "ok" and checks["migrations"] == "ok"
    if os.environ.get("TEST_REDIS_URL"):
        assert checks["redis"] == "ok"
    else:
        assert "redis" not in checks


def test_readyz_is_503_on_a_database_behind_the_migrations(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}",
                      "REDIS_URL": "", "SECRET_KEY": "t"}, check_schema=False)
    try:
        resp = app.test_client().get("/readyz")
    finally:
        _dispose(app)
    assert resp.status_code == 503
    checks = resp.get_json()["checks"]
    assert checks["database"] == "ok"
    assert checks["migrations"].startswith("failed: at empty, head is")


def test_readyz_is_503_naming_redis_when_it_is_down(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_free_port()}/0")
    resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["checks"]["redis"].startswith("failed")
    assert body["checks"]["database"] == "ok"
    assert body["message"] == "Not ready: redis."


def test_health_routes_are_public_and_declared(app):
    from core.identity.permissions import Role

    for endpoint in ("ops.healthz", "ops.readyz", "ops.metrics_endpoint"):
        assert app.view_functions[endpoint].access_role is Role.PUBLIC


def test_readyz_is_503_quickly_when_postgresql_refuses():
    """A PostgreSQL that is down: unready at once (the engine has a connect timeout)."""
    import time

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"postgresql://k@127.0.0.1:{_free_port()}/k",
                      "REDIS_URL": "", "SECRET_KEY": "t"}, check_schema=False)
    try:
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["connect_timeout"] == 5
        started = time.monotonic()
        resp = app.test_client().get("/readyz")
    finally:
        _dispose(app)
    assert resp.status_code == 503
    assert resp.get_json()["checks"]["database"] == "failed: OperationalError"
    assert time.monotonic() - started < 10  # refused at once; never a long hang
