"""Security basics: headers, session cookie, CSRF on forms (not on the JSON API), declared
access checked before input is parsed, and logs without secrets or personal data."""

from __future__ import annotations

import io
import logging

import pytest

from core.identity.security import RedactingFilter, install_log_filter
from tests.fixtures.testby import ANNA


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/tenants"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_api_docs_may_load_their_viewer_from_the_cdn(client):
    csp = client.get("/api/v1/docs").headers["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" in csp


def test_session_cookie_is_httponly_and_samesite(client, sync_tenant, login):
    sync_tenant("testby")
    login(client, ANNA)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_session_cookie_is_secure_when_configured(app, client, sync_tenant, login):
    from core.testing import TEST_PASSWORD
    from tests.fixtures.apps import extra_app

    sync_tenant("testby")
    login(client, ANNA)  # gives her the test password
    secure = extra_app(app, SESSION_COOKIE_SECURE=True)
    with secure.app_context():
        resp = secure.test_client().post(
            "/api/v1/auth/login",
            json={"email": ANNA, "password": TEST_PASSWORD},
            base_url="https://localhost")
        from core.extensions import db

        db.session.remove()
    from core.testing import _dispose

    _dispose(secure)
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_json_api_is_csrf_exempt_but_forms_are_not(client):
    # a JSON POST without a CSRF token reaches the handler (401: wrong password) …
    resp = client.post("/api/v1/auth/login", json={"email": "x@y.example", "password": "z"})
    assert resp.status_code == 401
    # … a form POST without one is refused
    assert client.post("/adgangskode/kmr_whatever", data={"password": "x"}).status_code == 400


def test_access_is_checked_before_the_body_is_parsed(client):
    """An anonymous caller learns nothing from validation errors: 401, not 422."""
    assert client.post("/api/v1/me/tokens", json={}).status_code == 401
    assert client.post("/api/v1/users/1/erase", json={}).status_code == 401


@pytest.fixture
def log_output():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    install_log_filter()
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def test_the_log_filter_is_on_every_root_handler(app):
    install_log_filter()
    for handler in logging.getLogger().handlers:
        assert any(isinstance(f, RedactingFilter) for f in handler.filters), handler


def test_logs_keep_no_secrets_or_personal_data(log_output):
    log = logging.getLogger("core.identity.example")
    log.warning("login for %s failed", "karin.kundby@kab.example")
    log.warning("token %s used with header Authorization: Bearer %s",
                "kmt_" + "a" * 43, "abc.def.ghi")
    log.warning('payload {"password": "hunter2", "client_secret": "s3cret"}')
    logging.getLogger("werkzeug").info(
        '127.0.0.1 - - "GET /adgangskode/kmr_%s HTTP/1.1" 200', "b" * 43)
    logging.getLogger("werkzeug").info('"GET /callback?code=abc123&state=xyz HTTP/1.1" 302')
    try:
        raise ValueError("no user ole.olsen@aab.example")
    except ValueError:
        log.exception("lookup failed")
    text = log_output.getvalue()
    for secret in ("karin.kundby", "kab.example", "a" * 43, "abc.def.ghi", "hunter2", "s3cret",
                   "b" * 43, "abc123", "ole.olsen"):
        assert secret not in text, f"{secret!r} leaked into the log:\n{text}"
    assert "[email]" in text and "[redacted]" in text


def test_a_failed_login_logs_no_email(app, client, log_output, sync_tenant, monkeypatch):
    sync_tenant("testby")
    monkeypatch.setitem(app.config, "LOGIN_THROTTLE_PER_ADDRESS", "1 per minute")
    for _ in range(2):
        client.post("/api/v1/auth/login", json={"email": ANNA, "password": "x"})
    text = log_output.getvalue()
    assert "login throttled" in text and "anna" not in text
