"""JSON API: the tenants and the organisations taking part in each."""

from __future__ import annotations

import sqlalchemy as sa

from core.identity.permissions import Role, access
from core.extensions import db
from core.openapi import Blueprint
from core.organisations.models import Organisation
from core.tenancy import bind_tenant, current_tenant
from core.tenants.models import Participation, Tenant
from core.tenants.schemas import OrganisationSchema, TenantSchema

blp = Blueprint("tenants", __name__, url_prefix="/api/v1/tenants", description="Tenants (municipalities)")
bind_tenant(blp)


@blp.route("")
@blp.response(200, TenantSchema(many=True))
@access(Role.PUBLIC)
def list_tenants():
    """Every tenant on the platform."""
    return db.session.scalars(sa.select(Tenant).order_by(Tenant.name)).all()


@blp.route("/<tenant>")
@blp.response(200, TenantSchema)
@access(Role.PUBLIC)
def get_tenant():
    """One tenant."""
    return current_tenant()


@blp.route("/<tenant>/organisations")
@blp.response(200, OrganisationSchema(many=True))
@access(Role.PUBLIC)
def list_organisations():
    """The organisations taking part in the tenant's plan."""
    return db.session.scalars(
        sa.select(Organisation)
        .join(Participation, Participation.organisation_id == Organisation.id)
        .order_by(Organisation.code)
    ).all()
