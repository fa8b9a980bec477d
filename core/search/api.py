"""The search in the API: across every tenant with the caller's rights, and each tenant's
public search (published material only, whoever asks)."""

from __future__ import annotations

from flask_smorest import abort

from core.identity.permissions import Role, access, current_person
from core.openapi import Blueprint, ErrorSchema
from core.search import operations as ops
from core.search.schemas import PublicSearchQuerySchema, SearchPageSchema, SearchQuerySchema
from core.tenancy import bind_tenant, current_tenant

blp = Blueprint("search", __name__, url_prefix="/api/v1/search",
                description="Search meetings, items, minutes, proposals, hearing answers and attachments")

public_blp = Blueprint("public_search", __name__, url_prefix="/api/v1/public/tenants/<tenant>/search",
                       description="Search a tenant's published agendas and final minutes")
bind_tenant(public_blp)


def filters_from(args: dict, tenant_id: int | None = None) -> ops.Filters:
    """The filters of a query. A tenant or body that does not exist is a 404 naming the
    parameter, as it would be in a path (the value is well-formed: it names nothing)."""
    try:
        return ops.filters_for(args, tenant_id)
    except ops.UnknownFilter as exc:
        abort(404, message=f"No {exc.field} {exc.value!r} (query parameter {exc.field}).")


def _answer(args: dict, reader: ops.Reader, filters: ops.Filters) -> ops.Page:
    return ops.search(args["q"], reader, filters, page=args["page"], per_page=args["per_page"],
                      links=ops.page_url)


@blp.route("")
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchPageSchema)
@blp.alt_response(404, schema=ErrorSchema, description="The tenant or body a filter names does not exist.")
@access(Role.PUBLIC)
def search(args):
    """Everything the caller may read, in every tenant: their bodies' material (closed
    items for their members only, CORE-CLOSED-ITEMS), the proposals they follow, and every tenant's
    published agendas and final minutes. Anonymous: the published material only."""
    return _answer(args, ops.reader_for(current_person()), filters_from(args))


@public_blp.route("")
@public_blp.arguments(PublicSearchQuerySchema, location="query")
@public_blp.response(200, SearchPageSchema)
@public_blp.alt_response(404, schema=ErrorSchema, description="No such tenant, or no such body of it.")
@access(Role.PUBLIC)
def public_search(args):
    """The tenant's published agendas and final minutes, as the public reads them: never a
    closed item's content, whoever asks."""
    return _answer(args, ops.PUBLIC, filters_from(args, current_tenant().id))
