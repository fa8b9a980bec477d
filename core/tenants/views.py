"""The tenants' pages: the front page (the tenants on the platform, and for a logged-in
person "Mit overblik": their next meetings, what waits for them and their seats in each
tenant, core/identity/templates/identity/dashboard.html) and a tenant's home page with its
bodies."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, g, render_template

from core.bodies import operations as bodies
from core.extensions import db
from core.identity.permissions import Role, access
from core.tenants.models import Tenant
from core.web import bp, current_person

#: The templates of these pages (``templates/tenants/``).
templates = Blueprint("tenants_templates", __name__, template_folder="templates")


@bp.route("/")
@access(Role.PUBLIC)
def index():
    tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.name)).all()
    return render_template("tenants/index.html", tenants=tenants, me=_my_overview(),
                           upcoming=_upcoming())


def _upcoming():
    """The logged-in user's next meetings across tenants (the dashboard)."""
    from core.meetings.operations import now, upcoming_for_user

    user = current_person()
    if user is None:
        return []
    return upcoming_for_user(user, now())


def _my_overview():
    """The logged-in user's tenants, bodies, seats and what waits (core/dashboard)."""
    from core.dashboard.operations import overview

    user = current_person()
    if user is None:
        return None
    return overview(user)


@bp.route("/<tenant>/")
@access(Role.PUBLIC)
def tenant_home():
    return render_template("tenants/tenant.html", tenant=g.tenant, bodies=bodies.list_bodies())
