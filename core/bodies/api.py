"""JSON API: a tenant's bodies and their seats."""

from __future__ import annotations

from types import SimpleNamespace

from core.identity.permissions import Role, access, body_from_param
from core.bodies import operations
from core.bodies.facts import body_facts
from core.bodies.schemas import BodyKommissoriumSchema, BodySchema, BodySummarySchema
from core.openapi import Blueprint
from core.tenancy import bind_tenant, current_tenant, tenant_hooks

blp = Blueprint(
    "bodies", __name__, url_prefix="/api/v1/tenants/<tenant>/bodies", description="Bodies and seats"
)
bind_tenant(blp)


@blp.route("")
@blp.response(200, BodySummarySchema(many=True))
@access(Role.PUBLIC)
def list_bodies():
    """The tenant's bodies."""
    return operations.list_bodies()


@blp.route("/<key>")
@blp.response(200, BodySchema)
@access(Role.PUBLIC)
def get_body(key: str):
    """One body with its seats and its kommissorium parameters."""
    body = operations.get_body(key)
    return SimpleNamespace(**operations.describe_body(body, current_tenant(), tenant_hooks()))


@blp.route("/<key>/kommissorium")
@blp.response(200, BodyKommissoriumSchema)
@access(Role.PUBLIC)
def get_kommissorium(key: str):
    """The body's kommissorium page: the rules that apply to it in plain Danish, each with
    its clause ID and the plugin (or tenant file) that enforces it."""
    body = operations.get_body(key)
    facts = body_facts(body, current_tenant().slug)
    return {"key": body.key, "name": body.name,
            "rules": operations.kommissorium_rules(facts, tenant_hooks())}


@body_from_param("key", public=True)
def _body_by_key(key: str):
    import sqlalchemy as sa

    from core.bodies.models import Body
    from core.extensions import db

    return db.session.scalar(sa.select(Body).filter_by(key=key))
