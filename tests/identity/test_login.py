"""Password login: rate limit per client address, and a password reset by a mailed,
single-use, expiring link (sent through a real SMTP server). The wrong-password throttle
and the ends of sessions: tests/identity/test_sessions.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.identity.models import PasswordReset, User
from core.identity.passwords import hash_password
from core.models import utcnow
from core.testing import TEST_PASSWORD

EMAIL = "formand@aby.example"


@pytest.fixture
def person(sync_tenant, write_tenant_file):
    from tests.fixtures.tenants import two_bodies

    sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    user = db.session.scalar(sa.select(User).filter_by(email=EMAIL))
    user.password_hash = hash_password(TEST_PASSWORD)
    db.session.commit()
    return user


def _login(client, password, email=EMAIL):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_login_with_the_right_password(client, person):
    resp = _login(client, TEST_PASSWORD)
    assert resp.status_code == 200
    assert client.get("/api/v1/me").get_json()["email"] == EMAIL


def test_login_is_rate_limited_per_client_address(app, client, person, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN", "4/minute")
    codes = [_login(client, "wrong", email=f"nobody{i}@x.example").status_code for i in range(6)]
    assert codes[:4] == [401] * 4
    assert codes[4:] == [429, 429]
    refused = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": "x"})
    assert refused.get_json()["code"] == 429
    assert 0 < refused.get_json()["retry_after"] <= 61  # the minute, rounded up
    # the header as Flask-Limiter writes it (whole seconds left, rounded down)
    assert abs(int(refused.headers["Retry-After"]) - refused.get_json()["retry_after"]) <= 1


def test_password_reset_by_mailed_single_use_link(client, person, smtp_server):
    resp = client.post("/api/v1/auth/password-reset", json={"email": EMAIL})
    assert resp.status_code == 202
    assert len(smtp_server) == 1
    mail = smtp_server[0]
    assert mail["To"] == EMAIL
    link = re.search(r"http\S+/adgangskode/(\S+)", mail.get_content())
    assert link, mail.get_content()
    token = link.group(1)
    # only the hash is stored
    stored = db.session.scalars(sa.select(PasswordReset.token_hash)).all()
    assert stored and token not in stored and all(len(h) == 64 for h in stored)

    new = "a brand new passphrase"
    ok = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": new})
    assert ok.status_code == 204
    assert _login(client, new).status_code == 200
    again = client.post("/api/v1/auth/password-reset/confirm",
                        json={"token": token, "password": "yet another passphrase"})
    assert again.status_code == 400, "a link works once"


def test_password_reset_link_expires(client, person, smtp_server):
    client.post("/api/v1/auth/password-reset", json={"email": EMAIL})
    token = re.search(r"/adgangskode/(\S+)", smtp_server[0].get_content()).group(1)
    db.session.execute(sa.update(PasswordReset).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    resp = client.post("/api/v1/auth/password-reset/confirm",
                       json={"token": token, "password": "a brand new passphrase"})
    assert resp.status_code == 400


def test_password_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(
    client, person, smtp_server
):
    resp = client.post("/api/v1/auth/password-reset", json={"email": "nobody@x.example"})
    assert resp.status_code == 202
    assert smtp_server == []


def test_password_reset_page_sets_the_password_with_a_csrf_protected_form(
    app, client, person, smtp_server
):
    client.post("/api/v1/auth/password-reset", json={"email": EMAIL})
    token = re.search(r"/adgangskode/(\S+)", smtp_server[0].get_content()).group(1)
    page = client.get(f"/adgangskode/{token}")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert csrf, "the form carries a CSRF token"
    form = {"password": "a brand new passphrase", "repeat": "a brand new passphrase"}
    assert client.post(f"/adgangskode/{token}", data=form).status_code == 400, "no token: refused"
    done = client.post(f"/adgangskode/{token}", data={**form, "csrf_token": csrf.group(1)})
    assert done.status_code == 200 and "er skiftet" in done.get_data(as_text=True)
    assert _login(client, "a brand new passphrase").status_code == 200


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                     page.get_data(as_text=True)).group(1)


def test_login_page_logs_in_and_out_with_csrf_protected_forms(client, person):
    page = client.get("/log-ind")
    assert page.status_code == 200 and "Log ind" in page.get_data(as_text=True)
    form = {"email": EMAIL, "password": TEST_PASSWORD}
    assert client.post("/log-ind", data=form).status_code == 400, "no CSRF token: refused"
    wrong = client.post("/log-ind", data={**form, "password": "nope", "csrf_token": _csrf(page)})
    assert wrong.status_code == 401 and "Forkert e-mail" in wrong.get_data(as_text=True)
    done = client.post("/log-ind", data={**form, "csrf_token": _csrf(page)})
    assert done.status_code == 302
    front = client.get("/")
    assert "Mit overblik" in front.get_data(as_text=True) and "Log ud" in front.get_data(as_text=True)
    assert client.post("/log-ud", data={"csrf_token": _csrf(front)}).status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_forgot_password_page_mails_a_link(client, person, smtp_server):
    page = client.get("/glemt-adgangskode")
    resp = client.post("/glemt-adgangskode", data={"email": EMAIL, "csrf_token": _csrf(page)})
    assert resp.status_code == 200 and "Hvis adressen har en konto" in resp.get_data(as_text=True)
    assert len(smtp_server) == 1 and "/adgangskode/kmr_" in smtp_server[0].get_content()


@pytest.mark.redis
def test_rate_limits_are_kept_in_redis_when_it_is_configured(app):
    """Several web instances share one count (REDIS_URL); memory only without Redis."""
    from limits.storage import MemoryStorage, RedisStorage

    from core.extensions import limiter
    from tests.fixtures.apps import extra_app

    # The limiter is one object; another app made in the same process (a test's own, with
    # other settings) rebinds its storage: look right after making one like the session's.
    fresh = extra_app(app, REDIS_URL=app.config["REDIS_URL"])
    try:
        if app.config["REDIS_URL"]:
            assert isinstance(limiter.storage, RedisStorage)
        else:
            assert isinstance(limiter.storage, MemoryStorage)
    finally:
        from core.testing import _dispose

        _dispose(fresh)


def test_login_and_tokens_still_work_when_the_rate_limit_redis_is_down(app, person):
    """A lost Redis costs the shared counters (memory per instance meanwhile), not logins."""
    from tests.fixtures.apps import extra_app

    down = extra_app(app, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                     RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.2})
    try:
        with down.app_context():
            client = down.test_client()
            assert _login(client, "wrong").status_code == 401
            assert _login(client, TEST_PASSWORD).status_code == 200
            token = client.post("/api/v1/me/tokens", json={"name": "t"}).get_json()["token"]
            other = down.test_client()
            assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                             ).status_code == 200
            db.session.remove()
    finally:
        from core.testing import _dispose

        _dispose(down)
        extra_app(app)  # the shared limiter back on the session's storage
