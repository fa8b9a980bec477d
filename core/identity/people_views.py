"""The secretariat's pages of the tenant's people (core/identity/people.py): the invitation
form on the people's list (core/identity/account_views.py), and a person's page to edit the name, add an affiliation
and end one from a date. The same operations as the API (core/identity/people_api.py): a
refused form keeps nothing and shows what was typed with each message by its field
(core/web/forms.py)."""

from __future__ import annotations

from flask import g, render_template, url_for
from flask_babel import gettext as _

from core import clock
from core.identity import people
from core.identity.permissions import Role, access, current_person
from core.identity.schemas import AffiliationCreateSchema, AffiliationEndSchema, InvitationSchema, PersonNameSchema
from core.tenancy import current_tenant
from core.web import N_, bp
from core.web.forms import act, filled_values, load

#: The people forms' fields as the pages label them (the error summary names them so).
PERSON_FIELDS = {
    "email": N_("E-mail"), "name": N_("Navn"), "organisation": N_("Organisation"),
    "language": N_("Sprog i mails"), "valid_from": N_("Fra og med"), "ended_on": N_("Afsluttes fra"),
}


@bp.route("/<tenant>/personer", methods=["POST"])
@access(Role.TENANT_ADMIN)
def invite_person():
    """Invite a person by e-mail (the API's ``POST …/people``)."""
    def action():
        data = load(InvitationSchema(), filled_values("email", "name", "organisation", "language"))
        return people.invite(current_tenant(), data, current_person())[0]

    return act(action, _("Personen er inviteret, og invitationen er lagt til afsendelse."),
               url_for("web.people"), then=lambda user: url_for("web.person", user_id=user.id),
               labels=PERSON_FIELDS)


@bp.route("/<tenant>/personer/<int:user_id>")
@access(Role.TENANT_ADMIN)
def person(user_id: int):
    """One person as the secretariat sees them: name, e-mail, the affiliations with the
    tenant's organisations (ended ones too), today's seats here; forms to edit the name,
    add an affiliation and end one from a date."""
    tenant = current_tenant()
    user = people.get_person(tenant, user_id)
    return render_template("identity/person.html", tenant=g.tenant, person=people.describe(tenant, user),
                           organisations=people.tenant_organisations(tenant), today=clock.today())


@bp.route("/<tenant>/personer/<int:user_id>/navn", methods=["POST"])
@access(Role.TENANT_ADMIN)
def rename_person(user_id: int):
    tenant = current_tenant()
    user = people.get_person(tenant, user_id)

    def action():
        return people.rename(tenant, user, load(PersonNameSchema(), filled_values("name"))["name"],
                             current_person())

    return act(action, _("Navnet er rettet."), url_for("web.person", user_id=user_id),
               labels=PERSON_FIELDS)


@bp.route("/<tenant>/personer/<int:user_id>/tilknytninger", methods=["POST"])
@access(Role.TENANT_ADMIN)
def add_affiliation(user_id: int):
    tenant = current_tenant()
    user = people.get_person(tenant, user_id)

    def action():
        data = load(AffiliationCreateSchema(), filled_values("organisation", "valid_from"))
        return people.add_affiliation(tenant, user, data, current_person())

    return act(action, _("Tilknytningen er tilføjet."), url_for("web.person", user_id=user_id),
               labels=PERSON_FIELDS)


@bp.route("/<tenant>/personer/<int:user_id>/tilknytninger/<int:affiliation_id>/afslut", methods=["POST"])
@access(Role.TENANT_ADMIN)
def end_affiliation(user_id: int, affiliation_id: int):
    tenant = current_tenant()
    user = people.get_person(tenant, user_id)

    def action():
        data = load(AffiliationEndSchema(), filled_values("ended_on"))
        return people.end_affiliation(tenant, user, affiliation_id, data, current_person())

    return act(action, _("Tilknytningen er afsluttet fra datoen; den står i historikken."),
               url_for("web.person", user_id=user_id), labels=PERSON_FIELDS)
