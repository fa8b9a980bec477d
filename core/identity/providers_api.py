"""JSON API: OpenID Connect providers managed by the platform administrator (every one) and
by a tenant's secretariat (its tenant's own; core/identity/providers.py). The client secret
is never part of it: a provider names the environment variable that holds it."""

from __future__ import annotations

from core import transactions
from core.identity import providers
from core.identity.permissions import Role, access, current_person
from core.identity.schemas import ProviderChangeSchema, ProviderCreateSchema, ProviderDetailSchema
from core.openapi import Blueprint
from core.tenancy import bind_tenant, current_tenant

platform_blp = Blueprint(
    "platform_providers", __name__, url_prefix="/api/v1/platform/identity-providers",
    description="The platform administrator's OpenID Connect providers, of organisations and tenants (audited)",
)
blp = Blueprint(
    "tenant_providers", __name__, url_prefix="/api/v1/tenants/<tenant>/identity-providers",
    description="A tenant's own OpenID Connect providers, managed by its secretariat (audited)",
)
bind_tenant(blp)


@platform_blp.route("")
@platform_blp.response(200, ProviderDetailSchema(many=True))
@access(Role.PLATFORM_ADMIN)
def list_all():
    """Every identity provider, with its organisation or tenant and whether the environment
    variable holding its secret is set."""
    return [providers.describe(p) for p in providers.list_providers()]


@platform_blp.route("", methods=["POST"])
@platform_blp.arguments(ProviderCreateSchema)
@platform_blp.response(201, ProviderDetailSchema)
@access(Role.PLATFORM_ADMIN)
def add(data):
    """A provider for an ``organisation`` and/or a ``tenant`` (the checks of ``kommissorium
    idp add``). Refused: the key taken (409, ``key``); a malformed key or variable name,
    scopes without ``openid``, an unknown organisation or tenant, neither given (422,
    naming the field). Audited in the log of each tenant it serves."""
    provider = providers.add_provider(data, current_person())
    transactions.commit()
    return providers.describe(provider)


@platform_blp.route("/<provider>", methods=["PATCH"])
@platform_blp.arguments(ProviderChangeSchema)
@platform_blp.response(200, ProviderDetailSchema)
@access(Role.PLATFORM_ADMIN)
def change(data, provider: str):
    """Change a provider; ``is_enabled`` false disables it (no longer offered at login).
    The same checks as adding one. Audited."""
    found = providers.change_provider(providers.get_provider(provider), data, current_person())
    transactions.commit()
    return providers.describe(found)


@blp.route("")
@blp.response(200, ProviderDetailSchema(many=True))
@access(Role.TENANT_ADMIN)
def list_tenant():
    """The tenant's own identity providers."""
    return [providers.describe(p) for p in providers.list_providers(current_tenant())]


@blp.route("", methods=["POST"])
@blp.arguments(ProviderCreateSchema)
@blp.response(201, ProviderDetailSchema)
@access(Role.TENANT_ADMIN)
def add_tenant(data):
    """A provider for the tenant's people. Refused as the platform's route refuses, and an
    ``organisation`` (422: an organisation's provider is the platform administrator's).
    Audited."""
    provider = providers.add_provider(data, current_person(), current_tenant())
    transactions.commit()
    return providers.describe(provider)


@blp.route("/<provider>", methods=["PATCH"])
@blp.arguments(ProviderChangeSchema)
@blp.response(200, ProviderDetailSchema)
@access(Role.TENANT_ADMIN)
def change_tenant(data, provider: str):
    """Change or disable one of the tenant's providers; another tenant's, or an
    organisation's, is a 404. Audited."""
    tenant = current_tenant()
    found = providers.change_provider(providers.get_provider(provider, tenant), data, current_person(), tenant)
    transactions.commit()
    return providers.describe(found)
