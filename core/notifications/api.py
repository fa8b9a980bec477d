"""Calendar feeds: a body's meetings (public, like its published agendas), the logged-in
user's own meetings across tenants, and the same at the user's secret calendar address for a
calendar program that cannot log in (docs/decisions/0011-calendar-subscription-feed.md);
and the outbox for the secretariat."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_smorest import abort
from marshmallow import Schema, fields

from core import transactions
from core.bodies import operations as bodies
from core.extensions import db
from core.fields import Text
from core.identity import operations as identity
from core.identity.permissions import Role, access, current_person, require, role_in_tenant, session_only
from core.meetings.models import Meeting
from core.notifications import ical, operations
from core.openapi import Blueprint, file_response
from core.tenancy import bind_tenant, current_tenant

#: werkzeug adds ``; charset=utf-8`` to a text type itself.
ICS = "text/calendar"
_ICS_DOC = file_response(ICS, "The meetings as an iCalendar feed (RFC 5545), UTF-8.")
#: How long a calendar program (or the browser) may keep a personal feed before asking
#: again: changes reach the subscriber within the quarter hour, and a program polling more
#: often costs nothing. ``private``: no shared cache may keep it (the address is a secret).
FEED_MAX_AGE = 900

blp = Blueprint(
    "calendar", __name__, url_prefix="/api/v1/tenants/<tenant>",
    description="Calendar feeds and the notification outbox",
)
bind_tenant(blp)

me_blp = Blueprint("my_calendar", __name__, url_prefix="/api/v1/me", description="The user's calendar")

feed_blp = Blueprint(
    "calendar_feed", __name__, url_prefix="/api/v1/calendar",
    description="The user's meetings at a secret address, for calendar programs (no login)",
)


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = Text()
    subject = Text()
    recipient = Text()
    created_at = fields.AwareDateTime()
    queued_at = fields.AwareDateTime(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    attempts = fields.Integer()
    last_error = Text()


class CalendarFeedSchema(Schema):
    #: When the address was made.
    created_at = fields.AwareDateTime()
    #: When a calendar program last fetched it (to the hour), or ``null``.
    last_used_at = fields.AwareDateTime(allow_none=True)


class NewCalendarFeedSchema(CalendarFeedSchema):
    #: The address to subscribe to, shown this once.
    url = Text()
    #: The same address as ``webcal://``, which opens the person's calendar program.
    webcal_url = Text()


@blp.route("/bodies/<key>/calendar.ics")
@blp.doc(**_ICS_DOC)
@access(Role.PUBLIC)
def body_calendar(key: str):
    """The body's meetings as an iCalendar feed (time and place only, no agenda)."""
    body = bodies.get_body(key)
    require(Role.PUBLIC, body)
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.starts_at))
    slug = current_tenant().slug
    resp = Response(ical.feed(((m, slug) for m in meetings), body.name), mimetype=ICS)
    # Public, like the published agendas: shared caches may keep it as long as a calendar
    # program waits between fetches anyway.
    resp.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return resp


@blp.route("/notifications")
@blp.response(200, NotificationSchema(many=True))
@access(Role.TENANT_ADMIN)
def outbox():
    """The outbox: what was sent, what waits, what failed and why (the secretariat's view)."""
    from flask_smorest import abort

    if role_in_tenant(current_person(), current_tenant()) < Role.TENANT_ADMIN:
        abort(403, message="You may not do this here.")
    return operations.outbox()


def _personal_feed(user) -> Response:
    resp = Response(operations.user_calendar(user), mimetype=ICS)
    resp.headers["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    return resp


@me_blp.route("/calendar.ics")
@me_blp.doc(**_ICS_DOC)
@access(Role.AUTHENTICATED)
def my_calendar():
    """The meetings of every body where the user holds a seat, in every tenant."""
    return _personal_feed(current_person())


@me_blp.route("/calendar-feed")
@me_blp.response(200, CalendarFeedSchema)
@access(Role.AUTHENTICATED)
def calendar_feed():
    """Whether the user has a secret calendar address: when it was made and last fetched
    (never the address itself); 404 when there is none."""
    feed = identity.calendar_feed(current_person())
    if feed is None:
        abort(404, message="Not found.")
    return feed


@me_blp.route("/calendar-feed", methods=["POST"])
@me_blp.response(201, NewCalendarFeedSchema)
@access(Role.AUTHENTICATED)
@session_only
def create_calendar_feed():
    """Make the user's secret calendar address, for a calendar program to subscribe to; an
    address made before stops working. The answer shows the address this once."""
    feed, secret = identity.create_calendar_feed(current_person())
    transactions.commit()
    return {"created_at": feed.created_at, "last_used_at": None, **operations.feed_address(secret)}


@me_blp.route("/calendar-feed", methods=["DELETE"])
@me_blp.response(204)
@access(Role.AUTHENTICATED)
def delete_calendar_feed():
    """Switch the user's calendar address off; a calendar program fetching it gets 404."""
    if not identity.delete_calendar_feed(current_person()):
        abort(404, message="Not found.")
    transactions.commit()


@feed_blp.route("/<secret>.ics")
@feed_blp.doc(**_ICS_DOC)
@access(Role.PUBLIC)
def subscribed_calendar(secret: str):
    """The user's meetings (as ``/api/v1/me/calendar.ics``) for whoever holds the secret
    address: no login, no cookie. An unknown, replaced or switched-off address, or one of a
    disabled or erased user, answers 404."""
    feed = identity.calendar_feed_for(secret)
    if feed is None:
        abort(404, message="Not found.")
    identity.mark_calendar_feed_used(feed)
    resp = _personal_feed(feed.user)
    transactions.commit()
    return resp
