"""OpenID Connect providers managed over the API and the pages (core/identity/providers.py):
the platform administrator lists, adds, changes and disables any provider with the checks
of ``kommissorium idp add``; a tenant's secretariat does so for its tenant's own only, and
another tenant's provider, or an organisation's, is a 404 to it. The client secret is never
asked for nor shown; each refusal names its field and writes nothing; every change is in the
log of each tenant the provider serves."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify_chain
from core.extensions import db
from core.identity.models import IdentityProvider, User
from core.tenancy import all_tenants
from tests.fixtures.testby import BENT, NABO_SECRETARY, SECRETARY

PLATFORM = "/api/v1/platform/identity-providers"
TESTBY = "/api/v1/tenants/testby/identity-providers"
NEW = {"key": "tstb", "name": "Boligselskabet B (Entra ID)", "issuer": "https://login.example/tstb/",
       "client_id": "kommissorium", "client_secret_env": "TSTB_OIDC_SECRET", "organisation": "TST-B"}


@pytest.fixture
def platform(testby, naboby, member):
    with all_tenants():
        db.session.scalar(sa.select(User).filter_by(email=BENT)).is_platform_admin = True
        db.session.commit()
    return member(BENT)


def _state() -> tuple:
    with all_tenants():
        db.session.expire_all()
        rows = db.session.execute(sa.select(
            IdentityProvider.key, IdentityProvider.name, IdentityProvider.is_enabled,
            IdentityProvider.organisation_id, IdentityProvider.tenant_id).order_by(IdentityProvider.id)).all()
        return rows, db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))


def _errors(resp) -> dict:
    return resp.get_json()["errors"]["json"]


def test_the_platform_administrator_adds_changes_and_disables_a_provider(platform, in_tenant, monkeypatch):
    monkeypatch.setenv("TSTB_OIDC_SECRET", "s3cret-value")
    resp = platform.post(PLATFORM, json=NEW)
    assert resp.status_code == 201, resp.get_json()
    shown = resp.get_json()
    assert shown["issuer"] == "https://login.example/tstb" and shown["organisation"] == "TST-B"
    assert shown["secret_is_set"] is True and shown["is_enabled"] is True
    assert "s3cret-value" not in resp.get_data(as_text=True)
    assert [p["key"] for p in platform.get(PLATFORM).get_json()] == ["tstb"]
    # offered at login, as `idp add` makes it
    assert "tstb" in [p["key"] for p in platform.get("/api/v1/auth/providers").get_json()]
    changed = platform.patch(f"{PLATFORM}/tstb", json={"name": "B (Entra)", "is_enabled": False})
    assert changed.status_code == 200 and changed.get_json()["is_enabled"] is False
    assert "tstb" not in [p["key"] for p in platform.get("/api/v1/auth/providers").get_json()]
    page = platform.get("/platform/login-udbydere/tstb").get_data(as_text=True)
    assert "TSTB_OIDC_SECRET" in page and "s3cret-value" not in page
    with in_tenant("testby") as tenant:  # TST-B takes part in Testby: its log has it
        assert verify_chain(tenant.id).ok
        actions = list(db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.action.like("tenant.idp%")).order_by(AuditEntry.seq)))
    assert actions == ["tenant.idp_added", "tenant.idp_disabled"]


@pytest.mark.parametrize("change, field, status", [
    ({"key": "Not A Key"}, "key", 422),
    ({"scopes": "email profile"}, "scopes", 422),
    ({"organisation": "FINDES-IKKE"}, "organisation", 422),
    ({"organisation": None}, "organisation", 422),
    ({"organisation": None, "tenant": "findes-ikke"}, "tenant", 422),
    ({"client_secret_env": "the secret itself!"}, "client_secret_env", 422),
    ({"issuer": "not a url"}, "issuer", 422),
])
def test_a_refused_provider_names_its_field_and_writes_nothing(platform, change, field, status):
    before = _state()
    resp = platform.post(PLATFORM, json={**NEW, **change})
    assert resp.status_code == status, resp.get_json()
    assert field in _errors(resp)
    assert _state() == before


def test_a_key_taken_is_a_conflict(platform):
    assert platform.post(PLATFORM, json=NEW).status_code == 201
    before = _state()
    resp = platform.post(PLATFORM, json={**NEW, "name": "Another"})
    assert resp.status_code == 409 and "key" in _errors(resp)
    assert _state() == before


def test_a_secretariat_manages_its_tenants_own_providers_only(platform, member, in_tenant):
    sec = member(SECRETARY)
    mine = {k: v for k, v in NEW.items() if k != "organisation"} | {"key": "testby-login"}
    assert sec.post(TESTBY, json=mine).status_code == 201
    assert [p["tenant"] for p in sec.get(TESTBY).get_json()] == ["testby"]
    # an organisation's provider is the platform's: refused, and not shown
    refused = sec.post(TESTBY, json={**mine, "key": "x", "organisation": "TST-B"})
    assert refused.status_code == 422 and "organisation" in _errors(refused)
    assert platform.post(PLATFORM, json=NEW).status_code == 201
    assert sec.patch(f"{TESTBY}/tstb", json={"is_enabled": False}).status_code == 404
    assert sec.get("/testby/sekretariat/login-udbydere/tstb").status_code == 404
    assert sec.patch(f"{TESTBY}/testby-login", json={"is_enabled": False}).get_json()["is_enabled"] is False
    # the platform's routes are not the secretariat's
    assert sec.get(PLATFORM).status_code == 403
    assert sec.post(PLATFORM, json={**NEW, "key": "y"}).status_code == 403


def test_another_tenants_provider_is_a_404(platform, member):
    nabo = {k: v for k, v in NEW.items() if k != "organisation"} | {"key": "naboby-login"}
    assert member(NABO_SECRETARY).post("/api/v1/tenants/naboby/identity-providers", json=nabo).status_code == 201
    before = _state()
    sec = member(SECRETARY)
    assert sec.patch(f"{TESTBY}/naboby-login", json={"is_enabled": False}).status_code == 404
    assert sec.get("/testby/sekretariat/login-udbydere/naboby-login").status_code == 404
    assert "naboby-login" not in sec.get(TESTBY).get_data(as_text=True)
    # and Naboby's own list under Testby's address is the tenant wall
    assert member(NABO_SECRETARY).get(TESTBY).status_code == 404
    assert _state() == before
