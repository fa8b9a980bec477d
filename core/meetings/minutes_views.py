"""The pages' actions on a meeting's minutes: write an item's decision (and the public
decision of a closed item, CORE-CLOSED-ITEMS), send the minutes (CORE-MINUTES-DUE-DAYS), a
member's one-click approval, the approval by the board or at the next meeting
(CORE-APPROVAL-MODE), a member's objection to minutes sent for tacit approval, a member's
dissent on an item (CORE-DISSENT), correcting final minutes (a new version), and the review
round of the draft (send til gennemlæsning: the members' comments, the secretary's resolutions). Handlers are as in
``views``: parse, call the operation, commit, post/redirect/get; a refused form comes back
with what was typed (core/web/forms.py).
"""

from __future__ import annotations

from datetime import datetime

from flask import g, render_template, request, url_for
from flask_babel import gettext as _
from flask_smorest import abort

from core.identity.permissions import Role, access
from core.meetings import operations as meetings
from core.meetings.schemas import (
    CorrectionSchema,
    DissentInputSchema,
    MinutesObjectionInputSchema,
    ReviewCommentInputSchema,
    ReviewResolveInputSchema,
    ReviewSendInputSchema,
)
from core.meetings.views import (
    act_on_meeting,
    meeting_for,
    meeting_page_part,
    meeting_url,
    rules_of,
    secretary_step,
)
from core.tenancy import current_tenant, tenant_hooks
from core.web import N_, bp, current_person, tenant_zone
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
    return act(lambda: meetings.write_entry(meeting, item, data, current_person()), _("Referatet er gemt."),
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


# --------------------------------------------------------------------------- review round

#: The review forms' fields as the pages label them.
REVIEW_FIELDS = {"deadline_at": N_("Frist for kommentarer"), "text": N_("Din kommentar"),
                 "item_id": N_("Dagsordenspunkt"), "resolution": N_("Behandling"),
                 "reply": N_("Svar"), "decision": N_("Ny ordlyd af beslutningen"),
                 "public_decision": N_("Offentlig beslutning")}


def review_url(meeting, anchor: str = "") -> str:
    return url_for("web.review_page", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/gennemlaesning")
@access(Role.MEMBER)
def review_page(meeting_id: int):
    """The review round of the draft minutes: a member reads the draft as it was sent and
    comments per item or on the whole; the secretary sees every comment with its resolve
    form, and sends (again) for review. Information recipients take no part (403)."""
    meeting, role = meeting_for(meeting_id, Role.MEMBER)
    view = meetings.review_view(meeting, role, current_person())
    version = meetings.current_version(meeting)
    by_item: dict = {}
    for c in view["comments"]:
        by_item.setdefault(c["item_id"], []).append(c)
    current = view["rounds"][-1] if view["rounds"] else None
    return render_template(
        "meetings/minutes_review.html", tenant=g.tenant, meeting=meeting, review=view,
        current=current, earlier=view["rounds"][:-1], by_item=by_item,
        is_secretary=role >= Role.BODY_SECRETARY,
        draft={e.item_id: e for e in version.entries} if version is not None else {},
    )


def _deadline() -> dict:
    """The form's ``deadline`` (a day, ÅÅÅÅ-MM-DD) as the end of that day in the tenant's
    local time; empty: no deadline."""
    day = request.form.get("deadline", "").strip()
    if not day:
        return {}
    try:
        when = datetime.strptime(f"{day} 23:59", "%Y-%m-%d %H:%M").replace(tzinfo=tenant_zone())
    except ValueError:
        abort(422, message="The input is invalid.",
              errors={"form": {"deadline_at": [_("skriv datoen som ÅÅÅÅ-MM-DD.")]}})
    return {"deadline_at": when.isoformat()}


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/gennemlaesning", methods=["POST"])
@access(Role.BODY_SECRETARY)
def send_for_review(meeting_id: int):
    """Send the draft minutes to the members for comments (send til gennemlæsning)."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    back = review_url(meeting) if request.form.get("from") == "review" else meeting_url(meeting, "referat")

    def action():
        data = load(ReviewSendInputSchema(), _deadline())
        return meetings.send_for_review(meeting, current_person(), data.get("deadline_at"))

    return act(action, _("Udkastet til referat er sendt til gennemlæsning hos medlemmerne."), back,
               labels=REVIEW_FIELDS, then=lambda r: review_url(meeting))


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/gennemlaesning/kommentarer", methods=["POST"])
@access(Role.MEMBER)
def comment_on_review(meeting_id: int):
    """A member comments on an item of the draft minutes, or on the minutes as a whole."""
    meeting, role = meeting_for(meeting_id, Role.MEMBER)
    raw = request.form.get("item_id", "").strip()
    anchor = f"punkt-{raw}" if raw else "helhed"

    def action():
        data = load(ReviewCommentInputSchema(), {"item_id": raw or None, **filled_values("text")})
        return meetings.add_review_comment(meeting, current_person(), role, data["item_id"], data["text"])

    return act(action, _("Din kommentar er gemt."), review_url(meeting), labels=REVIEW_FIELDS,
               then=lambda c: review_url(meeting, anchor))


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/gennemlaesning/kommentarer/<int:review_comment_id>",
          methods=["POST"])
@access(Role.BODY_SECRETARY)
def resolve_review_comment(meeting_id: int, review_comment_id: int):
    """The secretary resolves a comment: accepted (with the item's new wording written into
    the draft) or answered with a reply."""
    meeting, role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    comment = meetings.get_review_comment(meeting, review_comment_id, role)

    def action():
        values = form_values("resolution", "reply")
        if values.get("resolution") == "accepted" and comment.item_id is not None:
            values.update(form_values("decision", "public_decision"))
        return meetings.resolve_review_comment(meeting, comment, current_person(),
                                               load(ReviewResolveInputSchema(), values))

    return act(action, _("Kommentaren er behandlet."), review_url(meeting), labels=REVIEW_FIELDS,
               then=lambda c: review_url(meeting, f"kommentar-{c.id}"))


@meeting_page_part("minutes_review")
def _minutes_review(meeting, view) -> dict | None:
    """The review round as the meeting page's minutes section mentions it (the body's
    members and its secretariat): whether one is open, and what is left to resolve."""
    if meeting.state.value != "held" or not meeting.minutes_reviews:
        return None
    user = current_person()
    if not user:
        return None
    from core.identity.permissions import role_in_body

    role = role_in_body(user, meeting.body)
    if role < Role.MEMBER:
        return None
    review = meetings.open_review(meeting)
    return {"open": review is not None, "round": review.round if review else None,
            "deadline_at": review.deadline_at if review else None,
            "unresolved": len([c for c in meetings.review_comments(meeting, role) if c.resolution is None])}
