"""Binding a request to a tenant: ``/api/v1/tenants/<tenant>/…`` and ``/<tenant>/…``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, g
from flask_smorest import abort

from core import tenancy
from core.extensions import db
from core.tenants.models import Tenant


def find_tenant(slug: str) -> Tenant:
    tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=slug))
    if tenant is None:
        abort(404, message=f"No tenant {slug!r}.")
    return tenant


def bind_tenant(bp: Blueprint) -> Blueprint:
    """Every route of ``bp`` takes ``<tenant>``: resolve it (404 if unknown) and run the
    request inside that tenant's scope."""

    @bp.url_value_preprocessor
    def _pull_tenant(endpoint, values):
        if values is None or "tenant" not in values:
            return
        tenant = find_tenant(values.pop("tenant"))
        g.tenant = tenant
        g.tenant_scope_token = tenancy.enter(tenant.id)

    @bp.url_defaults
    def _add_tenant(endpoint, values):
        if ("tenant" not in values and getattr(g, "tenant", None) is not None
                and current_app.url_map.is_endpoint_expecting(endpoint, "tenant")):
            values["tenant"] = g.tenant.slug

    return bp


def release_tenant(exc=None) -> None:
    token = g.pop("tenant_scope_token", None)
    if token is not None:
        tenancy.leave(token)


def current_tenant() -> Tenant:
    return g.tenant


def tenant_hooks(tenant: Tenant | None = None):
    """The rule hooks as the current (or given) tenant sees them."""
    tenant = tenant or g.tenant
    return current_app.extensions["kommissorium.host"].for_tenant(tenant.plugins)
