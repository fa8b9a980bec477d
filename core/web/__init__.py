"""Server-rendered pages (Danish): the tenants, their bodies and each body's seats and rules."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from flask import Blueprint, g, render_template

from core.identity.permissions import Role, access
from core.bodies import operations as bodies
from core.extensions import db
from core.tenants.context import bind_tenant, tenant_hooks
from core.tenants.models import Tenant

bp = Blueprint("web", __name__, template_folder="templates")
bind_tenant(bp)

APPROVAL_MODES = {
    "email": "Godkendes af medlemmerne på mail",
    "next_meeting": "Godkendes på næste møde",
    "board": "Godkendes af bestyrelsen",
    "none": "Kommissoriet siger intet om godkendelse",
}
ROLES = {
    "member": "Medlem",
    "chair": "Formand",
    "meeting_leader": "Mødeleder",
    "secretary": "Sekretær",
    "observer": "Observatør",
}
COMPETENCE = {"decides": "Besluttende", "advises": "Rådgivende", "limited": "Begrænset kompetence"}


@bp.app_context_processor
def _labels():
    return {"APPROVAL_MODES": APPROVAL_MODES, "ROLES": ROLES, "COMPETENCE": COMPETENCE}


@bp.route("/")
@access(Role.PUBLIC)
def index():
    tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.name)).all()
    return render_template("web/index.html", tenants=tenants, me=_my_overview())


def _my_overview():
    """The logged-in user's tenants, bodies, seats and what waits (core/identity)."""
    from flask_login import current_user

    from core.identity.operations import overview

    if not current_user or not current_user.is_authenticated:
        return None
    return overview(current_user._get_current_object())


@bp.route("/<tenant>/")
@access(Role.PUBLIC)
def tenant_home():
    return render_template("web/tenant.html", tenant=g.tenant, bodies=bodies.list_bodies())


@bp.route("/<tenant>/organer/<key>")
@access(Role.PUBLIC)
def body(key: str):
    body = bodies.get_body(key)
    info = SimpleNamespace(**bodies.describe_body(body, g.tenant, tenant_hooks()))
    return render_template("web/body.html", tenant=g.tenant, body=info)
