"""JSON API: the tenant's secretariat invites people, edits their names and affiliations
(core/identity/people.py). Declared TENANT_ADMIN (the tenant's secretariat; the platform
administrator is above it, docs/permissions.md); a person who is not of the tenant, and an
affiliation with another tenant's organisation, answer 404."""

from __future__ import annotations

from core import transactions
from core.identity import people
from core.identity.permissions import Role, access, current_person
from core.identity.schemas import (
    AffiliationCreateSchema,
    AffiliationEndSchema,
    InvitationSchema,
    PersonDetailSchema,
    PersonNameSchema,
)
from core.openapi import Blueprint
from core.tenancy import bind_tenant, current_tenant

blp = Blueprint(
    "people_admin", __name__, url_prefix="/api/v1/tenants/<tenant>/people",
    description="The secretariat's people: invitations, names and affiliations (audited)",
)
bind_tenant(blp)


def _detail(user_id: int) -> dict:
    transactions.commit()
    tenant = current_tenant()
    return people.describe(tenant, people.get_person(tenant, user_id))


@blp.route("", methods=["POST"])
@blp.arguments(InvitationSchema)
@blp.response(201, PersonDetailSchema)
@blp.alt_response(200, schema=PersonDetailSchema,
                  description="Invited already: nothing new is written and no mail is sent.")
@access(Role.TENANT_ADMIN)
def invite(data):
    """Invite a person by e-mail to act for one of the tenant's organisations: a new account
    where nobody has the address, else the person who has it (never a second account); an
    affiliation from today; an invitation mail with a link to set a password, or to log in
    with the identity provider of the organisation or the tenant where one is configured.
    Refused (422, naming the field): an organisation not of the tenant, a new person
    without a name, an erased person's address, a disabled person. Audited."""
    user, changed = people.invite(current_tenant(), data, current_person())
    return _detail(user.id), 201 if changed else 200


@blp.route("/<int:user_id>")
@blp.response(200, PersonDetailSchema)
@access(Role.TENANT_ADMIN)
def get_person(user_id: int):
    """A person of the tenant as its secretariat sees them: name, e-mail, the affiliations
    with the tenant's organisations (ended ones too), today's seats here."""
    tenant = current_tenant()
    return people.describe(tenant, people.get_person(tenant, user_id))


@blp.route("/<int:user_id>", methods=["PATCH"])
@blp.arguments(PersonNameSchema)
@blp.response(200, PersonDetailSchema)
@access(Role.TENANT_ADMIN)
def rename(data, user_id: int):
    """The person's name; the same name again changes nothing. Audited."""
    tenant = current_tenant()
    people.rename(tenant, people.get_person(tenant, user_id), data["name"], current_person())
    return _detail(user_id)


@blp.route("/<int:user_id>/affiliations", methods=["POST"])
@blp.arguments(AffiliationCreateSchema)
@blp.response(201, PersonDetailSchema)
@blp.alt_response(200, schema=PersonDetailSchema,
                  description="The person acts for the organisation already: nothing is written.")
@access(Role.TENANT_ADMIN)
def add_affiliation(data, user_id: int):
    """The person acts for one of the tenant's organisations from ``valid_from`` (today
    where not given). Audited."""
    tenant = current_tenant()
    added = people.add_affiliation(tenant, people.get_person(tenant, user_id), data, current_person())
    return _detail(user_id), 201 if added is not None else 200


@blp.route("/<int:user_id>/affiliations/<int:affiliation_id>/end", methods=["POST"])
@blp.arguments(AffiliationEndSchema)
@blp.response(200, PersonDetailSchema)
@access(Role.TENANT_ADMIN)
def end_affiliation(data, user_id: int, affiliation_id: int):
    """The person no longer acts for the organisation from ``ended_on``; the affiliation is
    kept as history. Refused (422, ``ended_on``) while they hold a seat of that organisation
    here on that day or later, or on or before its first day. Ending it again from the same
    day changes nothing. Audited."""
    tenant = current_tenant()
    people.end_affiliation(tenant, people.get_person(tenant, user_id), affiliation_id, data,
                           current_person())
    return _detail(user_id)
