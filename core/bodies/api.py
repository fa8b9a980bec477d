"""JSON API: a tenant's bodies and their seats."""

from __future__ import annotations

from types import SimpleNamespace

from core import transactions
from core.identity.permissions import Role, access, body_from_param, current_person
from core.bodies import changing, creating, operations, rule_facts, seats
from core.bodies.facts import body_facts
from core.bodies.schemas import (
    BodyChangeSchema,
    BodyCreateSchema,
    BodyFactsChangeSchema,
    BodyFactsSchema,
    BodyKommissoriumSchema,
    BodySchema,
    BodySummarySchema,
    SeatCreateSchema,
    SeatDetailSchema,
    SeatEndSchema,
    SeatHolderSchema,
)
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


@blp.route("", methods=["POST"])
@blp.arguments(BodyCreateSchema)
@blp.response(201, BodySchema)
@access(Role.TENANT_ADMIN)
def create_body(data):
    """A new body of a kind, its kommissorium parameters taken from ``template`` (a body of
    the same kind) where not given, checked as a tenant file's body is (422 naming the field,
    a plugin's limit with its clause); audited. It starts without seats."""
    body = creating.create_body(data, current_person(), current_tenant(), tenant_hooks())
    transactions.commit()
    body = operations.get_body(body.key)
    return SimpleNamespace(**operations.describe_body(body, current_tenant(), tenant_hooks()))


@blp.route("/<key>")
@blp.response(200, BodySchema)
@access(Role.PUBLIC)
def get_body(key: str):
    """One body with its seats and its kommissorium parameters."""
    body = operations.get_body(key)
    return SimpleNamespace(**operations.describe_body(body, current_tenant(), tenant_hooks()))


@blp.route("/<key>", methods=["PATCH"])
@blp.arguments(BodyChangeSchema)
@blp.response(200, BodySchema)
@access(Role.TENANT_ADMIN)
def change_body(data, key: str):
    """Change the body's name, kommissorium parameters and rules (the building blocks of a
    tenant file's ``[bodies.rules]``), checked as a tenant file's body is: 422 naming the
    field (``rules.quorum.share``) with the clause, nothing written. Audited from what to
    what; the same change again changes nothing."""
    body = operations.get_body(key)
    changing.change_body(body, data, current_person(), current_tenant(), tenant_hooks())
    transactions.commit()
    body = operations.get_body(key)
    return SimpleNamespace(**operations.describe_body(body, current_tenant(), tenant_hooks()))


@blp.route("/<key>/facts")
@blp.response(200, BodyFactsSchema)
@access(Role.TENANT_ADMIN)
def get_facts(key: str):
    """The facts the body's rules read that the secretariat changes: districts, plans, the
    grants of its plans with the organisations in each, the organisations receiving its
    material for information, and the body it reports to (``parent``)."""
    return rule_facts.facts_of(operations.get_body(key))


@blp.route("/<key>/facts", methods=["PATCH"])
@blp.arguments(BodyFactsChangeSchema)
@blp.response(200, BodyFactsSchema)
@access(Role.TENANT_ADMIN)
def change_facts(data, key: str):
    """Change the facts the body's rules read, checked as the tenant file is (the
    organisations named are the tenant's, the parent a current body and no cycle, the
    municipality's ``validate_body`` limits): 422 naming the field with the clause, nothing
    written. Audited from what to what; in force at once; the same change again changes
    nothing."""
    body = operations.get_body(key)
    rule_facts.change_facts(body, data, current_person(), current_tenant(), tenant_hooks())
    transactions.commit()
    return rule_facts.facts_of(operations.get_body(key))


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


# ------------------------------------------------------------------ the secretariat's seats
# Declared TENANT_ADMIN (the tenant's secretariat; the platform administrator is above it):
# docs/permissions.md. Another tenant's body or seat answers 404 (the tenant wall).


def _seat_detail(body_key: str, seat_key: str):
    body = operations.get_body(body_key)
    return seats.get_seat(body, seat_key)


@blp.route("/<key>/seats", methods=["POST"])
@blp.arguments(SeatCreateSchema)
@blp.response(201, SeatDetailSchema)
@access(Role.TENANT_ADMIN)
def add_seat(data, key: str):
    """Add a seat to the body from a day, checked as the tenant file's seats are (the seat's
    own checks, and the kommissorium's limits such as a cap on a body's seats: 422 naming
    ``seats``, with the clause); audited. A key the body has (an ended seat's too) is refused (422, ``key``)."""
    body = operations.get_body(key)
    seat = seats.add_seat(body, data, current_person(), current_tenant(), tenant_hooks())
    transactions.commit()
    return seat


@blp.route("/<key>/seats/<seat_key>")
@blp.response(200, SeatDetailSchema)
@access(Role.PUBLIC)
def get_seat(key: str, seat_key: str):
    """One seat of the body with who held it from when to when (ended seats too)."""
    return _seat_detail(key, seat_key)


@blp.route("/<key>/seats/<seat_key>/holdings", methods=["POST"])
@blp.arguments(SeatHolderSchema)
@blp.response(200, SeatDetailSchema)
@access(Role.TENANT_ADMIN)
def change_holder(data, key: str, seat_key: str):
    """Give the seat a new holder (or none: vacant) from ``valid_from``: the holding valid
    that day ends the day before, and the meetings before keep who sat then. Refused (422,
    naming the field): a person not acting for the seat's organisation or unknown in the
    tenant, a day on or before a holding that begins later or a meeting already held, an end
    before the start. The same change again changes nothing."""
    body = operations.get_body(key)
    seat = seats.get_seat(body, seat_key)
    seats.change_holder(body, seat, data, current_person(), current_tenant(), tenant_hooks())
    transactions.commit()
    return seat


@blp.route("/<key>/seats/<seat_key>/end", methods=["POST"])
@blp.arguments(SeatEndSchema)
@blp.response(200, SeatDetailSchema)
@access(Role.TENANT_ADMIN)
def end_seat(data, key: str, seat_key: str):
    """End the seat from ``ended_on`` (the first day it no longer counts); its past meetings
    keep it. Ending it again from the same day changes nothing."""
    body = operations.get_body(key)
    seat = seats.get_seat(body, seat_key)
    seats.end_seat(body, seat, data, current_person(), current_tenant(), tenant_hooks())
    transactions.commit()
    return seat


@body_from_param("key", public=True)
def _body_by_key(key: str):
    import sqlalchemy as sa

    from core.bodies.models import Body
    from core.extensions import db

    return db.session.scalar(sa.select(Body).filter_by(key=key))
