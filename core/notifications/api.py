"""Calendar feeds: a body's meetings (public, like its published agendas) and the logged-in
user's own meetings across tenants; and the outbox for the secretariat."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.bodies import operations as bodies
from core.bodies.models import Seat
from core.extensions import db
from core.identity.permissions import Role, access, require, role_in_tenant
from core.meetings.models import Meeting
from core.notifications import ical, operations
from core.tenancy import all_tenants
from core.tenants.context import bind_tenant, current_tenant
from core.tenants.models import Tenant

ICS = "text/calendar; charset=utf-8"

blp = Blueprint(
    "calendar", __name__, url_prefix="/api/v1/tenants/<tenant>",
    description="Calendar feeds and the notification outbox",
)
bind_tenant(blp)

me_blp = Blueprint("my_calendar", __name__, url_prefix="/api/v1/me", description="The user's calendar")


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    subject = fields.String()
    recipient = fields.String()
    created_at = fields.AwareDateTime()
    queued_at = fields.AwareDateTime(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    attempts = fields.Integer()
    last_error = fields.String()


@blp.route("/bodies/<key>/calendar.ics")
@access(Role.PUBLIC)
def body_calendar(key: str):
    """The body's meetings as an iCalendar feed (time and place only, no agenda)."""
    body = bodies.get_body(key)
    require(Role.PUBLIC, body)
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.starts_at))
    slug = current_tenant().slug
    return Response(ical.feed(((m, slug) for m in meetings), body.name), mimetype=ICS)


@blp.route("/notifications")
@blp.response(200, NotificationSchema(many=True))
@access(Role.TENANT_ADMIN)
def outbox():
    """The outbox: what was sent, what waits, what failed and why (the secretariat's view)."""
    from flask_smorest import abort

    if role_in_tenant(current_user._get_current_object(), current_tenant()) < Role.TENANT_ADMIN:
        abort(403, message="You may not do this here.")
    return operations.outbox()


@me_blp.route("/calendar.ics")
@access(Role.AUTHENTICATED)
def my_calendar():
    """The meetings of every body where the user holds a seat, in every tenant."""
    user = current_user._get_current_object()
    with all_tenants():
        bodies_held = sa.select(Seat.body_id).where(Seat.holder_id == user.id)
        rows = db.session.execute(
            sa.select(Meeting, Tenant.slug)
            .join(Tenant, Tenant.id == Meeting.tenant_id)
            .where(Meeting.body_id.in_(bodies_held))
            .order_by(Meeting.starts_at)
        ).all()
        data = ical.feed(((m, slug) for m, slug in rows), f"Møder for {user.name}")
    return Response(data, mimetype=ICS)
