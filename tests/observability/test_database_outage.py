"""A database that is down answers a clear 503 (not a 500); one that restarted is used
again at the next request (stale pooled connections are replaced)."""

import os
import socket

import pytest
import sqlalchemy as sa

from core import create_app
from core.testing import _dispose


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_requests_answer_503_with_retry_after_while_the_database_is_down():
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"postgresql://k@127.0.0.1:{_free_port()}/k",
                      "REDIS_URL": "", "SECRET_KEY": "t"}, check_schema=False)
    try:
        resp = app.test_client().get("/api/v1/tenants")
    finally:
        _dispose(app)
    assert resp.status_code == 503
    assert resp.get_json() == {"code": 503, "status": "Service Unavailable",
                               "message": "The database is unavailable; try again in a moment."}
    assert resp.headers["Retry-After"] == "5"
    assert resp.headers["X-Request-ID"]


@pytest.mark.postgres
def test_after_the_database_drops_every_connection_the_next_request_succeeds(
        app, sync_tenant, database_url):
    """What a PostgreSQL restart does to the pool: every server connection is gone."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL not set (CI sets it)")
    sync_tenant("testby")
    # A server app of its own: each request gets its own app context and returns its
    # connection to the pool at the end, as in production (the fixture's context would not).
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": "",
                         "SECRET_KEY": "t"})
    web = served.test_client()
    assert web.get("/api/v1/tenants/testby/bodies").status_code == 200
    url = sa.engine.make_url(database_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": url.database}).scalar()
    admin.dispose()
    try:
        assert killed >= 1
        resp = web.get("/api/v1/tenants/testby/bodies")
        assert resp.status_code == 200 and resp.get_json()
    finally:
        _dispose(served)
