"""The bodies' pages: a body's kommissorium in plain language with its seats and rules, and
the secretariat's overview of every body (seats, vacancies, links to the year's meetings
and compliance). The labels of seat roles, competence and approval modes are here too, for
every page that shows them."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.bodies import operations as bodies
from core.bodies import changing, creating, rule_facts, rules_views, seats
from core.bodies.schemas import (
    BodyChangeSchema,
    BodyCreateSchema,
    BodyFactsChangeSchema,
    SeatCreateSchema,
    SeatEndSchema,
    SeatHolderSchema,
)
from core.identity.permissions import Role, access, current_person, role_in_tenant
from core.tenancy import current_tenant, tenant_hooks
from core.web import N_, bp
from core.web.forms import act, filled_values, form_lines, load, refuse_field

#: The templates of these pages (``templates/bodies/``).
templates = Blueprint("bodies_templates", __name__, template_folder="templates")

APPROVAL_MODES = {
    "email": N_("Godkendes af medlemmerne på mail"),
    "next_meeting": N_("Godkendes på næste møde"),
    "board": N_("Godkendes af bestyrelsen"),
    "tacit": N_("Godkendes stiltiende, når intet medlem gør indsigelse"),
    "none": N_("Kommissoriet siger intet om godkendelse"),
}
ROLES = {
    "member": N_("Medlem"),
    "chair": N_("Formand"),
    "meeting_leader": N_("Mødeleder"),
    "secretary": N_("Sekretær"),
    "observer": N_("Observatør"),
}
COMPETENCE = {"decides": N_("Besluttende"), "advises": N_("Rådgivende"),
              "limited": N_("Begrænset kompetence")}


@bp.app_context_processor
def _labels():
    from flask_babel import gettext as _

    return {
        "APPROVAL_MODES": {k: _(v) for k, v in APPROVAL_MODES.items()},
        "ROLES": {k: _(v) for k, v in ROLES.items()},
        "COMPETENCE": {k: _(v) for k, v in COMPETENCE.items()},
        "rule_source": rule_source,
    }


def rule_source(source: str) -> str:
    """Where a rule of the kommissorium page lives, in words: the platform's default, the
    municipality's settings (its tenant file or the secretariat's form) or its rule plugin."""
    if source == "core":
        return _("platformens standard")
    if source.startswith("tenants/"):
        return _("kommunens opsætning")
    return _("kommunens regelmodul (%(name)s)", name=source)


@bp.route("/<tenant>/organer/<key>")
@access(Role.PUBLIC)
def body(key: str):
    body = bodies.get_body(key)
    info = SimpleNamespace(**bodies.describe_body(body, g.tenant, tenant_hooks()))
    user = current_person()
    manages = user is not None and role_in_tenant(user, g.tenant) >= Role.TENANT_ADMIN
    return render_template("bodies/body.html", tenant=g.tenant, body=info, manages=manages)


@bp.route("/<tenant>/sekretariat")
@access(Role.TENANT_ADMIN)
def secretariat():
    """The secretariat's overview: every body, its seats (vacancies), meetings and compliance."""
    return render_template("bodies/secretariat.html", tenant=g.tenant, bodies=bodies.list_bodies(),
                           year=clock.now().year, templates=creating.templates(),
                           body_kinds={k: _(v) for k, v in KINDS.items()})


#: The kinds of body as the pages name them.
KINDS = {
    "board": N_("Bestyrelse"), "resource_group": N_("Ressourcegruppe"),
    "steering_group": N_("Styregruppe"), "secretariat": N_("Sekretariat"),
    "follow_group": N_("Følgegruppe"), "coordination_group": N_("Koordinationsgruppe"),
    "forum": N_("Forum"), "district_board": N_("Områdebestyrelse"), "local_group": N_("Lokalgruppe"),
    "political_committee": N_("Politisk udvalg"), "theme_group": N_("Temagruppe"),
    "area_group": N_("Områdegruppe"), "sub_group": N_("Undergruppe"),
    "executive_committee": N_("Forretningsudvalg"),
}
#: The new body form's fields as the page labels them.
BODY_FIELDS = {
    "key": N_("Nøgle"), "name": N_("Navn"), "kind": N_("Slags"), "template": N_("Skabelon"),
    "meetings_per_year": N_("Møder om året"), "notice_days": N_("Dagsorden dage før mødet"),
    "submission_deadline_days": N_("Punkter senest dage før mødet"),
    "minutes_due_days": N_("Referat senest dage efter mødet"),
    "approval_mode": N_("Godkendelse af referatet"), "approval_due_days": N_("Godkendelse inden dage"),
}


@bp.route("/<tenant>/sekretariat/organer", methods=["POST"])
@access(Role.TENANT_ADMIN)
def create_body():
    """A new body from a template of its kind (the API's ``POST …/bodies``)."""

    def action():
        values = filled_values(*BODY_FIELDS)
        return creating.create_body(load(BodyCreateSchema(), values), current_person(),
                                    current_tenant(), tenant_hooks())

    return act(action, _("Organet er oprettet. Tilføj dets pladser."), url_for("web.secretariat"),
               then=lambda body: url_for("web.body_seats", key=body.key), labels=BODY_FIELDS)


# ------------------------------------------------------------- the secretariat's kommissorium

#: The kommissorium form's parameters as the page labels them.
PARAMETER_FIELDS = {
    "name": N_("Navn"), "competence": N_("Kompetence"), "competence_note": N_("Kompetencen i én sætning"),
    "meetings_per_year": N_("Møder om året"), "notice_days": N_("Dagsorden dage før mødet"),
    "submission_deadline_days": N_("Punkter senest dage før mødet"),
    "minutes_due_days": N_("Referat senest dage efter mødet"),
    "approval_mode": N_("Godkendelse af referatet"), "approval_due_days": N_("Godkendelse inden dage"),
}


def _whole(typed: str):
    """A number field as typed: a whole number as one (the API's schema takes numbers only)."""
    return int(typed) if typed.isdigit() else typed


def _labels_of_the_kommissorium_form() -> dict:
    return {**PARAMETER_FIELDS, **rules_views.labels()}


@bp.route("/<tenant>/organer/<key>/rediger")
@access(Role.TENANT_ADMIN)
def edit_body(key: str):
    """The secretariat's form for the body's name, kommissorium parameters and rules (the
    building blocks of a tenant file's ``[bodies.rules]``)."""
    body = bodies.get_body(key)
    return render_template("bodies/edit.html", tenant=g.tenant, body=body,
                           rules=rules_views.shown(body.rules or {}), blocks=rules_views.FIELDS,
                           common=rules_views.COMMON, block_labels=rules_views.BLOCK_LABELS)


@bp.route("/<tenant>/organer/<key>/rediger", methods=["POST"])
@access(Role.TENANT_ADMIN)
def change_body(key: str):
    """The API's ``PATCH …/bodies/<key>``: a field left empty is not set (the default)."""
    body = bodies.get_body(key)

    def action():
        typed = {n: request.form.get(n, "").strip() for n in PARAMETER_FIELDS}
        values = {n: _whole(v) if v else None for n, v in typed.items()}
        values["rules"] = rules_views.from_form(request.form, body.rules or {})
        return changing.change_body(body, load(BodyChangeSchema(), values), current_person(),
                                    current_tenant(), tenant_hooks())

    return act(action, _("Kommissoriet er gemt."), url_for("web.edit_body", key=key),
               then=lambda _changed: url_for("web.body", key=key),
               labels=_labels_of_the_kommissorium_form())


# ------------------------------------------------------------------ the facts the rules read
# The API's ``PATCH …/bodies/<key>/facts`` (core/bodies/rule_facts.py) from a form: one line
# per district, plan and grant ("plan: KODE, KODE").

FACT_FIELDS = {
    "districts": N_("Bydele"), "plans": N_("Helhedsplaner"), "grants": N_("Bevillinger"),
    "information_recipients": N_("Modtager materialet til orientering"),
    "parent": N_("Organet indstiller og rapporterer til"),
}


def _grant_lines(lines: list[str]) -> list[dict] | None:
    grants = []
    for line in lines:
        plan, colon, codes = line.rpartition(":")
        if not colon or not plan.strip():
            return None
        grants.append({"plan": plan.strip(),
                       "organisations": [c for c in codes.replace(",", " ").split() if c]})
    return grants


def _facts_page(body):
    others = [b for b in creating.templates() if b.key != body.key]
    facts = rule_facts.facts_of(body)
    grant_lines = "\n".join(f"{grant['plan']}: {', '.join(grant['organisations'])}" for grant in facts["grants"])
    return render_template("bodies/facts.html", tenant=g.tenant, body=body, facts=facts,
                           grant_lines=grant_lines, bodies=others,
                           organisations=seats.seat_organisations(g.tenant))


@bp.route("/<tenant>/organer/<key>/fakta")
@access(Role.TENANT_ADMIN)
def body_facts(key: str):
    """The secretariat's form for the facts the body's rules read: districts, plans, the
    grants of its plans, who receives its material for information, whom it reports to."""
    return _facts_page(bodies.get_body(key))


@bp.route("/<tenant>/organer/<key>/fakta", methods=["POST"])
@access(Role.TENANT_ADMIN)
def change_body_facts(key: str):
    """The API's ``PATCH …/bodies/<key>/facts``: what the form sends replaces the facts."""
    body = bodies.get_body(key)
    back = url_for("web.body_facts", key=key)

    def action():
        grants = _grant_lines(form_lines("grants"))
        if grants is None:
            creating._invalid({"grants": [_("Skriv én bevilling pr. linje: «plan: KODE, KODE».")]})
        values = {"districts": form_lines("districts"), "plans": form_lines("plans"), "grants": grants,
                  "information_recipients": request.form.getlist("information_recipients"),
                  "parent": request.form.get("parent") or None}
        return rule_facts.change_facts(body, load(BodyFactsChangeSchema(), values), current_person(),
                                       current_tenant(), tenant_hooks())

    return act(action, _("Fakta er gemt."), back, then=lambda _changed: url_for("web.body", key=key),
               labels=FACT_FIELDS)


# ------------------------------------------------------------------ the secretariat's seats
# The same operations as the API (core/bodies/seats.py): a refused form keeps nothing and
# shows what was typed with each message by its field (core/web/forms.py).

#: The seat forms' fields as the pages label them (the error summary names them so).
SEAT_FIELDS = {
    "key": N_("Nøgle"), "title": N_("Titel"), "organisation": N_("Organisation"),
    "role": N_("Rolle"), "voting": N_("Stemmeret"), "holder": N_("Indehaver"),
    "valid_from": N_("Fra og med"), "valid_to": N_("Til og med"), "ended_on": N_("Nedlægges fra"),
    "seats": N_("Pladser"),
}


#: The holder a form sends for a seat left vacant from a date.
VACANT = "ledig"


def _seat_page_context(body) -> dict:
    organisations = seats.seat_organisations(g.tenant)
    return {"tenant": g.tenant, "body": body, "today": clock.today(),
            "organisations": organisations,
            "people": {o.code: seats.candidates(o) for o in organisations}}


@bp.route("/<tenant>/organer/<key>/pladser")
@access(Role.TENANT_ADMIN)
def body_seats(key: str):
    """The secretariat's page of a body's seats: each seat with today's holder, and a form
    to add a seat from a day."""
    body = bodies.get_body(key)
    return render_template("bodies/seats.html", **_seat_page_context(body))


@bp.route("/<tenant>/organer/<key>/pladser", methods=["POST"])
@access(Role.TENANT_ADMIN)
def add_seat(key: str):
    body = bodies.get_body(key)

    def action():
        values = filled_values("key", "title", "organisation", "role", "holder", "valid_from",
                               "valid_to")
        values["voting"] = "voting" in request.form
        return seats.add_seat(body, load(SeatCreateSchema(), values), current_person(),
                              current_tenant(), tenant_hooks())

    return act(action, _("Pladsen er tilføjet."), url_for("web.body_seats", key=key),
               then=lambda seat: url_for("web.body_seat", key=key, seat_key=seat.key),
               labels=SEAT_FIELDS)


@bp.route("/<tenant>/organer/<key>/pladser/<seat_key>")
@access(Role.TENANT_ADMIN)
def body_seat(key: str, seat_key: str):
    """One seat: who held it from when to when, a form for a new holder from a day, and
    one to end the seat."""
    body = bodies.get_body(key)
    seat = seats.get_seat(body, seat_key)
    return render_template("bodies/seat.html", seat=seat, VACANT=VACANT,
                           candidates=seats.candidates(seat.organisation),
                           **_seat_page_context(body))


@bp.route("/<tenant>/organer/<key>/pladser/<seat_key>/indehaver", methods=["POST"])
@access(Role.TENANT_ADMIN)
def change_seat_holder(key: str, seat_key: str):
    body = bodies.get_body(key)
    seat = seats.get_seat(body, seat_key)

    back = url_for("web.body_seat", key=key, seat_key=seat_key)
    # a person, or «Ledig» chosen on purpose: nothing chosen is not a vacancy
    if not request.form.get("holder", "").strip():
        return refuse_field(back, "holder", _("vælg en person eller «Ledig»."), SEAT_FIELDS)

    def action():
        values = filled_values("holder", "valid_from", "valid_to")
        if values.get("holder") == VACANT:
            values["holder"] = None
        data = load(SeatHolderSchema(), values)
        return seats.change_holder(body, seat, data, current_person(), current_tenant(),
                                   tenant_hooks())

    return act(action, _("Pladsens indehaver er ændret."), back, labels=SEAT_FIELDS)


@bp.route("/<tenant>/organer/<key>/pladser/<seat_key>/nedlaeg", methods=["POST"])
@access(Role.TENANT_ADMIN)
def end_seat(key: str, seat_key: str):
    body = bodies.get_body(key)
    seat = seats.get_seat(body, seat_key)

    def action():
        data = load(SeatEndSchema(), filled_values("ended_on"))
        return seats.end_seat(body, seat, data, current_person(), current_tenant(), tenant_hooks())

    back = url_for("web.body_seat", key=key, seat_key=seat_key)
    return act(action, _("Pladsen er nedlagt."), back, labels=SEAT_FIELDS)
