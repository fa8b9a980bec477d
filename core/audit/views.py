"""The secretariat's history page (core/audit/history.py): who changed which person, seat,
body or organisation, when, from what, to what, newest first, a page at a time (the API's
``GET …/history``)."""

from __future__ import annotations

import re

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _

from core import clock
from core.audit import history as administration
from core.errors import refuse
from core.identity.permissions import Role, access
from core.web import N_, bp

#: The templates of this page (``templates/audit/``).
templates = Blueprint("audit_templates", __name__, template_folder="templates")

#: What each action of the administration is called on the page.
ACTIONS = {
    "person.invited": N_("Person inviteret"), "person.created": N_("Person oprettet"),
    "person.renamed": N_("Navn rettet"), "person.affiliated": N_("Tilknytning tilføjet"),
    "person.affiliation_ended": N_("Tilknytning afsluttet"),
    "seat.created": N_("Plads tilføjet"), "seat.holder_changed": N_("Ny indehaver af en plads"),
    "seat.ended": N_("Plads nedlagt"), "seat.changed": N_("Plads ændret"),
    "seat.reopened": N_("Plads genåbnet"),
    "body.created": N_("Organ oprettet"), "body.changed": N_("Organ ændret"),
    "body.reopened": N_("Organ genåbnet"), "body.recipient_added": N_("Modtager af materiale tilføjet"),
    "body.recipient_removed": N_("Modtager af materiale fjernet"),
    "organisation.created": N_("Organisation oprettet"), "organisation.changed": N_("Organisation ændret"),
    "party.added": N_("Organisation deltager i planen"), "party.removed": N_("Organisation deltager ikke længere"),
    "party.hearing_contact": N_("Høringskontakt ændret"),
    "admin.added": N_("Føjet til sekretariatet"), "admin.removed": N_("Fjernet fra sekretariatet"),
    "tenant.created": N_("Kommunen oprettet"),
    "tenant.idp_added": N_("Login-udbyder tilføjet"), "tenant.idp_changed": N_("Login-udbyder ændret"),
    "tenant.idp_disabled": N_("Login-udbyder deaktiveret"),
}
#: The payload's keys as the page names them.
KEYS = {
    "organisation": N_("Organisation"), "valid_from": N_("Fra og med"), "valid_to": N_("Til og med"),
    "ended_on": N_("Fra"), "holder": N_("Indehaver"), "name": N_("Navn"), "title": N_("Titel"),
    "role": N_("Rolle"), "is_voting": N_("Stemmeret"), "body": N_("Organ"), "key": N_("Nøgle"),
    "affiliation": N_("Tilknytning"), "account_created": N_("Ny konto"), "login": N_("Login"),
    "changes": N_("Ændringer"),
}
LOGINS = {"password_link": N_("link til at vælge adgangskode"),
          "provider": N_("organisationens login"), "login": N_("sin adgangskode")}


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _shown(value, names: dict) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, str) and value.startswith("user:"):
        return names.get(value, value)
    if isinstance(value, str) and (day := _ISO_DATE.match(value)):
        return f"{day[3]}.{day[2]}.{day[1]}"
    if isinstance(value, dict):
        return ", ".join(f"{_(KEYS[k]) if k in KEYS else k}: {_shown(v, names)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_shown(v, names) for v in value)
    return str(value)


def describe(entry, names: dict) -> dict:
    """One entry as the page shows it: when, who, what, about whom or what, and each change
    as "field: from → to" (people by their name today)."""
    from core.identity.people import name_digest

    changes = []
    for key, value in entry.payload.items():
        if key == "by":
            continue
        label = _(KEYS[key]) if key in KEYS else key
        if key == "login":
            value = _(LOGINS[value]) if value in LOGINS else value
        if key == "name" and isinstance(value, dict) and entry.action == "person.renamed":
            now = names.get(entry.subject, "")
            # a name is kept as a keyed hash: shown where it is the person's name today
            to = now if now and name_digest(now) == value.get("to") else _("et senere rettet navn")
            changes.append(f"{label}: → {to}")
        elif isinstance(value, dict) and set(value) == {"from", "to"}:
            changes.append(f"{label}: {_shown(value['from'], names)} → {_shown(value['to'], names)}")
        elif value is not None:
            changes.append(f"{label}: {_shown(value, names)}")
    local = entry.at.astimezone(clock.tenant_zone())
    return {
        "seq": entry.seq, "at": local,
        "who": names.get(f"user:{entry.actor_id}", "") if entry.actor_id is not None else _("Kommunens datafil"),
        "what": _(ACTIONS[entry.action]) if entry.action in ACTIONS else entry.action,
        "about": names.get(entry.subject) or _shown(entry.payload.get("key") or entry.subject, names),
        "changes": changes,
    }


@bp.route("/<tenant>/sekretariat/historik")
@access(Role.TENANT_ADMIN)
def history():
    """The administration's history, 25 entries a page (``?side=2``)."""
    raw = request.args.get("side", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        refuse(422, message="The input is invalid; see errors for each field.",
               errors={"query": {"side": ["Siden skal være et helt tal fra 1."]}})
    result = administration.page(int(raw))
    names = administration.names(result["entries"])
    return render_template("audit/history.html", tenant=g.tenant, page=result["page"], pages=result["pages"],
                           total=result["total"], entries=[describe(e, names) for e in result["entries"]])
