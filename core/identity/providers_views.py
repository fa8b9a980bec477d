"""The pages of the OpenID Connect providers (core/identity/providers.py): the platform
administrator's list of every provider with the form that adds one, and a provider's page
to change or disable it; the same for a tenant's secretariat with its tenant's own. The same
operations as the API (core/identity/providers_api.py); the client secret is never asked for
nor shown, only the name of the environment variable that holds it."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask_babel import gettext as _

from core.identity import providers
from core.identity.permissions import Role, access, current_person
from core.identity.schemas import ProviderChangeSchema, ProviderCreateSchema
from core.tenancy import current_tenant
from core.web import N_, bp
from core.web.forms import act, filled_values, load

#: The provider forms' fields as the pages label them.
PROVIDER_FIELDS = {
    "key": N_("Nøgle"), "name": N_("Navn på login-knappen"), "issuer": N_("Udsteder (issuer)"),
    "client_id": N_("Klient-id"), "client_secret_env": N_("Miljøvariabel med klienthemmeligheden"),
    "scopes": N_("Scopes"), "organisation": N_("Organisation"), "tenant": N_("Kommune"),
    "is_enabled": N_("Tilbydes ved login"),
}
_TEXT = ("key", "name", "issuer", "client_id", "client_secret_env", "scopes", "organisation", "tenant")


def _values(*names: str) -> dict:
    values = filled_values(*names)
    values["is_enabled"] = "is_enabled" in request.form
    return values


def _list_page(tenant=None):
    return render_template("identity/providers.html", tenant=tenant,
                           providers=[providers.describe(p) for p in providers.list_providers(tenant)])


def _provider_page(provider, tenant=None):
    return render_template("identity/provider.html", tenant=tenant, provider=providers.describe(provider))


@bp.route("/platform/login-udbydere")
@access(Role.PLATFORM_ADMIN)
def platform_providers():
    """Every identity provider, and the form that adds one."""
    return _list_page()


@bp.route("/platform/login-udbydere", methods=["POST"])
@access(Role.PLATFORM_ADMIN)
def add_platform_provider():
    def action():
        return providers.add_provider(load(ProviderCreateSchema(), _values(*_TEXT)), current_person())

    return act(action, _("Login-udbyderen er tilføjet."), url_for("web.platform_providers"),
               then=lambda p: url_for("web.platform_provider", provider=p.key), labels=PROVIDER_FIELDS)


@bp.route("/platform/login-udbydere/<provider>")
@access(Role.PLATFORM_ADMIN)
def platform_provider(provider: str):
    return _provider_page(providers.get_provider(provider))


@bp.route("/platform/login-udbydere/<provider>", methods=["POST"])
@access(Role.PLATFORM_ADMIN)
def change_platform_provider(provider: str):
    found = providers.get_provider(provider)

    def action():
        data = load(ProviderChangeSchema(), _values(*_TEXT[1:]))
        return providers.change_provider(found, data, current_person())

    return act(action, _("Login-udbyderen er gemt."), url_for("web.platform_provider", provider=provider),
               labels=PROVIDER_FIELDS)


@bp.route("/<tenant>/sekretariat/login-udbydere")
@access(Role.TENANT_ADMIN)
def tenant_providers():
    """The tenant's own identity providers, and the form that adds one."""
    return _list_page(g.tenant)


@bp.route("/<tenant>/sekretariat/login-udbydere", methods=["POST"])
@access(Role.TENANT_ADMIN)
def add_tenant_provider():
    def action():
        return providers.add_provider(load(ProviderCreateSchema(), _values(*_TEXT[:6])), current_person(),
                                      current_tenant())

    return act(action, _("Login-udbyderen er tilføjet."), url_for("web.tenant_providers"),
               then=lambda p: url_for("web.tenant_provider", provider=p.key), labels=PROVIDER_FIELDS)


@bp.route("/<tenant>/sekretariat/login-udbydere/<provider>")
@access(Role.TENANT_ADMIN)
def tenant_provider(provider: str):
    return _provider_page(providers.get_provider(provider, current_tenant()), g.tenant)


@bp.route("/<tenant>/sekretariat/login-udbydere/<provider>", methods=["POST"])
@access(Role.TENANT_ADMIN)
def change_tenant_provider(provider: str):
    tenant = current_tenant()
    found = providers.get_provider(provider, tenant)

    def action():
        data = load(ProviderChangeSchema(), _values(*_TEXT[1:6]))
        return providers.change_provider(found, data, current_person(), tenant)

    return act(action, _("Login-udbyderen er gemt."), url_for("web.tenant_provider", provider=provider),
               labels=PROVIDER_FIELDS)
