"""OpenID Connect providers managed in the browser and the API (issue #18, item 4;
docs/decisions/0048-onboarding-in-the-browser.md): listed, added, changed and disabled,
with the checks of ``kommissorium idp add`` (core/identity/cli.py): an owner (an
organisation, a tenant or both) that exists, scopes that include ``openid``.

The platform administrator manages every provider; a tenant's secretariat manages the
providers of its own tenant (``tenant_id``) and no other: an organisation is shared by
every tenant, so its provider is the platform's to manage. Another tenant's provider, and
an organisation's, answer 404 under a tenant.

The client secret is never stored nor shown: a provider names the environment variable that
holds it (``client_secret_env``), and the pages say only whether that variable is set.
Every change is audited in the log of each tenant whose people log in through the
provider: its tenant's, and those where its organisation takes part. Operations flush,
never commit.
"""

from __future__ import annotations

import os
import re

import sqlalchemy as sa

from core.audit import operations as audit
from core.errors import refuse
from core.extensions import db
from core.identity.models import IdentityProvider
from core.organisations.models import Organisation
from core.tenancy import all_tenants, tenant_scope

#: A provider's key, the last part of its login address (/api/v1/auth/oidc/<key>/login).
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
#: The name of an environment variable.
ENV = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")
#: What a change may set.
FIELDS = ("name", "issuer", "client_id", "client_secret_env", "scopes", "is_enabled")


def _invalid(field: str, message: str, status: int = 422):
    refuse(status, message=("The input conflicts with what exists" if status == 409 else "The input is invalid")
           + "; see errors for each field.", errors={"json": {field: [message]}})


def describe(provider: IdentityProvider) -> dict:
    """A provider as the pages and the API show it: never a secret, only whether the
    environment variable that holds it is set where the platform runs."""
    from core.tenants.models import Tenant

    with all_tenants():
        org = db.session.get(Organisation, provider.organisation_id) if provider.organisation_id else None
        tenant = db.session.get(Tenant, provider.tenant_id) if provider.tenant_id else None
    return {
        "key": provider.key, "name": provider.name, "issuer": provider.issuer, "client_id": provider.client_id,
        "client_secret_env": provider.client_secret_env,
        "secret_is_set": bool(os.environ.get(provider.client_secret_env)),
        "scopes": provider.scopes, "organisation": org.code if org else None,
        "organisation_name": org.name if org else None, "tenant": tenant.slug if tenant else None,
        "is_enabled": provider.is_enabled, "login_url": f"/api/v1/auth/oidc/{provider.key}/login",
    }


def list_providers(tenant=None) -> list[IdentityProvider]:
    """Every provider (the platform's view), or the providers of ``tenant``."""
    with all_tenants():
        q = sa.select(IdentityProvider).order_by(IdentityProvider.key)
        if tenant is not None:
            q = q.where(IdentityProvider.tenant_id == tenant.id)
        return list(db.session.scalars(q))


def get_provider(key: str, tenant=None) -> IdentityProvider:
    """The provider ``key``; under a tenant only one of that tenant (else 404)."""
    with all_tenants():
        provider = db.session.scalar(sa.select(IdentityProvider).filter_by(key=key))
    if provider is None or (tenant is not None and provider.tenant_id != tenant.id):
        refuse(404, message="Not found.")
    return provider


def _check(values: dict) -> None:
    if not (values.get("name") or "").strip():
        _invalid("name", "Skriv navnet, der står på login-knappen.")
    if not (values.get("client_id") or "").strip():
        _invalid("client_id", "Skriv klient-id'et fra udbyderen.")
    if not ENV.match(values.get("client_secret_env") or ""):
        _invalid("client_secret_env", "Navnet på en miljøvariabel: store bogstaver, tal og understregning, "
                                      "fx KAB_OIDC_SECRET. Selve hemmeligheden skrives aldrig her.")
    if "openid" not in (values.get("scopes") or "").split():
        _invalid("scopes", "Scopes skal indeholde openid.")


def _owner(data: dict, tenant) -> tuple[int | None, int | None]:
    """``(organisation_id, tenant_id)``: the secretariat's own tenant, or what the platform
    administrator names (an organisation code, a tenant slug, or both)."""
    from core.tenants.models import Tenant

    if tenant is not None:
        if data.get("organisation"):
            _invalid("organisation", "Sekretariatet tilføjer kun kommunens egne login-udbydere; en "
                                     "organisations udbyder tilføjer platformens administrator.")
        return None, tenant.id
    org_id = tenant_id = None
    with all_tenants():
        if data.get("organisation"):
            org_id = db.session.scalar(sa.select(Organisation.id).where(
                sa.func.lower(Organisation.code) == data["organisation"].strip().lower()))
            if org_id is None:
                _invalid("organisation", "Platformen kender ingen organisation med denne kode.")
        if data.get("tenant"):
            tenant_id = db.session.scalar(sa.select(Tenant.id).filter_by(slug=data["tenant"].strip()))
            if tenant_id is None:
                _invalid("tenant", "Platformen har ingen kommune med denne adresse.")
    if org_id is None and tenant_id is None:
        _invalid("organisation", "Angiv organisationen eller kommunen (eller begge), hvis folk logger ind gennem den.")
    return org_id, tenant_id


def _audit(provider: IdentityProvider, action: str, by, payload: dict) -> None:
    """In the log of each tenant whose people log in through the provider."""
    from core.tenants.models import Participation

    with all_tenants():
        tenants = set()
        if provider.tenant_id:
            tenants.add(provider.tenant_id)
        if provider.organisation_id:
            tenants |= set(db.session.scalars(sa.select(Participation.tenant_id).where(
                Participation.organisation_id == provider.organisation_id)))
    for tenant_id in sorted(tenants):
        with tenant_scope(tenant_id):
            audit.record(action, f"identity_provider:{provider.id}",
                         {"key": provider.key, "by": f"user:{by.id}", **payload}, actor_id=by.id)


def add_provider(data: dict, by, tenant=None) -> IdentityProvider:
    """A new provider; its key taken is a 409. Under ``tenant``, the tenant's own."""
    key = (data.get("key") or "").strip()
    if not KEY.match(key):
        _invalid("key", "Små bogstaver, tal og bindestreg, højst 40 tegn, fx «kab».")
    with all_tenants():
        if db.session.scalar(sa.select(IdentityProvider.id).filter_by(key=key)) is not None:
            _invalid("key", "En login-udbyder har allerede denne nøgle.", 409)
    values = {f: data.get(f) for f in FIELDS}
    values["scopes"] = values["scopes"] or "openid email profile"
    values["is_enabled"] = True if values["is_enabled"] is None else values["is_enabled"]
    _check(values)
    org_id, tenant_id = _owner(data, tenant)
    provider = IdentityProvider(key=key, organisation_id=org_id, tenant_id=tenant_id,
                                **{**values, "issuer": values["issuer"].rstrip("/")})
    db.session.add(provider)
    db.session.flush()
    _audit(provider, "tenant.idp_added", by, {f: getattr(provider, f) for f in FIELDS}
           | {"organisation_id": org_id, "tenant_id": tenant_id})
    return provider


def change_provider(provider: IdentityProvider, data: dict, by, tenant=None) -> IdentityProvider:
    """The fields given set (``is_enabled`` false: no longer offered at login); the
    owner changes only by the platform administrator. The same values change nothing."""
    values = {f: getattr(provider, f) for f in FIELDS}
    values.update({f: data[f] for f in FIELDS if f in data and data[f] is not None})
    if values["issuer"]:
        values["issuer"] = values["issuer"].rstrip("/")
    _check(values)
    owner = {}
    if tenant is None and ("organisation" in data or "tenant" in data):
        org_id, tenant_id = _owner({"organisation": data.get("organisation"), "tenant": data.get("tenant")}, None)
        owner = {"organisation_id": org_id, "tenant_id": tenant_id}
    elif tenant is not None and data.get("organisation"):
        _owner(data, tenant)  # refused: not the secretariat's
    changes = {}
    for name, value in {**values, **owner}.items():
        if getattr(provider, name) != value:
            changes[name] = {"from": getattr(provider, name), "to": value}
            setattr(provider, name, value)
    if changes:
        db.session.flush()
        action = "tenant.idp_disabled" if changes.get("is_enabled", {}).get("to") is False else "tenant.idp_changed"
        _audit(provider, action, by, {"changes": changes})
    return provider
