"""The pages of onboarding a municipality (core/tenants/onboarding.py): the platform
administrator's page of the tenants, with the form that creates one and invites its first
secretary, and the secretariat's page of the organisations taking part, with the form that
adds one (found by its code where the platform knows it). The same operations as the API
(core/tenants/onboarding_api.py); a refused form keeps nothing and shows what was typed
with each message by its field (core/web/forms.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from core.extensions import db
from core.identity.permissions import Role, access, current_person
from core.organisations.models import OrganisationKind
from core.tenancy import all_tenants, current_tenant
from core.tenants import onboarding, onboarding_files
from core.tenants.models import Tenant
from core.tenants.schemas import OrganisationAddSchema, TenantCreateSchema
from core.web import N_, bp
from core.web.forms import act, filled_values, load

#: The new tenant form's fields as the page labels them.
TENANT_FIELDS = {
    "name": N_("Kommunens navn"), "slug": N_("Adresse (slug)"), "plan": N_("Helhedsplan"),
    "period_start": N_("Perioden begynder"), "period_end": N_("Perioden slutter"),
    "plugins": N_("Regelmoduler"), "timezone": N_("Tidszone"),
    "organisation": N_("Kommunens organisationskode"), "organisation_name": N_("Organisationens navn"),
    "secretary_email": N_("Sekretærens e-mail"), "secretary_name": N_("Sekretærens navn"),
    "secretary_language": N_("Sekretærens sprog i mails"),
}
#: The add-an-organisation form's fields.
ORGANISATION_FIELDS = {
    "code": N_("Kode"), "name": N_("Navn"), "kind": N_("Slags"), "administered_by": N_("Administreres af"),
}
#: The kinds of organisation as the pages name them.
ORGANISATION_KINDS = {
    "housing_organisation": N_("Boligorganisation"), "administration_company": N_("Administrationsselskab"),
    "municipality": N_("Kommune"), "municipal_administration": N_("Kommunal forvaltning"),
    "interest_organisation": N_("Interesseorganisation"),
    "residents_representation": N_("Beboerrepræsentation"), "secretariat": N_("Sekretariat"),
    "police": N_("Politi"),
}
assert set(ORGANISATION_KINDS) == {k.value for k in OrganisationKind}


def _host():
    return current_app.extensions["kommissorium.host"]


@bp.route("/platform/kommuner")
@access(Role.PLATFORM_ADMIN)
def platform_tenants():
    """The tenants on the platform, and the form that creates one."""
    with all_tenants():
        tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.name)).all()
    return render_template("tenants/platform.html", tenants=tenants,
                           plugins=onboarding.installed_plugins(_host()))


@bp.route("/platform/kommuner", methods=["POST"])
@access(Role.PLATFORM_ADMIN)
def create_tenant():
    """A new tenant and its first secretary invited (the API's ``POST /api/v1/platform/tenants``)."""

    def action():
        values = filled_values(*(f for f in TENANT_FIELDS if f != "plugins"))
        values["plugins"] = [p for p in request.form.getlist("plugins") if p]
        return onboarding.create_tenant(load(TenantCreateSchema(), values), current_person(), _host())

    return act(action, _("Kommunen er oprettet, og sekretæren er inviteret."), url_for("web.platform_tenants"),
               labels=TENANT_FIELDS)


@bp.route("/<tenant>/sekretariat/organisationer")
@access(Role.TENANT_ADMIN)
def tenant_organisations():
    """The organisations taking part in the tenant, and the form that adds one."""
    tenant = current_tenant()
    return render_template("tenants/organisations.html", tenant=g.tenant,
                           organisations=onboarding.participating(tenant),
                           known=onboarding.known_organisations(),
                           kinds={k: _(v) for k, v in ORGANISATION_KINDS.items()})


@bp.route("/<tenant>/sekretariat/organisationer", methods=["POST"])
@access(Role.TENANT_ADMIN)
def add_organisation():
    """An organisation takes part (the API's ``POST …/organisations``)."""

    def action():
        data = load(OrganisationAddSchema(), filled_values(*ORGANISATION_FIELDS))
        return onboarding.add_organisation(current_tenant(), data, current_person())

    return act(action, _("Organisationen deltager nu i kommunen."), url_for("web.tenant_organisations"),
               labels=ORGANISATION_FIELDS)


#: The tenant file forms' fields.
FILE_FIELDS = {"file": N_("Datafil"), "content": N_("Datafil"), "slug": N_("Datafil")}


def _uploaded() -> tuple[str, str]:
    """The chosen file's text and name; a missing or unreadable file is a 422 naming it."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        refuse_invalid_file(_("Vælg en datafil."))
    try:
        return upload.read(onboarding_files.MAX_BYTES + 1).decode("utf-8"), upload.filename
    except UnicodeDecodeError:
        refuse_invalid_file(_("Filen er ikke en tekstfil (UTF-8)."))


def refuse_invalid_file(message: str):
    from flask_smorest import abort

    abort(422, message="The input is invalid.", errors={"form": {"file": [message]}})


@bp.route("/platform/kommuner/datafil", methods=["POST"])
@access(Role.PLATFORM_ADMIN)
def preview_tenant_file():
    """An uploaded tenant file previewed: its changes, or its problems (by entry, field and
    clause); nothing is written. The page holds the file to apply it."""
    from flask import Response
    from werkzeug.exceptions import HTTPException

    from core.web.forms import refuse_form, refusal_of

    try:
        content, filename = _uploaded()
        preview = onboarding_files.preview_file(content, filename, _host())
    except HTTPException as exc:
        db.session.rollback()
        if exc.code not in (409, 413, 422):
            raise
        return refuse_form(url_for("web.platform_tenants"), refusal_of(exc, FILE_FIELDS), exc.code)
    page = render_template("tenants/tenant_file.html", preview=preview, content=content,
                           sentence=onboarding_files.sentence)
    return Response(page, status=200 if preview.ok else 422, headers={"Cache-Control": "no-store"})


@bp.route("/platform/kommuner/datafil/anvend", methods=["POST"])
@access(Role.PLATFORM_ADMIN)
def apply_tenant_file():
    """The previewed file applied, all or nothing (the API's ``POST …/tenant-files``)."""

    def action():
        return onboarding_files.apply_file(request.form.get("content", ""),
                                           request.form.get("filename", ""), _host())

    return act(action, _("Datafilen er anvendt, og kommunen er oprettet."), url_for("web.platform_tenants"),
               labels=FILE_FIELDS)
