"""The pages' actions on a meeting's minutes: write an item's decision (and the public
decision of a closed item, CORE-CLOSED-ITEMS), send the minutes (CORE-MINUTES-DUE-DAYS), a
member's one-click approval, the approval by the board or at the next meeting
(CORE-APPROVAL-MODE), a member's objection to minutes sent for tacit approval, a member's
dissent on an item (CORE-DISSENT), and correcting final minutes (a new version). Handlers are as in
``views``: parse, call the operation, commit, post/redirect/get; a refused form comes back
with what was typed (core/web/forms.py).
"""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask_babel import gettext as _

from core.identity.permissions import Role, access
from core.meetings import operations as meetings
from core.meetings.schemas import CorrectionSchema, DissentInputSchema, MinutesObjectionInputSchema
from core.meetings.views import (
    act_on_meeting,
    meeting_for,
    meeting_page_part,
    meeting_url,
    rules_of,
    secretary_step,
)
from core.tenancy import current_tenant, tenant_hooks
from core.web import N_, bp, current_person
from core.web.forms import act, filled_values, form_values, load

#: The fields of the minutes forms as the meeting page labels them.
MINUTES_FIELDS = {"decision": N_("Beslutning"), "public_decision": N_("Offentlig beslutning"),
                  "at_meeting": N_("Godkendt på mødet")}
OBJECTION_FIELDS = {"text": N_("Din indsigelse")}


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/referat", methods=["POST"])
@access(Role.BODY_SECRETARY)
def write_minutes(meeting_id: int, item_id: int):
    """Write the decision on an item in the draft minutes (and the public decision of a
    closed item, CORE-CLOSED-ITEMS)."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    data = form_values("decision", "public_decision")
    return act(lambda: meetings.write_entry(meeting, item, data), _("Referatet er gemt."),
               meeting_url(meeting, f"referat-{item.id}"), labels=MINUTES_FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/send-referat", methods=["POST"])
@access(Role.BODY_SECRETARY)
def send_minutes(meeting_id: int):
    """Send the minutes; late is recorded as a breach (CORE-MINUTES-DUE-DAYS)."""
    return secretary_step(meeting_id, lambda m: meetings.send_minutes(m, rules_of(m.body)),
                          _("Referatet er udsendt."))


#: The approval page's answer as an HTTP status: what cannot be done is refused as the
#: API refuses it (403 not an approver, 409 the meeting's state or the approval mode).
STANDING_STATUS = {"not_an_approver": 403, "not_sent": 409, "not_by_email": 409}


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/godkend")
@access(Role.MEMBER)
def approval_page(meeting_id: int):
    """The page the approval mail's "Godkend referatet" link opens (a login first where
    needed): the minutes and one button that approves them (a POST with its CSRF token;
    opening the page approves nothing). What the member may do, or why not, comes from
    the same checks as the API's approval (:func:`core.meetings.operations.approval_standing`,
    CORE-APPROVAL-MODE), with the clause it rests on."""
    meeting, _role = meeting_for(meeting_id, Role.MEMBER)
    standing = meetings.approval_standing(meeting, current_person(), rules_of(meeting.body),
                                          current_tenant(), tenant_hooks())
    version = meetings.current_version(meeting)
    return render_template(
        "meetings/minutes_approval.html", tenant=g.tenant, meeting=meeting, standing=standing,
        entries={e.item_id: e for e in version.entries} if version is not None else {},
    ), STANDING_STATUS.get(standing.status, 200)


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/godkend", methods=["POST"])
@access(Role.MEMBER)
def approve_minutes(meeting_id: int):
    """One click: a member approves the minutes (CORE-APPROVAL-MODE). From the approval
    page (``from=approval``) the answer is that page again, saying it is done."""
    meeting, _role = meeting_for(meeting_id, Role.MEMBER)
    back = (url_for("web.approval_page", meeting_id=meeting.id) if request.form.get("from") == "approval"
            else meeting_url(meeting, "referat"))
    return act(
        lambda: meetings.approve_by_member(meeting, current_person(), rules_of(meeting.body),
                                           current_tenant(), tenant_hooks()),
        _("Du har godkendt referatet."), back,
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/indsigelse", methods=["POST"])
@access(Role.MEMBER)
def object_to_minutes(meeting_id: int):
    """A member objects to minutes sent for tacit approval: they go back to the secretary."""
    meeting, _role = meeting_for(meeting_id, Role.MEMBER)
    return act(
        lambda: meetings.object_to_minutes(
            meeting, current_person(), load(MinutesObjectionInputSchema(), filled_values("text"))["text"],
            rules_of(meeting.body), current_tenant(), tenant_hooks()),
        _("Din indsigelse er registreret, og referatet er sendt tilbage til sekretariatet."),
        meeting_url(meeting, "referat"), labels=OBJECTION_FIELDS,
    )


@meeting_page_part("may_object")
def _may_object(meeting, view) -> bool:
    """Whether the reader may object to minutes out for tacit approval."""
    user = current_person()
    return bool(user) and meeting.state.value == "minutes_sent" \
        and rules_of(meeting.body).approval_mode == "tacit" \
        and user.id in {u.id for u in meetings.expected_approvers(meeting, current_tenant(), tenant_hooks())}


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/godkendt", methods=["POST"])
@access(Role.BODY_SECRETARY)
def approve_by_body(meeting_id: int):
    """Record the approval by the board or at the next meeting (CORE-APPROVAL-MODE)."""
    at = request.form.get("at_meeting", type=int)
    return secretary_step(meeting_id, lambda m: meetings.approve_by_body(m, at, rules_of(m.body)),
                          _("Godkendelsen er registreret."), labels=MINUTES_FIELDS)


@bp.route(
    "/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/saerstandpunkt", methods=["POST"]
)
@access(Role.MEMBER)
def record_dissent(meeting_id: int, item_id: int):
    """A member has a dissent (særstandpunkt) recorded in the item's minutes (CORE-DISSENT)."""
    meeting, _role = meeting_for(meeting_id, Role.MEMBER)
    item = meetings.get_item(meeting, item_id)
    return act_on_meeting(
        lambda: meetings.record_dissent(
            meeting, item, current_person(), load(DissentInputSchema(), filled_values("text"))["text"],
            tenant=current_tenant(), hooks=tenant_hooks(),
        ),
        _("Dit særstandpunkt er ført til referat."),
        meeting_url(meeting, f"referat-{item.id}"),
    )


# --------------------------------------------------------------------------- corrections


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/rettelse")
@access(Role.BODY_SECRETARY)
def correction_form(meeting_id: int):
    """The form to correct final minutes: the reason and each item's decision, prefilled
    from the latest version."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    latest = meetings.current_version(meeting)
    entries = {e.item_id: e for e in latest.entries} if latest is not None else {}
    return render_template(
        "meetings/minutes_correction.html",
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
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)

    def action():
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
        data = load(
            CorrectionSchema(),
            {"reason": request.form.get("reason", "").strip(), "entries": changes},
        )
        return meetings.correct_minutes(meeting, data["reason"], data["entries"], current_person())

    return act_on_meeting(
        action,
        _("Referatet er rettet; rettelsen er en ny version."),
        url_for("web.correction_form", meeting_id=meeting.id),
        then=lambda v: meeting_url(meeting, "referat"),
    )
