"""The pages of a person's account and of the people in a tenant: "Min konto" across
tenants (tenants, bodies and seats, personal API tokens, the personal data as a file,
erasing the account, the calendar feed and its secret address for calendar programs), the
tenant's people with the platform administrator's export and erasure, and a body's contact
list. Logging in and out is in ``views``; the secretariat's outbox in
core/notifications/views.py.

Each page allows exactly what its API route allows (core/identity/api.py,
core/notifications/api.py): the same declared role, the same body check, the same
operation and schema. Erasure asks for an explicit confirmation on a page of its own.
Their templates are beside the identity pages' (``templates/identity/``).
"""

from __future__ import annotations

import json

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask import abort as flask_abort
from flask_babel import gettext as _
from flask_login import logout_user
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from core import clock
from core.bodies import operations as bodies
from core.extensions import db
from core.dashboard import operations as dashboard
from core.identity import operations as identity
from core.identity.models import User
from core.identity.permissions import Role, access, current_person, require, role_in_body
from core.identity.schemas import EraseSchema, MailSettingsSchema, TokenCreateSchema
from core.json_provider import IsoJSONProvider
from core.notifications import operations as notifications
from core.tenancy import current_tenant
from core.web import N_, bp
from core.web.forms import refuse_invalid

#: The form fields' names as the pages show them, for messages about bad input
#: (worded as on every page, core/web/forms.py).
FIELDS = {
    "name": N_("Navn"),
    "scope": N_("Adgang"),
    "confirm": N_("Bekræftelse"),
    "language": N_("Sprog i mails"),
    "daily_digest": N_("Én samlet mail om dagen"),
}
SCOPES = {"read": N_("Kun læse"), "write": N_("Læse og skrive")}



def _valid(schema, data: dict, page) -> dict | BaseResponse:
    """The form's input checked with the API's schema; on bad input, ``page`` (a function
    rendering the form's page) comes back with what was typed and a message by each field
    (core/web/forms.py), and nothing changes."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        return refuse_invalid(page, exc, FIELDS)


def _confirmed() -> dict:
    """The erase form's checkbox: unticked is ``False`` (refused as not ticked)."""
    return {"confirm": request.form.get("confirm") == "true"}


def _json_download(data: dict, filename: str) -> Response:
    # Dates (a waiting item's due day) in ISO 8601, as the API writes them (core/json_provider.py).
    resp = Response(json.dumps(data, ensure_ascii=False, indent=2, default=IsoJSONProvider.default),
                    mimetype="application/json")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _session_only() -> None:
    """As the API: managing tokens or erasing needs the person. Pages never accept an API
    token (core/identity/auth.py reads tokens on /api/ only); this keeps that true here."""
    if g.get("api_token_id") is not None:
        flask_abort(403)


# --------------------------------------------------------------------------- my account


def _account_page(new_token=None, new_feed=None, status: int = 200):
    user = current_person()
    resp = Response(render_template(
        "identity/account.html", me=dashboard.overview(user), user=user, tokens=identity.list_tokens(user),
        new_token=new_token, scopes={k: _(v) for k, v in SCOPES.items()},
        feed=identity.calendar_feed(user), new_feed=new_feed,
    ), status=status)
    if new_token is not None or new_feed is not None:
        resp.headers["Cache-Control"] = "no-store"  # the token or address is shown this once
    return resp


@bp.route("/min-konto")
@access(Role.AUTHENTICATED)
def account():
    """The logged-in person's account across tenants (GET /api/v1/me, /me/tokens)."""
    return _account_page()


@bp.route("/min-konto/noegler", methods=["POST"])
@access(Role.AUTHENTICATED)
def create_token():
    """Create a personal API token (POST /api/v1/me/tokens); the page shows it this once,
    answered directly rather than through a redirect, so the token is never stored in
    the session."""
    _session_only()
    name = request.form.get("name", "").strip()
    data = _valid(TokenCreateSchema(), {**({"name": name} if name else {}),
                                        "scope": request.form.get("scope", "read")}, _account_page)
    if isinstance(data, BaseResponse):
        return data
    row, token = identity.create_token(current_person(), data["name"], data["scope"])
    db.session.commit()
    flash(_("Nøglen «%(name)s» er oprettet.", name=row.name), "success")
    return _account_page(new_token=(row, token), status=201)


@bp.route("/min-konto/noegler/tilbagekald", methods=["POST"])
@access(Role.AUTHENTICATED)
def revoke_token():
    """Revoke one of the person's tokens (DELETE /api/v1/me/tokens/<id>); another person's
    token is as if it did not exist (404)."""
    token_id = request.form.get("token", "")
    token = identity.get_own_token(current_person(), int(token_id)) if token_id.isdigit() else None
    if token is None:
        flask_abort(404)
    identity.revoke_token(token)
    db.session.commit()
    flash(_("Nøglen «%(name)s» er tilbagekaldt; den virker ikke længere.", name=token.name), "success")
    return redirect(url_for("web.account") + "#noegler")


@bp.route("/min-konto/kalender", methods=["POST"])
@access(Role.AUTHENTICATED)
def create_calendar_feed():
    """Make the person's secret calendar address, or a new one in place of the old (POST
    /api/v1/me/calendar-feed); the page shows it this once, answered directly (not through
    a redirect), so the address is never stored in the session."""
    _session_only()
    replaced = identity.calendar_feed(current_person()) is not None
    secret = identity.create_calendar_feed(current_person())[1]
    db.session.commit()
    flash(_("Du har fået en ny kalenderadresse; den gamle virker ikke længere.") if replaced
          else _("Din kalenderadresse er oprettet."), "success")
    return _account_page(new_feed=notifications.feed_address(secret), status=201)


@bp.route("/min-konto/kalender/sluk", methods=["POST"])
@access(Role.AUTHENTICATED)
def delete_calendar_feed():
    """Switch the person's calendar address off (DELETE /api/v1/me/calendar-feed)."""
    if identity.delete_calendar_feed(current_person()):
        db.session.commit()
        flash(_("Din kalenderadresse er slået fra; kalenderprogrammer kan ikke længere hente den."),
              "success")
    return redirect(url_for("web.account") + "#kalender")


@bp.route("/min-konto/mails", methods=["POST"])
@access(Role.AUTHENTICATED)
def change_mail_settings():
    """The language of the person's mails and the daily digest (PATCH /api/v1/me/mail-settings)."""
    data = _valid(MailSettingsSchema(), {"language": request.form.get("language", ""),
                                         "daily_digest": request.form.get("daily_digest") == "true"},
                  _account_page)
    if isinstance(data, BaseResponse):
        return data
    identity.set_mail_settings(current_person(), data.get("language"), data.get("has_daily_digest"))
    db.session.commit()
    flash(_("Dine valg for mails er gemt."), "success")
    return redirect(url_for("web.account") + "#mails")


@bp.route("/min-konto/persondata")
@access(Role.AUTHENTICATED)
def my_personal_data():
    """Everything personal the platform holds about the person, as a JSON file
    (GET /api/v1/me/personal-data; GDPR art. 15 and 20)."""
    return _json_download(identity.export_personal_data(current_person()),
                          f"persondata-{clock.now():%Y-%m-%d}.json")


def _unconfirmed_erase(page) -> BaseResponse | None:
    """An erasure asked for from a session and confirmed goes ahead (``None``); without the
    ticked confirmation the erase ``page`` comes back with its message."""
    _session_only()
    refused = _valid(EraseSchema(), _confirmed(), page)
    return refused if isinstance(refused, BaseResponse) else None


@bp.route("/min-konto/slet", methods=["GET", "POST"])
@access(Role.AUTHENTICATED)
def erase_me():
    """Erase the person's account (POST /api/v1/me/erase, GDPR art. 17): the page explains
    what happens; the form needs the confirmation ticked; then the person is logged out."""
    def page():
        return render_template("identity/account_erase.html", me=dashboard.overview(current_person()),
                               tokens=identity.list_tokens(current_person()))

    if request.method == "GET":
        return page()
    refused = _unconfirmed_erase(page)
    if refused is not None:
        return refused
    identity.erase_user(current_person())
    db.session.commit()
    logout_user()
    flash(_("Din konto er slettet, og du er logget ud."), "success")
    return redirect(url_for("web.index"))


# --------------------------------------------------------------------------- the tenant's people


def _person(user_id: int) -> User:
    """A person of this tenant (a seat or its administration); others are 404 here."""
    if user_id not in {p["id"] for p in identity.tenant_people(current_tenant())}:
        flask_abort(404)
    user = db.session.get(User, user_id)
    if user is None:
        flask_abort(404)
    return user


@bp.route("/<tenant>/personer")
@access(Role.TENANT_ADMIN)
def people():
    """Everyone with a seat or the administration in the tenant, or invited by it (GET
    .../people), for its secretariat, with the form to invite a person
    (core/identity/people_views.py); the platform administrator also exports and erases
    (/users/<id>/...)."""
    from core.identity.people import tenant_organisations

    return render_template("identity/people.html", tenant=g.tenant,
                           people=identity.tenant_people(current_tenant()),
                           organisations=tenant_organisations(current_tenant()),
                           may_erase=current_person().is_platform_admin)


@bp.route("/<tenant>/personer/<int:user_id>/persondata")
@access(Role.PLATFORM_ADMIN)
def person_data(user_id: int):
    """A person's personal data as a JSON file (GET /api/v1/users/<id>/personal-data)."""
    return _json_download(identity.export_personal_data(_person(user_id)),
                          f"persondata-{user_id}-{clock.now():%Y-%m-%d}.json")


@bp.route("/<tenant>/personer/<int:user_id>/slet", methods=["GET", "POST"])
@access(Role.PLATFORM_ADMIN)
def erase_person(user_id: int):
    """Erase a person (POST /api/v1/users/<id>/erase) after an explicit confirmation."""
    person = _person(user_id)
    def page():
        return render_template("identity/person_erase.html", tenant=g.tenant, person=person)

    if request.method == "GET":
        return page()
    refused = _unconfirmed_erase(page)
    if refused is not None:
        return refused
    name = person.name
    identity.erase_user(person)
    db.session.commit()
    flash(_("%(name)s er slettet (gjort anonym).", name=name), "success")
    if person.id == current_person().id:
        logout_user()
        return redirect(url_for("web.index"))
    return redirect(url_for("web.people"))


# --------------------------------------------------------------------------- a body's contacts


@bp.route("/<tenant>/organer/<key>/kontakter")
@access(Role.MEMBER)
def body_contacts(key: str):
    """The body's members and their e-mail (GET .../bodies/<key>/contacts): for its members,
    its secretary and the secretariat; others who may see the body are refused (403)."""
    body = bodies.get_body(key)
    require(Role.MEMBER, body)
    return render_template("identity/contacts.html", tenant=g.tenant, body=body,
                           contacts=identity.body_contacts(body))


@bp.app_template_global()
def sees_contacts(key: str) -> bool:
    """Whether the logged-in person may open the body's contact list (a link shown or not)."""
    if current_person() is None:
        return False
    return role_in_body(current_person(), bodies.get_body(key)) >= Role.MEMBER
