"""The search pages: ``/soeg`` — everything the person may read, in every tenant, reached
from the search field in every page's header — and ``/<tenant>/offentlig/soeg``, a tenant's
public search (published agendas and final minutes, whoever asks)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, g, render_template, request, url_for
from marshmallow import ValidationError

from core.extensions import db
from core.search import operations as ops
from core.search import text as words
from core.search.schemas import KINDS, PublicSearchQuerySchema, SearchQuerySchema
from core.web import N_, Role, access, bp, current_person

#: The templates of these pages (``templates/search/``).
templates = Blueprint("search_templates", __name__, template_folder="templates")

#: What a hit is, as the page says it.
KIND_LABELS = {
    "meeting": N_("Møde"), "item": N_("Dagsordenspunkt"), "minutes": N_("Referat"),
    "proposal": N_("Forslag"), "hearing_answer": N_("Høringssvar"), "attachment": N_("Bilag"),
    "comment": N_("Kommentar"),
}


def _parse(schema) -> tuple[dict, dict]:
    """The query as the API reads it; an empty query is the empty page, not an error."""
    raw = {k: v for k, v in request.args.items() if v != ""}
    if "q" not in raw:
        return {}, {}
    try:
        return schema.load(raw), {}
    except ValidationError as exc:
        return {}, exc.messages


#: A filter naming nothing, as the page says it.
UNKNOWN = {"tenant": N_("Ingen kommune med den forkortelse."), "body": N_("Intet organ med den nøgle.")}


def _filters(args: dict, tenant_id: int | None) -> tuple[ops.Filters | None, dict]:
    try:
        return ops.filters_for(args, tenant_id), {}
    except ops.UnknownFilter as exc:
        return None, {exc.field: [UNKNOWN[exc.field]]}


def _render(schema, reader: ops.Reader, tenant=None):
    args, errors = _parse(schema)
    page = None
    if args and not errors and not words.query_roots(args["q"]):
        errors = {"q": [N_("Skriv mindst ét ord at søge efter (ikke kun småord som «og», «i»).")]}
    if args and not errors:
        filters, errors = _filters(args, tenant.id if tenant is not None else None)
        if filters is not None:
            page = ops.search(args["q"], reader, filters, page=args["page"], per_page=args["per_page"],
                              links=ops.page_url)
    from core.tenants.models import Tenant

    tenants = [] if tenant is not None else db.session.scalars(sa.select(Tenant).order_by(Tenant.name)).all()
    chosen = tenant or next((t for t in tenants if t.slug == request.args.get("tenant")), None)
    bodies = []
    if chosen is not None:
        from core.bodies.models import Body
        from core.tenancy import tenant_scope

        with tenant_scope(chosen.id):
            bodies = db.session.scalars(sa.select(Body).order_by(Body.name)).all()
    endpoint = "web.public_search" if tenant is not None else "web.search"

    def page_link(n: int) -> str:
        return url_for(endpoint, **{**request.args.to_dict(), "page": n})

    return render_template(
        "search/search.html", page_link=page_link, page=page, errors=errors, args=request.args, tenant=tenant,
        tenants=tenants, bodies=bodies, kinds=KINDS, kind_labels=KIND_LABELS,
        years=ops.years(reader, tenant.id if tenant is not None else None), public=reader is ops.PUBLIC,
        action=url_for(endpoint),
    ), 422 if errors else 200


@bp.route("/soeg")
@access(Role.PUBLIC)
def search():
    """Search everything the person may read (the public: published material)."""
    return _render(SearchQuerySchema(), ops.reader_for(current_person()))


@bp.route("/<tenant>/offentlig/soeg")
@access(Role.PUBLIC)
def public_search():
    """The tenant's public search: published agendas and final minutes, never a closed
    item's content, whoever asks."""
    return _render(PublicSearchQuerySchema(), ops.PUBLIC, g.tenant)
