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

def N_(text: str) -> str:
    """Mark a text for the message catalogues; it is translated where it is shown."""
    return text


APPROVAL_MODES = {
    "email": N_("Godkendes af medlemmerne på mail"),
    "next_meeting": N_("Godkendes på næste møde"),
    "board": N_("Godkendes af bestyrelsen"),
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
        "KINDS": {"B": _("Beslutning"), "D": _("Drøftelse"), "O": _("Orientering")},
        "CHOICES": {"yes": _("Ja"), "no": _("Nej"), "abstain": _("Undlader")},
        "RESULTS": {"adopted": _("Vedtaget"), "rejected": _("Forkastet"),
                    "not_quorate": _("Ikke afgjort (ikke beslutningsdygtigt)")},
        "STATES": {"planned": _("planlagt"), "agenda_published": _("indkaldt (dagsordenen er udsendt)"),
                   "held": _("afholdt"), "minutes_sent": _("afholdt, og referatet er udsendt"),
                   "minutes_approved": _("afholdt, og referatet er godkendt"), "cancelled": _("aflyst")},
        "ATTENDANCE": {"expected": _("Forventet"), "present": _("Til stede"),
                       "apologies": _("Afbud"), "absent": _("Fraværende")},
    }


def tenant_zone(tenant=None):
    """The tenant's time zone (pages show local times); Copenhagen where it is unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    tenant = tenant or g.get("tenant")
    try:
        return ZoneInfo((tenant.timezone if tenant is not None else None) or "Europe/Copenhagen")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Copenhagen")


@bp.app_template_filter("local")
def _local(value, tenant=None, fmt="%d.%m.%Y kl. %H:%M"):
    """A UTC time as the tenant's local time, e.g. ``01.10.2020 kl. 16:00``."""
    if value is None:
        return ""
    if not hasattr(value, "astimezone"):
        return str(value)
    return value.astimezone(tenant_zone(tenant)).strftime(fmt)


@bp.route("/")
@access(Role.PUBLIC)
def index():
    tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.name)).all()
    return render_template("web/index.html", tenants=tenants, me=_my_overview(),
                           upcoming=_upcoming())


def _upcoming():
    """The logged-in user's next meetings across tenants (the dashboard)."""
    from flask_login import current_user

    from core.meetings.operations import now, upcoming_for_user

    if not current_user or not current_user.is_authenticated:
        return []
    return upcoming_for_user(current_user._get_current_object(), now())


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


from core.web import views  # noqa: E402,F401  (registers the pages on ``bp``)
from core.web import account  # noqa: E402,F401  (the account, people, contacts and outbox pages)
from core.web import meeting_admin  # noqa: E402,F401  (the pages for the rest of the meetings API)
from core.web import proposal_pages  # noqa: E402,F401  (the proposal actions' pages)
