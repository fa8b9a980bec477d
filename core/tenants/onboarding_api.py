"""JSON API: onboarding a municipality (core/tenants/onboarding.py). The platform
administrator lists the plugins installed on the platform and creates a tenant with its
first secretariat person; the tenant's secretariat adds the organisations taking part.
The same operations as the pages (core/tenants/onboarding_views.py)."""

from __future__ import annotations

from flask import current_app

from core import transactions
from core.identity.permissions import Role, access, current_person
from core.openapi import Blueprint
from core.tenancy import bind_tenant, current_tenant
from core.tenants import onboarding, onboarding_files
from core.tenants.schemas import (
    OrganisationAddSchema,
    OrganisationSchema,
    PluginSchema,
    TenantCreateSchema,
    TenantFilePreviewSchema,
    TenantFileUploadSchema,
    TenantSchema,
)

platform_blp = Blueprint(
    "platform", __name__, url_prefix="/api/v1/platform",
    description="The platform administrator's: plugins installed, tenants created (audited)",
)
blp = Blueprint(
    "tenant_organisations", __name__, url_prefix="/api/v1/tenants/<tenant>/organisations",
    description="The secretariat adds the organisations taking part in its tenant (audited)",
)
bind_tenant(blp)


def _host():
    return current_app.extensions["kommissorium.host"]


@platform_blp.route("/plugins")
@platform_blp.response(200, PluginSchema(many=True))
@access(Role.PLATFORM_ADMIN)
def list_plugins():
    """The rule plugins installed on the platform (entry-point group ``kommissorium``): what
    a new tenant may use."""
    return [{"name": name} for name in onboarding.installed_plugins(_host())]


@platform_blp.route("/tenants", methods=["POST"])
@platform_blp.arguments(TenantCreateSchema)
@platform_blp.response(201, TenantSchema)
@access(Role.PLATFORM_ADMIN)
def create_tenant(data):
    """A new tenant: name, slug, plan period, plugins (of those installed), the
    municipality's organisation (found by its code; created where the platform has none,
    named by ``organisation_name``) and its first secretariat person, invited by mail
    (``secretary_email``; ``secretary_name`` for a new account) and made the tenant's
    administrator. Refused: a slug taken or reserved (409, ``slug``), a slug not of 3-40
    lowercase letters, digits and hyphens, a plugin not installed, a period ending before
    it begins, an unknown organisation without a name, a secretary without a name or whose
    data were erased (422, naming the field). Nothing is written on a refusal. Audited in
    the new tenant's log."""
    tenant = onboarding.create_tenant(data, current_person(), _host())
    transactions.commit()
    return tenant


@platform_blp.route("/tenant-files/preview", methods=["POST"])
@platform_blp.arguments(TenantFileUploadSchema)
@platform_blp.response(200, TenantFilePreviewSchema)
@access(Role.PLATFORM_ADMIN)
def preview_tenant_file(data):
    """What applying a tenant file (TOML, docs/tenant-files.md) for a new tenant would
    change, as ``tenants sync`` reports it; or, with ``ok`` false, every problem by its
    entry and field, with its clause. Nothing is written. Refused: a tenant that exists
    already (409, ``slug``: ``kommissorium tenants sync`` keeps it in step with its file), an
    empty file (422), a file over 1 MB (413)."""
    return onboarding_files.preview_file(data["content"], data["filename"], _host()).as_dict()


@platform_blp.route("/tenant-files", methods=["POST"])
@platform_blp.arguments(TenantFileUploadSchema)
@platform_blp.response(201, TenantFilePreviewSchema)
@access(Role.PLATFORM_ADMIN)
def apply_tenant_file(data):
    """A new tenant from a tenant file, all or nothing: the changes made. Refused: any
    problem of the file (422, ``content``: each problem by its entry and field, with its
    clause; nothing is written), a tenant that exists already (409, ``slug``). Audited in
    the new tenant's log, as ``tenants sync`` audits."""
    preview = onboarding_files.apply_file(data["content"], data["filename"], _host())
    transactions.commit()
    return preview.as_dict()


@blp.route("", methods=["POST"])
@blp.arguments(OrganisationAddSchema)
@blp.response(201, OrganisationSchema)
@access(Role.TENANT_ADMIN)
def add_organisation(data):
    """An organisation takes part in the tenant: an organisation the platform knows is
    found by its code (not duplicated; its name and kind stay the platform's), else it is
    created from ``name`` and ``kind`` (and ``administered_by``, an existing code).
    Refused: it takes part already (409, ``code``); a new one without a name or kind, an
    unknown ``administered_by`` (422, naming the field). Audited."""
    org = onboarding.add_organisation(current_tenant(), data, current_person())
    transactions.commit()
    return org
