"""Personal API tokens: shown once, hashed at rest, read or write scope, revocable, last
use shown, rate-limited, accepted as ``Authorization: Bearer`` on API routes only."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.identity.models import ApiToken
from tests.fixtures.testby import ANNA, SECRETARY


@pytest.fixture
def anna(testby, client, login):
    return login(client, ANNA)


def _create(client, scope="read", name="script"):
    resp = client.post("/api/v1/me/tokens", json={"name": name, "scope": scope})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_token_is_shown_once_and_stored_as_sha256(client, anna):
    new = _create(client)
    token = new["token"]
    assert token.startswith("kmt_") and len(token) > 40
    row = db.session.get(ApiToken, new["id"])
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    listed = client.get("/api/v1/me/tokens").get_json()
    assert [t["id"] for t in listed] == [new["id"]]
    assert "token" not in listed[0] and token not in str(listed)
    assert listed[0]["prefix"] == token[:10]


def test_token_authenticates_api_requests_and_records_last_use(app, client, anna):
    token = _create(client)["token"]
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/me").status_code == 401
    resp = anonymous.get("/api/v1/me", headers=_bearer(token))
    assert resp.status_code == 200 and resp.get_json()["email"] == ANNA
    assert client.get("/api/v1/me/tokens").get_json()[0]["last_used_at"] is not None
    # a bearer token is not a session: no cookie is set
    assert "session=" not in resp.headers.get("Set-Cookie", "")


def test_read_token_may_not_write_and_write_token_may(app, client, anna):
    read = _create(client, "read")["token"]
    write = _create(client, "write")["token"]
    other = app.test_client()
    assert other.post("/api/v1/auth/logout", headers=_bearer(read)).status_code == 403
    assert other.post("/api/v1/auth/logout", headers=_bearer(write)).status_code == 204


def test_a_token_cannot_mint_tokens_or_erase_its_user(app, client, anna):
    write = _create(client, "write")["token"]
    other = app.test_client()
    resp = other.post("/api/v1/me/tokens", json={"name": "x"}, headers=_bearer(write))
    assert resp.status_code == 403
    assert other.post("/api/v1/me/erase", json={"confirm": True},
                      headers=_bearer(write)).status_code == 403


def test_revoked_or_unknown_token_is_refused(app, client, anna):
    new = _create(client)
    assert client.delete(f"/api/v1/me/tokens/{new['id']}").status_code == 204
    other = app.test_client()
    assert other.get("/api/v1/me", headers=_bearer(new["token"])).status_code == 401
    assert other.get("/api/v1/me", headers=_bearer("kmt_" + "x" * 43)).status_code == 401
    assert client.get("/api/v1/me/tokens").get_json()[0]["revoked_at"] is not None


def test_tokens_are_not_accepted_on_pages(app, client, anna):
    token = _create(client)["token"]
    # pages ignore bearer tokens: the request is anonymous there
    resp = app.test_client().get("/", headers=_bearer(token))
    assert resp.status_code == 200


def test_token_use_is_rate_limited(app, client, anna, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_TOKEN", "3/minute")
    token = _create(client)["token"]
    other = app.test_client()
    codes = [other.get("/api/v1/me", headers=_bearer(token)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    refused = other.get("/api/v1/me", headers=_bearer(token))
    assert 0 < refused.get_json()["retry_after"] <= 61 and int(refused.headers["Retry-After"]) > 0


def test_another_users_token_cannot_be_revoked(app, client, anna, login):
    mine = _create(client)
    second = app.test_client()
    login(second, SECRETARY)
    assert second.delete(f"/api/v1/me/tokens/{mine['id']}").status_code == 404
    assert db.session.scalar(sa.select(ApiToken.revoked_at).filter_by(id=mine["id"])) is None
