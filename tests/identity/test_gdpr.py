"""GDPR: a user's personal data as JSON, and erasure by pseudonymisation that keeps seats,
attendance, votes and minutes pointing at the (now pseudonymous) user."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core import clock as platform_clock
from core.bodies.models import Seat
from core.cli import main
from core.extensions import db
from core.identity.models import Affiliation, ApiToken, User
from core.meetings.models import Meeting
from core.testing import TEST_PASSWORD
from tests.fixtures.tenants import two_bodies

EMAIL = "formand@aby.example"


@pytest.fixture
def member(sync_tenant, write_tenant_file, client, login, in_tenant):
    sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    user = login(client, EMAIL)
    client.post("/api/v1/me/tokens", json={"name": "rapport", "scope": "read"})
    with in_tenant("aby"):
        seat = db.session.scalar(sa.select(Seat).where(Seat.held_by_sql(user.id, platform_clock.today())))
        db.session.add(Meeting(body_id=seat.body_id, called_by_id=user.id, call_reason="Budget",
                               starts_at=datetime(2026, 12, 1, 16, tzinfo=UTC)))
        db.session.commit()
    return user


def test_export_holds_the_users_personal_data(client, member):
    data = client.get("/api/v1/me/personal-data").get_json()
    assert data["user"]["email"] == EMAIL and data["user"]["name"] == "Formand Demo A"
    assert data["organisations"] == [{"code": "A-BO", "name": "A Boligselskab"}]
    assert data["tenants"][0]["bodies"][0]["seats"][0]["key"] == "formand"
    (token,) = data["api_tokens"]
    assert token["name"] == "rapport" and "token_hash" not in token
    assert "password" not in json.dumps(data)


def test_erase_pseudonymises_and_keeps_the_record(app, client, member):
    user_id = member.id
    resp = client.post("/api/v1/me/erase", json={"confirm": True})
    assert resp.status_code == 204
    assert client.get("/api/v1/me").status_code == 401, "logged out"
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.email == f"erased-{user_id}@invalid" and "Formand" not in user.name
    assert (user.is_enabled, user.password_hash, user.erased_at is not None) == (False, None, True)
    assert db.session.scalar(sa.select(sa.func.count(Affiliation.id)).filter_by(user_id=user_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id)).filter_by(user_id=user_id)) == 0
    # the record stays: the seat and the meeting still point at the same (pseudonymous) row
    body = client.get("/api/v1/tenants/aby/bodies/bestyrelse").get_json()
    assert "Formand Demo A" not in json.dumps(body)
    from core.tenancy import all_tenants

    with all_tenants():
        assert db.session.scalar(sa.select(Seat.id).where(Seat.held_by_sql(user_id, platform_clock.today())))
        assert db.session.scalar(sa.select(Meeting.id).where(Meeting.called_by_id == user_id))
    again = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": TEST_PASSWORD})
    assert again.status_code == 401


def test_erase_needs_confirmation(client, member):
    assert client.post("/api/v1/me/erase", json={}).status_code == 422
    assert client.get("/api/v1/me").status_code == 200


def test_platform_admin_exports_and_erases_others_and_nobody_else_may(app, client, member, login):
    other = app.test_client()
    login(other, "sekretaer@aby.example")  # a tenant admin is not a platform admin
    assert other.get(f"/api/v1/users/{member.id}/personal-data").status_code == 403
    assert other.post(f"/api/v1/users/{member.id}/erase", json={"confirm": True}).status_code == 403
    admin = db.session.scalar(sa.select(User).filter_by(email="sekretaer@aby.example"))
    admin.is_platform_admin = True
    db.session.commit()
    assert other.get(f"/api/v1/users/{member.id}/personal-data").get_json()["user"]["email"] == EMAIL
    assert other.post(f"/api/v1/users/{member.id}/erase", json={"confirm": True}).status_code == 204
    assert other.get("/api/v1/users/999999/personal-data").status_code == 404


def test_users_export_and_erase_commands(app, member, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = app.test_cli_runner()
    out = runner.invoke(main, ["users", "export", EMAIL], catch_exceptions=False)
    assert out.exit_code == 0 and json.loads(out.output)["user"]["email"] == EMAIL
    out = runner.invoke(main, ["users", "erase", EMAIL, "--yes"], catch_exceptions=False)
    assert out.exit_code == 0 and f"user {member.id} erased" in out.output
    db.session.expire_all()
    assert db.session.get(User, member.id).erased_at is not None
    assert runner.invoke(main, ["users", "export", EMAIL]).exit_code != 0


def test_a_tenant_file_listing_an_erased_person_is_refused_not_re_created(
    client, member, sync_tenant, write_tenant_file
):
    from core.identity.operations import erasure_digest
    from core.tenants.filespec import TenantFileError

    assert client.post("/api/v1/me/erase", json={"confirm": True}).status_code == 204
    db.session.expire_all()
    users_before = db.session.scalar(sa.select(sa.func.count(User.id)))
    erased = db.session.get(User, member.id)
    assert erased.erased_email_digest == erasure_digest(EMAIL.upper())
    assert EMAIL not in json.dumps([erased.email, erased.name, erased.erased_email_digest])

    with pytest.raises(TenantFileError) as exc:
        sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    (problem,) = [p for p in exc.value.problems if p.entry == f"people[{EMAIL}]"]
    assert problem.field == "email" and "erased on" in problem.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == users_before, "nothing re-created"
    assert db.session.scalar(sa.select(User).filter_by(email=EMAIL)) is None
