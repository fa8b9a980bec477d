"""The notifications' page: the secretariat's outbox, what the platform has sent or will
send in the tenant, what waits and what failed (GET .../notifications on the API). The
person's calendar feed is managed from "Min konto" (core/identity/account_views.py)."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from flask_babel import gettext as _

from core.identity.permissions import Role, access
from core.notifications import operations as notifications
from core.web import N_, bp

#: The templates of these pages (``templates/notifications/``).
templates = Blueprint("notifications_templates", __name__, template_folder="templates")

KINDS = {
    "agenda_published": N_("Dagsordenen er udsendt"),
    "meeting_changed": N_("Mødet er ændret"),
    "meeting_cancelled": N_("Mødet er aflyst"),
    "submission_deadline_near": N_("Fristen for punkter nærmer sig"),
    "agenda_due": N_("Dagsordenen skal udsendes"),
    "minutes_due": N_("Referatet skal udsendes"),
    "minutes_sent": N_("Referatet er udsendt"),
    "approval_due": N_("Referatet venter på godkendelse"),
    "minutes_review": N_("Udkastet til referat er sendt til gennemlæsning"),
    "hearing_deadline_near": N_("Høringsfristen nærmer sig"),
    "hearing_overdue": N_("Høringsfristen er overskredet"),
}


@bp.route("/<tenant>/udsendelser")
@access(Role.TENANT_ADMIN)
def outbox():
    """The notifications the platform has sent or will send in this tenant (GET
    .../notifications): the secretariat's view of what went out, what waits and what failed."""
    return render_template("notifications/outbox.html", tenant=g.tenant, rows=notifications.outbox(),
                           kinds={k: _(v) for k, v in KINDS.items()})
