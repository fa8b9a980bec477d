"""The benchmark floor endpoint exists only with KOMMISSORIUM_BENCH=1 and serves the file's
JSON from memory through the same stack (request id, metrics)."""

import json

from core import create_app
from core.testing import _dispose


def test_floor_is_absent_by_default(client):
    assert client.get("/_bench/floor").status_code == 404


def test_floor_serves_the_file_from_memory(database_url, tmp_path):
    payload = {"key": "bestyrelse", "seats": [{"key": "va"}]}
    path = tmp_path / "floor.json"
    path.write_text(json.dumps(payload))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "BENCH_ENDPOINTS": True,
                      "BENCH_FLOOR_FILE": str(path), "REDIS_URL": "", "SECRET_KEY": "t"})
    try:
        from core.identity.permissions import Role

        assert app.view_functions["bench.floor"].access_role is Role.PUBLIC
        client = app.test_client()
        first = client.get("/_bench/floor")
        path.write_text("{}")  # served from memory now: the file is not read again
        second = client.get("/_bench/floor")
    finally:
        _dispose(app)
    assert first.status_code == 200 and first.mimetype == "application/json"
    assert first.get_json() == payload == second.get_json()
    assert first.headers["X-Request-ID"]


def test_the_page_floor_serves_its_html_from_memory(database_url, tmp_path):
    """The meeting page's benchmark compares it with the same HTML served from memory."""
    path = tmp_path / "floor.html"
    path.write_text("<!doctype html><p>Møde</p>")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "BENCH_ENDPOINTS": True,
                      "BENCH_FLOOR_PAGE_FILE": str(path), "REDIS_URL": "", "SECRET_KEY": "t"})
    try:
        client = app.test_client()
        first = client.get("/_bench/floor-page")
        path.write_text("")
        second = client.get("/_bench/floor-page")
    finally:
        _dispose(app)
    assert first.status_code == 200 and first.mimetype == "text/html"
    assert first.get_data(as_text=True) == "<!doctype html><p>Møde</p>" == second.get_data(as_text=True)
