"""The pages' actions on a meeting's agenda and attendance: add an item (the secretary, or a
member asking before the deadline, CORE-SUBMISSION-DEADLINE-DAYS), take it off, attach a
file, edit and move it; record attendance; a body's delegated mandates (CORE-MANDATE). The meeting page itself is in
``views``; handlers are as there: parse with the API's schema, call the operation, commit,
post/redirect/get, and a refused form comes back with what was typed (core/web/forms.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, render_template, request, url_for
from flask_babel import gettext as _

from core.bodies.models import Seat
from core.extensions import db
from core.identity.permissions import Role, access
from core.meetings import operations as meetings
from core.meetings.models import MandateDelegation, MeetingState
from core.meetings.schemas import (
    AttendanceAllInputSchema,
    AttendanceInputSchema,
    DelegationCreateSchema,
    ItemCreateSchema,
    ItemUpdateSchema,
)
from core.meetings.views import act_on_meeting, body_for, meeting_for, meeting_url, rules_of
from core.organisations.models import Organisation
from core.tenancy import current_tenant, tenant_hooks
from core.web import N_, bp, current_person
from core.web.forms import act, filled_values, form_lines, form_values, load, refuse_field

#: The fields of the meeting page's item and attendance forms as the page labels them.
ITEM_FIELDS = {"kind": N_("Art"), "title": N_("Overskrift"), "decision_theme": N_("Beslutningstema"),
               "case_text": N_("Sagsfremstilling"), "economy": N_("Økonomi"),
               "recommendation": N_("Indstilling"), "is_confidential": N_("Lukket punkt"),
               "confidentiality_reason": N_("Begrundelse for lukket punkt"),
               "public_title": N_("Offentlig overskrift for lukket punkt (fx Personalesag)"),
               "file": N_("Bilag")}
ATTENDANCE_FIELDS = {"status": N_("Fremmøde"), "acting_as": N_("Møder som"), "person": N_("Person")}


# --------------------------------------------------------------------------- agenda items


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter", methods=["POST"])
@access(Role.MEMBER)
def add_item(meeting_id: int):
    """Add an item (the secretary), or ask for one as a member before the deadline
    (CORE-SUBMISSION-DEADLINE-DAYS)."""
    meeting, role = meeting_for(meeting_id, Role.MEMBER)
    form = form_values("kind", "title", "decision_theme", "case_text", "economy", "recommendation",
                       "confidentiality_reason", "public_title")
    form["is_confidential"] = request.form.get("is_confidential") == "on"
    if not form["is_confidential"]:
        form["confidentiality_reason"] = ""
    return act(lambda: meetings.add_item(meeting, load(ItemCreateSchema(), form), current_person(), role,
                                         rules_of(meeting.body)),
               _("Punktet er sat på dagsordenen."), meeting_url(meeting, "dagsorden"), labels=ITEM_FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/slet", methods=["POST"])
@access(Role.BODY_SECRETARY)
def remove_item(meeting_id: int, item_id: int):
    """Take an item off the agenda."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    return act(lambda: meetings.remove_item(meeting, item), _("Punktet er taget af dagsordenen."),
               meeting_url(meeting, "dagsorden"))


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/bilag", methods=["POST"])
@access(Role.BODY_SECRETARY)
def add_attachment(meeting_id: int, item_id: int):
    """Attach a file (bilag) to an item: the type and size limits of the meetings feature."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    upload = request.files.get("file")
    back = meeting_url(meeting, f"punkt-{item.id}")
    if upload is None or not upload.filename:
        return refuse_field(back, "file", _("vælg en fil."), ITEM_FIELDS)
    return act(lambda: meetings.add_attachment(meeting, item, upload, current_person()),
               _("Bilaget er vedhæftet."), back, labels=ITEM_FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/rediger")
@access(Role.BODY_SECRETARY)
def edit_item(meeting_id: int, item_id: int):
    """The form to change an item: kind, title, texts, closed with a § 27 reason, guests,
    place on the agenda."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    return render_template(
        "meetings/item_edit.html",
        tenant=g.tenant,
        meeting=meeting,
        item=item,
        REASONS=meetings.CONFIDENTIALITY_REASONS,
        editable=meeting.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED),
    )


def _guests() -> list[dict]:
    """One guest per line: ``navn, organisation, e-mail`` (CORE-GUESTS)."""
    out = []
    for line in form_lines("guests"):
        name, org, email = ([p.strip() for p in line.split(",")] + ["", "", ""])[:3]
        out.append({"name": name, "organisation": org, "email": email})
    return out


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/rediger", methods=["POST"])
@access(Role.BODY_SECRETARY)
def update_item(meeting_id: int, item_id: int):
    """Save the item; a closed item needs its reason (CORE-CLOSED-ITEMS)."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)

    def action():
        form = {
            n: request.form[n].strip()
            for n in ("kind", "title", "decision_theme", "case_text", "economy", "recommendation",
                      "confidentiality_reason", "public_title")
            if n in request.form
        }
        form["is_confidential"] = request.form.get("is_confidential") == "on"
        if not form["is_confidential"]:
            form["confidentiality_reason"] = ""
        form["guests"] = _guests()
        form.update(filled_values("position"))
        return meetings.update_item(meeting, item, load(ItemUpdateSchema(), form))

    return act_on_meeting(
        action,
        _("Punktet er ændret."),
        url_for("web.edit_item", meeting_id=meeting.id, item_id=item.id),
        then=lambda i: meeting_url(meeting, f"punkt-{i.id}"),
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/flyt", methods=["POST"])
@access(Role.BODY_SECRETARY)
def move_item(meeting_id: int, item_id: int):
    """Move an item up or down the agenda (or to a numbered place)."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    return act_on_meeting(
        lambda: meetings.update_item(
            meeting, item, load(ItemUpdateSchema(), filled_values("position"))
        ),
        _("Punktet er flyttet."),
        meeting_url(meeting, "dagsorden"),
        linked=False,  # two buttons per item, no field to type in
    )


# --------------------------------------------------------------------------- attendance


@bp.route("/<tenant>/moeder/<int:meeting_id>/fremmoede", methods=["POST"])
@access(Role.MEMBER)
def record_attendance(meeting_id: int):
    """Attendance: a member for their own seat (present, apologies), the secretary for any."""
    meeting, role = meeting_for(meeting_id, Role.MEMBER)
    seat_key = request.form.get("seat", "")
    form = {n: request.form[n].strip() for n in ("status", "acting_as", "person") if request.form.get(n, "").strip()}
    return act(
        lambda: meetings.record_attendance(meeting, seat_key, load(AttendanceInputSchema(), form),
                                           current_person(), role, current_tenant(), tenant_hooks()),
        _("Fremmødet er registreret."), meeting_url(meeting, "fremmoede"), labels=ATTENDANCE_FIELDS,
    )


def _attendance_seats(meeting):
    """The seats the meeting's attendance form lists: those valid on its day with a holder."""
    day = meeting.starts_at.date()
    return [s for s in meeting.body.seats_on(day) if s.holder_on(day) is not None]


@bp.route("/<tenant>/moeder/<int:meeting_id>/fremmoede/alle")
@access(Role.BODY_SECRETARY)
def attendance_form(meeting_id: int):
    """The secretary's one form for the whole meeting's attendance."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    return render_template(
        "meetings/attendance.html", tenant=g.tenant, meeting=meeting,
        seats=_attendance_seats(meeting), recorded={a.seat_id: a for a in meeting.attendances},
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/fremmoede/alle", methods=["POST"])
@access(Role.BODY_SECRETARY)
def record_attendance_all(meeting_id: int):
    """Every seat's attendance from one form, all or nothing (the API's
    ``PUT …/attendance``): a refused seat's reason and clause stand next to it."""
    from werkzeug.exceptions import HTTPException

    from core.errors import refuse

    meeting, role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    seats = _attendance_seats(meeting)
    labels = {f"status-{s.key}": s.title for s in seats}

    def action():
        form = {}
        for s in seats:
            row = {n: request.form.get(f"{n}-{s.key}", "").strip() for n in ("status", "acting_as", "person")}
            form[s.key] = {n: v for n, v in row.items() if v}
        data = load(AttendanceAllInputSchema(), {"seats": form})
        try:
            return meetings.record_attendance_all(meeting, data["seats"], current_person(), role,
                                                  current_tenant(), tenant_hooks())
        except HTTPException as exc:
            refused = ((getattr(exc, "data", None) or {}).get("errors") or {}).get("json", {}).get("seats")
            if not refused:
                raise
            # each seat's refusal next to its field (the message names the seat)
            refuse(422, exc.data["message"],
                   errors={"form": {f"status-{k}": v for k, v in refused.items()}})

    return act(action, _("Fremmødet er registreret."), url_for("web.attendance_form", meeting_id=meeting.id),
               then=lambda _rows: meeting_url(meeting, "fremmoede"), labels=labels)


# ---------------------------------------------------------------------- mandates (CORE-MANDATE)


@bp.route("/<tenant>/organer/<key>/mandater")
@access(Role.MEMBER)
def delegations(key: str):
    """The body's delegated mandates (CORE-MANDATE), with the form for its secretary."""
    body, role = body_for(key, Role.MEMBER)
    rows = db.session.scalars(
        sa.select(MandateDelegation)
        .join(Seat, Seat.id == MandateDelegation.seat_id)
        .where(Seat.body_id == body.id)
        .order_by(MandateDelegation.starts_on.desc(), MandateDelegation.id.desc())
    ).all()
    # The organisations taking part in the tenant's bodies, and those administering them
    # (e.g. the organisation that administers the member).
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
    user = current_person()
    is_secretary = role >= Role.BODY_SECRETARY
    # The seats whose mandate the reader may delegate: every voting seat for the secretary,
    # the member's own voting seats for a member (the member lays down its own mandate).
    own_seats = [s for s in body.current_seats if s.is_voting
                 and (is_secretary or (user is not None and s.current_holder_id == user.id))]
    return render_template(
        "meetings/delegations.html",
        tenant=g.tenant,
        body=body,
        delegations=rows,
        organisations=orgs,
        is_secretary=is_secretary,
        own_seats=own_seats,
        today=meetings.now().date(),
    )


@bp.route("/<tenant>/organer/<key>/mandater", methods=["POST"])
@access(Role.MEMBER)
def delegate_mandate(key: str):
    """Record a seat's mandate delegated to another organisation for a period
    (CORE-MANDATE, or the tenant's delegation rule);
    refused with its clause where the rules do not allow it (CORE-MANDATE)."""
    body, role = body_for(key, Role.MEMBER)
    back = url_for("web.delegations", key=key)

    def action():
        data = load(
            DelegationCreateSchema(),
            filled_values("seat", "to_organisation", "to_person", "starts_on", "ends_on"),
        )
        return meetings.delegate_mandate(body, data, current_person(), current_tenant(), tenant_hooks(),
                                         role=role)

    return act_on_meeting(action, _("Mandatet er uddelegeret."), back)
