"""The bodies' pages: a body's kommissorium in plain language with its seats and rules, and
the secretariat's overview of every body (seats, vacancies, links to the year's meetings
and compliance). The labels of seat roles, competence and approval modes are here too, for
every page that shows them."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, g, render_template

from core import clock
from core.bodies import operations as bodies
from core.identity.permissions import Role, access
from core.tenancy import tenant_hooks
from core.web import N_, bp

#: The templates of these pages (``templates/bodies/``).
templates = Blueprint("bodies_templates", __name__, template_folder="templates")

APPROVAL_MODES = {
    "email": N_("Godkendes af medlemmerne på mail"),
    "next_meeting": N_("Godkendes på næste møde"),
    "board": N_("Godkendes af bestyrelsen"),
    "tacit": N_("Godkendes stiltiende, når intet medlem gør indsigelse"),
    "none": N_("Kommissoriet siger intet om godkendelse"),
}
ROLES = {
    "member": N_("Medlem"),
    "chair": N_("Formand"),
    "meeting_leader": N_("Mødeleder"),
    "secretary": N_("Sekretær"),
    "observer": N_("Observatør"),
}
COMPETENCE = {"decides": N_("Besluttende"), "advises": N_("Rådgivende"),
              "limited": N_("Begrænset kompetence")}


@bp.app_context_processor
def _labels():
    from flask_babel import gettext as _

    return {
        "APPROVAL_MODES": {k: _(v) for k, v in APPROVAL_MODES.items()},
        "ROLES": {k: _(v) for k, v in ROLES.items()},
        "COMPETENCE": {k: _(v) for k, v in COMPETENCE.items()},
    }


@bp.route("/<tenant>/organer/<key>")
@access(Role.PUBLIC)
def body(key: str):
    body = bodies.get_body(key)
    info = SimpleNamespace(**bodies.describe_body(body, g.tenant, tenant_hooks()))
    return render_template("bodies/body.html", tenant=g.tenant, body=info)


@bp.route("/<tenant>/sekretariat")
@access(Role.TENANT_ADMIN)
def secretariat():
    """The secretariat's overview: every body, its seats (vacancies), meetings and compliance."""
    return render_template("bodies/secretariat.html", tenant=g.tenant, bodies=bodies.list_bodies(),
                           year=clock.now().year)
