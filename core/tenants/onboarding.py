"""A municipality onboarded in the browser (issue #18, item 4;
docs/decisions/0048-onboarding-in-the-browser.md).

The platform administrator creates a tenant: its name, its slug, its plan period, the
plugins installed on the platform that it uses, the municipality as an organisation (an
existing one found by its code, never a second), and its first secretariat person, invited
by mail as the people pages invite (core/identity/people.py) and made an administrator of
the tenant. The tenant's secretariat then adds the organisations taking part: an
organisation the platform knows (KAB, in many municipalities) is found by its code and
joined, not duplicated.

Every refusal names its field (422; a slug already taken 409) and writes nothing; every
change is in the new tenant's hash-chained audit log. Operations flush, never commit.
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import current_app
from werkzeug.exceptions import HTTPException

from core.audit import operations as audit
from core.errors import refuse
from core.extensions import db
from core.organisations.models import Organisation, OrganisationKind
from core.tenancy import all_tenants, tenant_scope
from core.tenants.models import Participation, Tenant, TenantAdmin

#: A slug: lowercase letters, digits and hyphens, starting with a letter (it is the first
#: part of every address of the tenant, /<slug>/…).
SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
#: An organisation's code as the tenant files write it (``KAB``, ``TST-B``).
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


def _invalid(field: str, message: str, status: int = 422):
    refuse(status, message=("The input conflicts with what exists" if status == 409 else "The input is invalid")
           + "; see errors for each field.", errors={"json": {field: [message]}})


def installed_plugins(host) -> list[str]:
    """The rule plugins installed on the platform (the plugin host's entry points, group
    ``kommissorium``), by name: what a new tenant may choose from."""
    return host.plugin_names


def reserved_slugs() -> set[str]:
    """The first parts of the platform's own addresses (``log-ind``, ``api``, ``platform``
    …): a tenant named so would hide them, or they it."""
    out = set()
    for rule in current_app.url_map.iter_rules():
        first = rule.rule.strip("/").split("/", 1)[0]
        if first and "<" not in first:
            out.add(first)
    return out


def _check_slug(slug: str) -> str:
    slug = (slug or "").strip()
    if not SLUG.match(slug):
        _invalid("slug", "Brug 3-40 små bogstaver (a-z), tal og bindestreg; først et bogstav.")
    if slug in reserved_slugs():
        _invalid("slug", "Adressen bruges af platformen selv; vælg en anden.", 409)
    with all_tenants():
        if db.session.scalar(sa.select(Tenant.id).filter_by(slug=slug)) is not None:
            _invalid("slug", "En kommune på platformen har allerede denne adresse.", 409)
    return slug


def find_or_create_organisation(code: str, name: str | None, kind: str | None,
                                field: str = "code") -> tuple[Organisation, bool]:
    """The organisation with ``code`` (its spelling as the platform has it; matched without
    regard to case), else a new one named ``name`` of ``kind``; ``(organisation, created)``.
    An existing organisation keeps its name and kind: it is shared by every tenant."""
    code = (code or "").strip()
    if not CODE.match(code):
        _invalid(field, "Skriv organisationens kode: bogstaver, tal, bindestreg, højst 32 tegn.")
    with all_tenants():
        found = db.session.scalar(sa.select(Organisation).where(sa.func.lower(Organisation.code) == code.lower()))
        if found is not None:
            return found, False
        name = (name or "").strip()
        if not name:
            _invalid("name", "Platformen kender ingen organisation med koden; skriv dens navn for at oprette den.")
        if len(name) > 200:
            _invalid("name", "Højst 200 tegn.")
        try:
            kind = OrganisationKind(kind)
        except ValueError:
            _invalid("kind", "Vælg organisationens slags.")
        org = Organisation(code=code, name=name, kind=kind)
        db.session.add(org)
        db.session.flush()
    return org, True


def _organisation_payload(org: Organisation) -> dict:
    return {"code": org.code, "name": org.name, "kind": org.kind.value,
            "administered_by": org.administered_by.code if org.administered_by else None}


def create_tenant(data: dict, by, host) -> Tenant:
    """A new tenant from ``data`` (``name``, ``slug``, ``plan``, ``period_start``,
    ``period_end``, ``plugins``, ``timezone``, ``organisation`` — the municipality's code,
    with ``organisation_name`` where the platform does not know it — and the first
    secretariat person's ``secretary_email``, ``secretary_name``, ``secretary_language``).
    The secretary is invited by mail to act for the municipality and administers the
    tenant from the start."""
    from core.identity import people

    slug = _check_slug(data.get("slug"))
    name = (data.get("name") or "").strip()
    if not name:
        _invalid("name", "Skriv kommunens navn.")
    plugins = list(dict.fromkeys(data.get("plugins") or []))
    unknown = [p for p in plugins if p not in installed_plugins(host)]
    if unknown:
        _invalid("plugins", f"Ikke installeret på platformen: {', '.join(unknown)}.")
    start, end = data.get("period_start"), data.get("period_end")
    if start is not None and end is not None and end < start:
        _invalid("period_end", "Perioden slutter før den begynder.")
    org, org_created = find_or_create_organisation(
        data.get("organisation"), data.get("organisation_name"), OrganisationKind.MUNICIPALITY.value,
        field="organisation")
    with all_tenants():
        tenant = Tenant(slug=slug, name=name, plan=(data.get("plan") or "").strip(), plugins=plugins,
                        organisation=org, period_start=start, period_end=end,
                        timezone=data.get("timezone") or "Europe/Copenhagen")
        db.session.add(tenant)
        db.session.flush()
    with tenant_scope(tenant.id):
        db.session.add(Participation(tenant_id=tenant.id, organisation_id=org.id))
        db.session.flush()
        audit.record("tenant.created", f"tenant:{tenant.id}", {
            "slug": slug, "name": name, "plan": tenant.plan, "plugins": plugins,
            "period_start": _day(start), "period_end": _day(end), "timezone": tenant.timezone,
            "organisation": org.code, "by": _by(by)}, actor_id=by.id)
        if org_created:
            audit.record("organisation.created", f"organisation:{org.id}",
                         {**_organisation_payload(org), "by": _by(by)}, actor_id=by.id)
        audit.record("party.added", f"organisation:{org.id}", {"organisation": org.code, "by": _by(by)},
                     actor_id=by.id)
        try:
            secretary, _changed = people.invite(tenant, {
                "email": data.get("secretary_email") or "", "name": data.get("secretary_name"),
                "organisation": org.code, "language": data.get("secretary_language") or "da"}, by)
        except HTTPException as exc:  # the invitation's fields are the secretary's here
            errors = ((getattr(exc, "data", None) or {}).get("errors") or {}).get("json") or {}
            for field in ("email", "name", "language"):
                if field in errors:
                    errors["secretary_" + field] = errors.pop(field)
            raise
        db.session.add(TenantAdmin(tenant_id=tenant.id, user_id=secretary.id))
        db.session.flush()
        audit.record("admin.added", f"user:{secretary.id}", {"by": _by(by)}, actor_id=by.id)
    return tenant


def _by(user) -> str:
    return f"user:{user.id}"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --------------------------------------------------------------------------- organisations


def participating(tenant) -> list[Organisation]:
    """The organisations taking part in the tenant, by code."""
    return list(db.session.scalars(
        sa.select(Organisation).join(Participation, Participation.organisation_id == Organisation.id)
        .where(Participation.tenant_id == tenant.id).order_by(Organisation.code)))


def known_organisations() -> list[Organisation]:
    """Every organisation on the platform (codes and names are public, as each tenant's
    list of organisations is): for the secretariat to find one rather than make it again."""
    with all_tenants():
        return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.code)))


def add_organisation(tenant, data: dict, by) -> Organisation:
    """The organisation with ``code`` takes part in the tenant: an existing one is found
    (its name and kind stay as the platform has them), else it is created from ``name``,
    ``kind`` and ``administered_by`` (an existing organisation's code). Refused with 409
    where it takes part already."""
    admin = None
    if data.get("administered_by"):
        with all_tenants():
            admin = db.session.scalar(sa.select(Organisation).where(
                sa.func.lower(Organisation.code) == data["administered_by"].strip().lower()))
        if admin is None:
            _invalid("administered_by", "Platformen kender ingen organisation med denne kode.")
    org, created = find_or_create_organisation(data.get("code"), data.get("name"), data.get("kind"))
    if created and admin is not None:
        org.administered_by = admin
        db.session.flush()
    if org in participating(tenant):
        _invalid("code", f"{org.name} ({org.code}) deltager allerede i kommunen.", 409)
    db.session.add(Participation(tenant_id=tenant.id, organisation_id=org.id))
    db.session.flush()
    if created:
        audit.record("organisation.created", f"organisation:{org.id}",
                     {**_organisation_payload(org), "by": _by(by)}, actor_id=by.id)
    audit.record("party.added", f"organisation:{org.id}", {"organisation": org.code, "by": _by(by)},
                 actor_id=by.id)
    return org
