"""The web shell: the one ``web`` blueprint every feature's pages are registered on, the
base templates (``templates/web/``: the layout, the error page, the accessibility
statement), the language switch, the tenant's local time on the pages and the static files
(``static/``). Forms and refusals are in :mod:`core.web.forms`, languages in
:mod:`core.web.i18n`, the HTML error pages in :mod:`core.errors`.

The pages themselves live beside their feature's API, as Indico's modules hold their
controllers and templates: ``core/<feature>/views.py`` registers its routes on :data:`bp`
(so every endpoint keeps its ``web.…`` name) and its templates are in
``core/<feature>/templates/<feature>/``, found through a blueprint of the feature's own
(``templates``); ``create_app`` imports them (docs/decisions/0022-pages-beside-their-feature.md).
Features import the shell; the shell imports no feature's pages.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from core import clock
from core.identity.permissions import Role, access, current_person  # noqa: F401 (the pages' name)
from core.tenancy import bind_tenant
from core.web.i18n import LANGUAGES

bp = Blueprint("web", __name__, template_folder="templates")
bind_tenant(bp)


def N_(text: str) -> str:
    """Mark a text for the message catalogues; it is translated where it is shown."""
    return text


def tenant_zone(tenant=None):
    """The tenant's time zone (pages show local times): :func:`core.clock.tenant_zone`."""
    return clock.tenant_zone(tenant)


@bp.app_template_filter("local")
def _local(value, tenant=None, fmt="%d.%m.%Y kl. %H:%M"):
    """A UTC time as the tenant's local time, e.g. ``01.10.2020 kl. 16:00``."""
    if value is None:
        return ""
    if not hasattr(value, "astimezone"):
        return str(value)
    return value.astimezone(tenant_zone(tenant)).strftime(fmt)


# --------------------------------------------------------------------------- the header


def _menu() -> list[tuple[str, str, bool]]:
    """The main menu as ``(url, label, current)``: the front page, and in a tenant its
    bodies, proposals, public pages and, for its administrators, the secretariat; my
    account when logged in. Pages that belong to none of these mark none."""
    from flask_babel import gettext as _

    from core.identity.permissions import role_in_tenant

    endpoint = request.endpoint or ""
    items = [(url_for("web.index"), _("Mit overblik") if current_user.is_authenticated else _("Forside"),
              endpoint == "web.index")]
    tenant = g.get("tenant")
    if tenant is not None:
        items.append((url_for("web.tenant_home"), _("Organer"),
                      endpoint in ("web.tenant_home", "web.body", "web.body_meetings", "web.meeting")))
        if current_user.is_authenticated:
            items.append((url_for("web.proposals"), _("Forslag"), endpoint.startswith("web.proposal")))
        items.append((url_for("web.public_meetings"), _("Offentligt"), endpoint.startswith("web.public_")))
        if current_user.is_authenticated and role_in_tenant(current_user, tenant) >= Role.TENANT_ADMIN:
            items.append((url_for("web.secretariat"), _("Sekretariatet"), endpoint == "web.secretariat"))
    if current_user.is_authenticated:
        items.append((url_for("web.account"), _("Min konto"), endpoint.startswith("web.account")))
    return items


@bp.app_context_processor
def _shell():
    # A function, so pages that never render the header (fragments) pay nothing for it.
    return {"main_menu": _menu}


# --------------------------------------------------------------------------- the shell's pages


@bp.route("/sprog", methods=["POST"])
@access(Role.PUBLIC)
def set_language():
    """The language switch: Danish or English, kept in the session."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    target = request.form.get("next") or url_for("web.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.index")
    return redirect(target)


@bp.route("/tilgaengelighed")
@access(Role.PUBLIC)
def accessibility():
    """The accessibility statement (tilgængelighedserklæring)."""
    return render_template("web/accessibility.html")
