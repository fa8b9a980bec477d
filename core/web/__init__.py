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

from flask import Blueprint, redirect, render_template, request, session, url_for

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
