"""JSON API: the administration's history of a tenant (core/audit/history.py), for its
secretariat and the platform administrator."""

from __future__ import annotations

from core.audit import history
from core.audit.schemas import HistoryPageSchema, HistoryQuerySchema
from core.identity.permissions import Role, access
from core.openapi import Blueprint
from core.tenancy import bind_tenant

blp = Blueprint("history", __name__, url_prefix="/api/v1/tenants/<tenant>",
                description="The administration's history (the audit log's changes of people, seats and bodies)")
bind_tenant(blp)


@blp.route("/history")
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, HistoryPageSchema)
@access(Role.TENANT_ADMIN)
def get_history(args):
    """Who changed which person, seat or body, from what, to what: the tenant's
    hash-chained audit log's entries of the administration, newest first, 25 a page."""
    result = history.page(args["page"])
    result["people"] = history.names(result["entries"])
    return result
