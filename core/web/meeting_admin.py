"""The pages for what the meetings and decisions API can do beyond the meeting page's basics:
create a meeting (ordinary, or extraordinary under ALB-B7/SLA-7), move it, edit and reorder
agenda items, delegate a seat's mandate (KBH-7), dissents (SLA-6) on the minutes and on a
motion, correct final minutes (a new version), change one's vote, and the rules' dry run.

Handlers stay thin as in ``views``: the API's schemas validate the form, the feature's
operation decides, one commit, post/redirect/get. A refusal (409/422) or invalid input
changes nothing and renders the page the form was sent from again, with what was typed,
each message naming its field, and a rule's clause (core/web/forms.py).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import g, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

from core.bodies import operations as bodies
from core.bodies.models import Seat
from core.decisions import operations as decisions
from core.decisions.schemas import DissentCreateSchema, DryRunSchema, VoteChangeSchema
from core.extensions import db
from core.identity.permissions import Role, access, require
from core.meetings import operations as meetings
from core.meetings.models import MandateDelegation, MeetingState
from core.meetings.schemas import (
    CorrectionSchema,
    DelegationCreateSchema,
    DissentInputSchema,
    ItemUpdateSchema,
    MeetingCreateSchema,
    MeetingUpdateSchema,
)
from core.organisations.models import Organisation
from core.tenants.context import current_tenant, tenant_hooks
from core.web import N_, bp, tenant_zone
from core.web.forms import refusal_of
from core.web.views import (
    SEES,
    _act,
    _load,
    _meeting,
    _meeting_url,
    _user,
    _visible_motion,
)

#: The form fields' names as the pages show them, so a message names the field.
FIELDS = {
    "starts_at": N_("Tidspunkt"),
    "date": N_("Dato"),
    "time": N_("Klokkeslæt"),
    "kind": N_("Art"),
    "title": N_("Overskrift"),
    "duration_minutes": N_("Varighed i minutter"),
    "location": N_("Sted"),
    "online_url": N_("Link til onlinemøde"),
    "on_behalf_of": N_("Indkaldes på vegne af"),
    "call_reason": N_("Begrundelse for mødet"),
    "supporters": N_("Medlemmer, der står bag"),
    "case_text": N_("Sagsfremstilling"),
    "recommendation": N_("Indstilling"),
    "is_confidential": N_("Lukket punkt"),
    "confidentiality_reason": N_("Begrundelse for lukket punkt"),
    "guests": N_("Gæster"),
    "position": N_("Placering på dagsordenen"),
    "seat": N_("Plads"),
    "to_organisation": N_("Til organisation"),
    "to_person": N_("Til person (e-mail)"),
    "starts_on": N_("Fra og med"),
    "ends_on": N_("Til og med"),
    "text": N_("Særstandpunkt"),
    "reason": N_("Begrundelse for rettelsen"),
    "entries": N_("Punkter"),
    "choice": N_("Stemme"),
    "votes": N_("Stemmer"),
    "present": N_("Til stede"),
    "majority": N_("Flertal"),
    "item_id": N_("Dagsordenspunkt"),
}

#: Breach and overdue kinds (compliance, the meeting page), in Danish.
BREACHES = {
    "agenda_late": N_("Dagsordenen blev udsendt for sent"),
    "minutes_late": N_("Referatet blev udsendt for sent"),
    "approval_late": N_("Referatet blev godkendt for sent"),
    "agenda_overdue": N_("Dagsordenen er ikke udsendt, og fristen er overskredet"),
    "minutes_overdue": N_("Referatet er ikke udsendt, og fristen er overskredet"),
    "approval_overdue": N_("Referatet er ikke godkendt, og fristen er overskredet"),
}

#: On whose behalf an extraordinary meeting is called (MeetingCreateSchema.on_behalf_of).
ON_BEHALF_OF = {
    "self": N_("Mig selv (min plads i organet)"),
    "body": N_("Organet"),
    "secretariat": N_("Sekretariatet"),
    "members_majority": N_("Et flertal af medlemmerne"),
}


@bp.app_context_processor
def _admin_labels():
    return {
        "BREACHES": {k: _(v) for k, v in BREACHES.items()},
        "ON_BEHALF_OF": {k: _(v) for k, v in ON_BEHALF_OF.items()},
        "ACTING_AS": {
            "holder": _("Indehaver"),
            "substitute": _("Suppleant"),
            "delegate": _("Uddelegeret mandat"),
        },
        "DRY_RESULTS": {
            "adopted": _("Vedtaget"),
            "rejected": _("Forkastet"),
            "not_quorate": _("Ikke beslutningsdygtigt"),
            "refused": _("Kan ikke afgøres i dette organ"),
        },
    }


# --------------------------------------------------------------------------- helpers


#: Validate form input with the API's schema; invalid input is a 422 naming the fields.
_parse = _load


def _do(action, done: str, back: str, then=None, linked: bool = True):
    """Run ``action`` (parse + operation) and commit, as the other pages do; a refusal or
    invalid input renders ``back`` again with what was typed and each field's message, and
    nothing is changed."""
    return _act(action, done, back, then=then, labels=FIELDS, linked=linked)


def _filled(*names: str) -> dict:
    """The named form fields that are not left empty (empty optional fields keep defaults)."""
    return {n: request.form[n].strip() for n in names if request.form.get(n, "").strip()}


def _starts_at() -> dict:
    """``date`` + ``time`` fields in the tenant's local time, as the schemas' ``starts_at``."""
    day, clock = request.form.get("date", "").strip(), request.form.get("time", "").strip()
    if not day and not clock:
        return {}
    try:
        when = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M").replace(tzinfo=tenant_zone())
    except ValueError:
        abort(
            422,
            message="The input is invalid.",
            errors={
                "form": {
                    "starts_at": [_("skriv datoen som ÅÅÅÅ-MM-DD og klokkeslættet som TT:MM.")]
                }
            },
        )
    return {"starts_at": when.isoformat()}


def _lines(name: str) -> list[str]:
    return [line.strip() for line in request.form.get(name, "").splitlines() if line.strip()]


def _guests() -> list[dict]:
    """One guest per line: ``navn, organisation, e-mail`` (ALB-R5, SLA-13, KBH-8)."""
    out = []
    for line in _lines("guests"):
        name, org, email = ([p.strip() for p in line.split(",")] + ["", "", ""])[:3]
        out.append({"name": name, "organisation": org, "email": email})
    return out


def _body(key: str, role: Role):
    body = bodies.get_body(key)
    return body, require(role, body, visible_from=SEES)


# --------------------------------------------------------------------------- meetings


@bp.route("/<tenant>/organer/<key>/moeder", methods=["POST"])
@access(Role.MEMBER)
def create_meeting(key: str):
    """A new meeting: ordinary (the secretariat), or extraordinary, called by those the
    rules allow (ALB-B7: the board or the secretariat; SLA-7: the chair, a majority of the
    members or the competence chief) — the operation asks the rules and cites the clause."""
    body, _role = _body(key, Role.MEMBER)

    def act():
        form = _filled(
            "kind",
            "title",
            "duration_minutes",
            "location",
            "online_url",
            "on_behalf_of",
            "call_reason",
        )
        data = _parse(
            MeetingCreateSchema(), {**form, **_starts_at(), "supporters": _lines("supporters")}
        )
        return meetings.create_meeting(body, data, _user(), current_tenant(), tenant_hooks())

    return _do(
        act,
        _("Mødet er oprettet."),
        url_for("web.body_meetings", key=key) + "#nyt-moede",
        then=lambda m: _meeting_url(m),
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/rediger")
@access(Role.BODY_SECRETARY)
def edit_meeting(meeting_id: int):
    """The form to move a meeting (time, duration, place, link) or rename it."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    return render_template(
        "web/meeting_edit.html",
        tenant=g.tenant,
        meeting=meeting,
        editable=meeting.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED),
        zone=tenant_zone(),
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/rediger", methods=["POST"])
@access(Role.BODY_SECRETARY)
def update_meeting(meeting_id: int):
    """Move the meeting or change its place; once the agenda is out, those invited are told
    again (the operation counts the revision)."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)

    def act():
        form = {
            n: request.form[n].strip()
            for n in ("title", "location", "online_url")
            if n in request.form
        }
        form.update(_filled("duration_minutes"))
        cleared_url = form.get("online_url") == ""
        if cleared_url:
            del form["online_url"]
        data = _parse(MeetingUpdateSchema(), {**form, **_starts_at()})
        if cleared_url:
            data["online_url"] = ""
        return meetings.update_meeting(meeting, data)

    return _do(
        act,
        _("Mødet er ændret."),
        url_for("web.edit_meeting", meeting_id=meeting.id),
        then=lambda m: _meeting_url(m),
    )


# --------------------------------------------------------------------------- agenda items


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/rediger")
@access(Role.BODY_SECRETARY)
def edit_item(meeting_id: int, item_id: int):
    """The form to change an item: kind, title, texts, closed with a § 27 reason, guests,
    place on the agenda."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    return render_template(
        "web/item_edit.html",
        tenant=g.tenant,
        meeting=meeting,
        item=item,
        REASONS=meetings.CONFIDENTIALITY_REASONS,
        editable=meeting.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED),
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/rediger", methods=["POST"])
@access(Role.BODY_SECRETARY)
def update_item(meeting_id: int, item_id: int):
    """Save the item; a closed item needs its reason (ALB-B11, ALB-R6)."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)

    def act():
        form = {
            n: request.form[n].strip()
            for n in ("kind", "title", "case_text", "recommendation", "confidentiality_reason")
            if n in request.form
        }
        form["is_confidential"] = request.form.get("is_confidential") == "on"
        if not form["is_confidential"]:
            form["confidentiality_reason"] = ""
        form["guests"] = _guests()
        form.update(_filled("position"))
        return meetings.update_item(meeting, item, _parse(ItemUpdateSchema(), form))

    return _do(
        act,
        _("Punktet er ændret."),
        url_for("web.edit_item", meeting_id=meeting.id, item_id=item.id),
        then=lambda i: _meeting_url(meeting, f"punkt-{i.id}"),
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/flyt", methods=["POST"])
@access(Role.BODY_SECRETARY)
def move_item(meeting_id: int, item_id: int):
    """Move an item up or down the agenda (or to a numbered place)."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    return _do(
        lambda: meetings.update_item(
            meeting, item, _parse(ItemUpdateSchema(), _filled("position"))
        ),
        _("Punktet er flyttet."),
        _meeting_url(meeting, "dagsorden"),
        linked=False,  # two buttons per item, no field to type in
    )


# --------------------------------------------------------------------------- mandates (KBH-7)


@bp.route("/<tenant>/organer/<key>/mandater")
@access(Role.MEMBER)
def delegations(key: str):
    """The body's delegated mandates (KBH-7), with the form for its secretary."""
    body, role = _body(key, Role.MEMBER)
    rows = db.session.scalars(
        sa.select(MandateDelegation)
        .join(Seat, Seat.id == MandateDelegation.seat_id)
        .where(Seat.body_id == body.id)
        .order_by(MandateDelegation.starts_on.desc(), MandateDelegation.id.desc())
    ).all()
    # The organisations taking part in the tenant's bodies, and those administering them
    # (KBH-7: e.g. the organisation that administers the member).
    ids = sa.select(Seat.organisation_id)
    orgs = db.session.scalars(
        sa.select(Organisation)
        .where(
            sa.or_(
                Organisation.id.in_(ids),
                Organisation.id.in_(
                    sa.select(Organisation.administered_by_id).where(Organisation.id.in_(ids))
                ),
            )
        )
        .order_by(Organisation.code)
    ).all()
    return render_template(
        "web/delegations.html",
        tenant=g.tenant,
        body=body,
        delegations=rows,
        organisations=orgs,
        is_secretary=role >= Role.BODY_SECRETARY,
        today=meetings.now().date(),
    )


@bp.route("/<tenant>/organer/<key>/mandater", methods=["POST"])
@access(Role.BODY_SECRETARY)
def delegate_mandate(key: str):
    """Record a seat's mandate delegated to another organisation for at most a year (KBH-7);
    refused with its clause where the rules do not allow it (CORE-MANDATE)."""
    body, _role = _body(key, Role.BODY_SECRETARY)
    back = url_for("web.delegations", key=key)

    def act():
        data = _parse(
            DelegationCreateSchema(),
            _filled("seat", "to_organisation", "to_person", "starts_on", "ends_on"),
        )
        return meetings.delegate_mandate(body, data, _user(), current_tenant(), tenant_hooks())

    return _do(act, _("Mandatet er uddelegeret."), back)


# --------------------------------------------------------------------------- dissents (SLA-6)


@bp.route(
    "/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/saerstandpunkt", methods=["POST"]
)
@access(Role.MEMBER)
def record_dissent(meeting_id: int, item_id: int):
    """A member has a dissent (særstandpunkt) recorded in the item's minutes (SLA-6)."""
    meeting, _role = _meeting(meeting_id, Role.MEMBER)
    item = meetings.get_item(meeting, item_id)
    return _do(
        lambda: meetings.record_dissent(
            meeting, item, _user(), _parse(DissentInputSchema(), _filled("text"))["text"]
        ),
        _("Dit særstandpunkt er ført til referat."),
        _meeting_url(meeting, f"referat-{item.id}"),
    )


@bp.route("/<tenant>/afstemninger/<int:motion_id>/saerstandpunkt", methods=["POST"])
@access(Role.AUTHENTICATED)
def motion_dissent(motion_id: int):
    """A present member's dissent on a motion, for the minutes (SLA-6)."""
    motion = _visible_motion(motion_id)
    return _do(
        lambda: decisions.record_dissent(
            motion,
            user=_user(),
            hooks=tenant_hooks(),
            tenant=current_tenant(),
            **_parse(DissentCreateSchema(), _filled("text")),
        ),
        _("Dit særstandpunkt er ført til referat."),
        _meeting_url(motion.item.meeting, f"punkt-{motion.item.id}"),
    )


# --------------------------------------------------------------------------- votes


def _own_vote(motion, unit: str) -> bool:
    user = _user()
    return any(v.cast_by_id == user.id and unit in (v.unit_key, v.unit_label) for v in motion.votes)


@bp.route("/<tenant>/afstemninger/<int:motion_id>/ret-stemme", methods=["POST"])
@access(Role.AUTHENTICATED)
def change_vote(motion_id: int):
    """Change one's own vote while voting is open (not in a secret ballot); the change is
    logged. Only the person who cast the vote may change it, or the meeting leader a vote
    recorded from the room."""
    motion = _visible_motion(motion_id)
    unit = request.form.get("unit", "")
    return _do(
        lambda: decisions.change_vote(
            motion,
            unit,
            user=_user(),
            hooks=tenant_hooks(),
            tenant=current_tenant(),
            **_parse(VoteChangeSchema(), _filled("choice")),
        ),
        _("Din stemme er ændret.") if _own_vote(motion, unit) else _("Stemmen er ændret."),
        _meeting_url(motion.item.meeting, f"punkt-{motion.item.id}"),
        linked=False,  # a form per unit on the page
    )


# --------------------------------------------------------------------------- minutes


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/rettelse")
@access(Role.BODY_SECRETARY)
def correction_form(meeting_id: int):
    """The form to correct final minutes: the reason and each item's decision, prefilled
    from the latest version."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    latest = meetings.current_version(meeting)
    entries = {e.item_id: e for e in latest.entries} if latest is not None else {}
    return render_template(
        "web/minutes_correction.html",
        tenant=g.tenant,
        meeting=meeting,
        latest=latest,
        entries=entries,
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/rettelse", methods=["POST"])
@access(Role.BODY_SECRETARY)
def correct_minutes(meeting_id: int):
    """Correct final minutes: a new version, final at once, with its reason; the approved
    version stays as it was."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)

    def act():
        latest = meetings.current_version(meeting)
        old = {e.item_id: e for e in latest.entries} if latest is not None else {}
        changes = []
        for item in meeting.items:
            change = {}
            for field in ("decision", "public_decision"):
                name = f"{field}-{item.id}"
                if name in request.form:
                    value = request.form[name].strip()
                    if value != (getattr(old[item.id], field) if item.id in old else ""):
                        change[field] = value
            if change:
                changes.append({"item_id": item.id, **change})
        data = _parse(
            CorrectionSchema(),
            {"reason": request.form.get("reason", "").strip(), "entries": changes},
        )
        return meetings.correct_minutes(meeting, data["reason"], data["entries"], _user())

    return _do(
        act,
        _("Referatet er rettet; rettelsen er en ny version."),
        url_for("web.correction_form", meeting_id=meeting.id),
        then=lambda v: _meeting_url(meeting, "referat"),
    )


# --------------------------------------------------------------------------- dry run


def _dry_items(body):
    """Decision items of the body's meetings still to be decided, for the dry run's choice."""
    from core.meetings.models import AgendaItem, ItemKind, Meeting

    return db.session.scalars(
        sa.select(AgendaItem)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            Meeting.body_id == body.id,
            AgendaItem.kind == ItemKind.DECISION,
            Meeting.state.in_(
                (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED, MeetingState.HELD)
            ),
        )
        .order_by(Meeting.starts_at, AgendaItem.position)
    ).all()


def _run(body, data: dict) -> dict:
    """The API's dry run on the form's input; stores nothing."""
    try:
        return decisions.dry_run_for_input(
            body, data, user=_user(), hooks=tenant_hooks(), tenant=current_tenant()
        )
    finally:
        db.session.rollback()  # a dry run stores nothing, whatever the rules touched


@bp.route("/<tenant>/organer/<key>/proeveafstemning", methods=["GET", "POST"])
@access(Role.MEMBER)
def dry_run(key: str):
    """Try the rules before a meeting: who may vote, is it quorate, what would the outcome
    be if these attended and voted so. The same rules as a real motion; nothing is stored
    (so the form is answered on the page, not redirected)."""
    body, _role = _body(key, Role.MEMBER)
    f = request.form
    seats = body.seats_on(meetings.now().date()) or body.current_seats
    result, error, asked = None, None, request.method == "POST"
    baseline = _run(
        body, _parse(DryRunSchema(), {})
    )  # every seat present: the units and their rights
    if asked:
        votes = {k[len("vote-") :]: v for k, v in f.items() if k.startswith("vote-") and v}
        matter = {
            "title": f.get("title", "").strip() or "Prøveafstemning",
            "topics": [t.strip() for t in f.get("topics", "").split(",") if t.strip()],
            "plan": f.get("plan", "").strip() or None,
            "district": f.get("district", "").strip() or None,
        }
        raw = {
            # With an agenda item, its recorded attendance may stand in for the list.
            "present": None
            if f.get("item_id") and f.get("item_attendance") == "on"
            else f.getlist("present"),
            "votes": votes,
            "objections": f.getlist("object"),
            "majority": f.get("majority", "simple"),
            "secret": f.get("secret") == "on",
            "weighted": f.get("weighted") == "on",
            "matter": matter,
        }
        if f.get("item_id"):
            raw["item_id"] = f.get("item_id")
        try:
            result = _run(body, _parse(DryRunSchema(), raw))
        except HTTPException as exc:
            if exc.code not in (409, 422):
                raise
            # As every refused form: the summary at the top (base.html); the form keeps its
            # input (``form``). Its fields repeat per seat and unit, so the messages are unlinked.
            g.refusal = refusal_of(exc, FIELDS, linked=False)
            error = True
    lang = session.get("lang", "da")
    return render_template(
        "web/dry_run.html",
        tenant=g.tenant,
        body=body,
        seats=seats,
        baseline=baseline,
        result=result,
        error=error,
        asked=asked,
        form=f,
        lang=lang,
        items=_dry_items(body),
    ), (422 if error else 200)
