"""The proposals' pages: the proposals a person may follow, one proposal's route as a
timeline with its hearing, attachments, follow-ups and history; and their actions: start a
proposal where the rules let the user (``proposal_origin_allowed``, the route from
``proposal_route``: CORE-ORIGIN, CORE-ROUTE, or the tenant's clauses), attach and download
files, answer a hearing for an organisation, record a body's decision on a step, place a
step on its body's next meeting, open and close a hearing (CORE-HEARING), and the follow-ups a
decision set off (CORE-FOLLOW-UPS).

Every action is what the proposals API does (core/proposals/api.py), through the same
operations and schemas: parse the form, call the operation, commit, redirect. Bad input
changes nothing and comes back as the page again, with what was typed and a message naming
the field by it (a chosen file cannot be kept: the page says so); a rule's refusal comes
back with its reason and clause (core/web/forms.py).
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from core.bodies.models import Body
from core.extensions import db
from core.identity.permissions import Role, access, refuse, role_in_tenant
from core.organisations.models import Organisation
from core.proposals import operations as ops
from core.proposals.answer_views import overview_rows
from core.proposals.history import describe as describe_event
from core.proposals.models import ProposalState, StepKind
from core.proposals.schemas import (
    DecisionSchema,
    FollowUpDoneSchema,
    HearingOpenSchema,
    ProposalCreateSchema,
)
from core.tenancy import current_tenant, tenant_hooks
from core.web import N_, bp, current_person, tenant_zone
from core.web.forms import act, refusal_of, refuse_field, refuse_form, refuse_invalid

#: The templates of the proposals' pages (``templates/proposals/``).
templates = Blueprint("proposals_templates", __name__, template_folder="templates")

# --------------------------------------------------------------------------- labels

STEP_STATES = {"waiting": N_("venter"), "active": N_("i gang"), "done": N_("behandlet"),
               "not_reached": N_("nået ikke hertil")}
STEP_OUTCOMES = {"adopted": N_("vedtaget"), "rejected": N_("forkastet"),
                 "carried_on": N_("ført videre"), "not_carried_on": N_("ikke ført videre"),
                 "heard": N_("høringssvarene er samlet")}
STEP_ACTIONS = {"decide": N_("beslutter"), "recommend": N_("indstiller"),
                "revise": N_("bearbejder forslaget"), "forward": N_("sender videre"),
                "hear": N_("høring")}
STEP_KINDS = {"body": N_("Organ"), "hearing": N_("Høring")}
PROPOSAL_STATES = {"in_progress": N_("undervejs"), "adopted": N_("vedtaget"),
                   "rejected": N_("forkastet"), "stopped": N_("standset")}

#: The forms' fields as the person sees them, for messages that name the field.
START_FIELDS = {"body": N_("Organ"), "title": N_("Titel"), "text": N_("Forslaget"),
                "decision_sought": N_("Der ønskes besluttet"), "topics": N_("Emner"),
                "plan": N_("Helhedsplan"), "district": N_("Bydel"), "file": N_("Bilag")}
DECISION_FIELDS = {"body": N_("Organ"), "outcome": N_("Beslutning"), "text": N_("Beslutningens ordlyd")}
HEARING_FIELDS = {"deadline_at": N_("Svarfrist"), "remind_days_before": N_("Påmindelse (dage før fristen)"),
                  "organisations": N_("Organisationer")}
FILE_FIELDS = {"file": N_("Bilag")}
NOTE_FIELDS = {"note": N_("Bemærkning")}


@bp.app_context_processor
def _proposal_labels():
    def tr(labels):
        return {k: _(v) for k, v in labels.items()}

    return {"STEP_STATES": tr(STEP_STATES), "STEP_OUTCOMES": tr(STEP_OUTCOMES),
            "STEP_ACTIONS": tr(STEP_ACTIONS), "STEP_KINDS": tr(STEP_KINDS),
            "PROPOSAL_STATES": tr(PROPOSAL_STATES),
            # A history line in the reader's language (the stored message is Danish).
            "describe_event": describe_event}


# --------------------------------------------------------------------------- helpers


def _proposal_url(proposal_id: int, anchor: str = "") -> str:
    return url_for("web.proposal", proposal_id=proposal_id) + (f"#{anchor}" if anchor else "")


def _validated(schema, data: dict, labels: dict, back: str):
    """``(data, None)``, or ``(None, page)``: the page again with each bad field's message."""
    try:
        return schema.load(data), None
    except ValidationError as exc:
        return None, refuse_invalid(back, exc, labels)


def _run(action, done: str, back: str, labels: dict, then=None):
    """:func:`core.web.forms.act` with refusals worded for these forms' ``labels``."""
    return act(action, done, back, then=then, labels=labels)


def _visible(proposal_id: int):
    proposal = ops.get_proposal(proposal_id)
    if not ops.can_see(current_person(), current_tenant(), proposal):
        abort(404, message="Not found.")
    return proposal


def _forbid_unless(allowed: bool, body=None, **reason) -> None:
    """403 unless ``allowed``: a secretary's action (of ``body``), or one whose ``reason``
    (``reason``/``reason_en``) says who may; the error page says it (core/errors.py)."""
    if not allowed:
        refuse(Role.BODY_SECRETARY, body, **reason)


def _stripped(*names: str) -> dict:
    """The form's fields, trimmed; an empty field is left out, so a required one is
    reported as not filled in."""
    values = {n: request.form.get(n, "").strip() for n in names}
    return {n: v for n, v in values.items() if v}


def _participating_organisations():
    from core.tenants.models import Participation

    parts = db.session.scalars(sa.select(Participation)).all()
    return sorted({p.organisation for p in parts}, key=lambda o: o.code)


# --------------------------------------------------------------------------- what a page offers


def start_choices(user) -> SimpleNamespace:
    """Where the user may start a proposal, and where not with the rule's reason."""
    verdicts = ops.origin_choices(tenant_hooks(), current_tenant(), user) if user else []
    return SimpleNamespace(allowed=[(b, v) for b, v in verdicts if v.ok],
                           refused=[(b, v) for b, v in verdicts if not v.ok])


def proposal_actions(p, user) -> SimpleNamespace:
    """What the user may do on proposal ``p`` now (the forms the page shows); the
    operations decide again when the form is sent."""
    tenant = current_tenant()
    step = p.current_step if p.state is ProposalState.IN_PROGRESS else None
    manages_origin = ops.may_manage(user, tenant, p.origin_body)
    route_bodies = list({s.body.id: s.body for s in p.steps if s.body is not None}.values())
    deciders = [b for b in route_bodies if ops.may_manage(user, tenant, b)]
    at_body = step is not None and step.kind is StepKind.BODY
    in_hearing = step is not None and step.kind is StepKind.HEARING
    organisations = []
    if in_hearing and step.hearing is None and manages_origin:
        named = list(step.organisations or ())
        organisations = [(o, o.code in named) for o in _participating_organisations()]
        known = {o.code for o, _checked in organisations}
        organisations += [(SimpleNamespace(code=c, name=c), True) for c in named if c not in known]
    return SimpleNamespace(
        step=step,
        may_attach=step is not None and (p.proposed_by_id == user.id or manages_origin),
        deciders=deciders if at_body else [],
        deciding=at_body and step.action in ops.DECIDING_ACTIONS,
        may_place=at_body and step.agenda_item_id is None and ops.may_manage(user, tenant, step.body),
        may_open_hearing=in_hearing and step.hearing is None and manages_origin,
        may_close_hearing=in_hearing and step.hearing is not None and step.hearing.closed_at is None
        and manages_origin,
        organisations=organisations,
    )


# --------------------------------------------------------------------------- the pages


@bp.route("/<tenant>/forslag")
@access(Role.AUTHENTICATED)
def proposals():
    """The proposals the user may follow, with where each is now."""
    user = current_person()
    visible = ops.visible_proposals(user, current_tenant())
    start = start_choices(user)
    if (not visible and not start.allowed
            and role_in_tenant(user, current_tenant()) < Role.INFORMATION_RECIPIENT):
        abort(404, message="Not found.")  # nothing to follow here: the tenant is not theirs
    return render_template("proposals/proposals.html", tenant=g.tenant, proposals=visible,
                           where={p.id: ops.where_is(p) for p in visible}, start=start)


@bp.route("/<tenant>/forslag/<int:proposal_id>")
@access(Role.AUTHENTICATED)
def proposal(proposal_id: int):
    """A proposal's route as a timeline, its hearing with answers and deadline, and the
    answer form for the organisations the user acts for."""
    user = current_person()
    p = ops.get_proposal(proposal_id)
    if not ops.can_see(user, current_tenant(), p):
        abort(404, message="Not found.")
    hearings = []
    for step in p.steps:
        if step.hearing is None:
            continue
        rows = overview_rows(step.hearing)
        answerable = [r for r in rows if r["status"] == "missing" and step.hearing.closed_at is None
                      and _may_answer(user, r["organisation"])]
        hearings.append(SimpleNamespace(step=step, hearing=step.hearing, rows=rows, answerable=answerable,
                                        may_record=answerable_paper(user, step)))
    return render_template("proposals/proposal.html", tenant=g.tenant, p=p, where=ops.where_is(p),
                           hearings=hearings, actions=proposal_actions(p, user))


def answerable_paper(user, step) -> bool:
    """The secretariat may record a paper answer while the hearing is open and an answer is missing."""
    h = step.hearing
    return (h.closed_at is None and ops.may_record_paper(user, current_tenant())
            and len(h.responses) < len(h.asked))


def _may_answer(user, code: str) -> bool:
    """The user acts for the organisation (the secretariat records paper answers on the
    answer page instead)."""
    return code in {a.organisation.code for a in user.affiliations if a.organisation is not None}


# --------------------------------------------------------------------------- starting


@bp.route("/<tenant>/forslag", methods=["POST"])
@access(Role.AUTHENTICATED)
def start_proposal():
    """Start a proposal in a body the rules let the user start from; its route comes from
    the tenant's rules, and a refusal names its clause (CORE-ORIGIN, or the tenant's)."""
    back = url_for("web.proposals") + "#nyt-forslag"
    user = current_person()
    form = _stripped("body", "title", "text", "decision_sought", "plan", "district")
    form["topics"] = [t.strip() for t in request.form.get("topics", "").split(",") if t.strip()]
    for name in ("plan", "district"):
        form[name] = form.get(name) or None
    data, bad = _validated(ProposalCreateSchema(), form, START_FIELDS, back)
    if bad:
        return bad
    origin = db.session.scalar(sa.select(Body).filter_by(key=data.pop("body")))
    if origin is None:
        return refuse_field(back, "body", _("vælg et organ fra listen."), START_FIELDS)
    upload = request.files.get("file")

    def action():
        proposal = ops.start_proposal(tenant_hooks(), current_tenant(), origin=origin, proposer=user, **data)
        if upload is not None and upload.filename:
            ops.add_attachment(proposal, filename=upload.filename, stream=upload.stream, actor=user)
        return proposal

    return _run(action, _("Forslaget er rejst."), back, START_FIELDS,
                then=lambda proposal: _proposal_url(proposal.id))


# --------------------------------------------------------------------------- attachments


@bp.route("/<tenant>/forslag/<int:proposal_id>/bilag", methods=["POST"])
@access(Role.AUTHENTICATED)
def attach_to_proposal(proposal_id: int):
    """Attach a file (bilag): the proposer or the originating body's secretary; PDF, office
    documents, images or text, within the size limit."""
    p = _visible(proposal_id)
    user = current_person()
    _forbid_unless(p.proposed_by_id == user.id or ops.may_manage(user, current_tenant(), p.origin_body),
                   **ops.MAY_ATTACH)
    back = _proposal_url(p.id, "bilag")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return refuse_field(back, "file", _("vælg en fil."), FILE_FIELDS)
    return _run(lambda: ops.add_attachment(p, filename=upload.filename, stream=upload.stream, actor=user),
                _("Bilaget er vedhæftet."), back, FILE_FIELDS)


@bp.route("/<tenant>/forslag/<int:proposal_id>/bilag/<int:attachment_id>")
@access(Role.AUTHENTICATED)
def proposal_attachment(proposal_id: int, attachment_id: int):
    """Download an attachment, as stored (checked against its checksum)."""
    from core.proposals.api import attachment_response

    return attachment_response(_visible(proposal_id), attachment_id)


# --------------------------------------------------------------------------- decisions and meetings


@bp.route("/<tenant>/forslag/<int:proposal_id>/beslutning", methods=["POST"])
@access(Role.BODY_SECRETARY)
def decide_proposal(proposal_id: int):
    """Record the decision (or position) of the body the proposal is at, by its secretary;
    a body later on the route, or one not on it, is refused with the route's clause."""
    p = _visible(proposal_id)
    back = _proposal_url(p.id, "behandling")
    data, bad = _validated(DecisionSchema(), _stripped("body", "outcome", "text"), DECISION_FIELDS, back)
    if bad:
        return bad
    body = db.session.scalar(sa.select(Body).filter_by(key=data["body"]))
    if body is None:
        return refuse_field(back, "body", _("vælg et organ fra listen."), DECISION_FIELDS)
    user = current_person()
    _forbid_unless(ops.may_manage(user, current_tenant(), body), body)
    return _run(
        lambda: ops.record_decision(
            tenant_hooks(), current_tenant(), p, body, passed=data["outcome"] == "adopted",
            text=data["text"], provenance={"by": "secretary", "user": user.email}, actor=user),
        _("Beslutningen er registreret."), back, DECISION_FIELDS,
    )


@bp.route("/<tenant>/forslag/<int:proposal_id>/dagsorden", methods=["POST"])
@access(Role.BODY_SECRETARY)
def place_proposal(proposal_id: int):
    """Put the current step on its body's next planned meeting (once one is planned)."""
    p = _visible(proposal_id)
    back = _proposal_url(p.id, "behandling")

    try:
        body = ops.body_step_now(p).body
    except HTTPException as exc:
        return refuse_form(back, refusal_of(exc, {}), exc.code)
    _forbid_unless(ops.may_manage(current_person(), current_tenant(), body), body)
    return _run(lambda: ops.place_current_step(tenant_hooks(), current_tenant(), p),
                _("Forslaget er sat på dagsordenen."), back, {})


# --------------------------------------------------------------------------- hearings


def _deadline(zone) -> str | None:
    """The form's date and time (the tenant's local time) as an ISO timestamp, or None."""
    day = request.form.get("deadline_date", "").strip()
    time = request.form.get("deadline_time", "").strip() or "12:00"
    try:
        return datetime.strptime(f"{day} {time}", "%Y-%m-%d %H:%M").replace(tzinfo=zone).isoformat()
    except ValueError:
        return None


@bp.route("/<tenant>/forslag/<int:proposal_id>/hoering", methods=["POST"])
@access(Role.BODY_SECRETARY)
def open_proposal_hearing(proposal_id: int):
    """Send the proposal to hearing (CORE-HEARING): the organisations asked and the deadline."""
    p = _visible(proposal_id)
    _forbid_unless(ops.may_manage(current_person(), current_tenant(), p.origin_body), p.origin_body)
    back = _proposal_url(p.id, "hoering")
    deadline = _deadline(tenant_zone())
    if deadline is None:
        return refuse_field(back, "deadline_at", _("skriv datoen som ÅÅÅÅ-MM-DD og tiden som TT:MM."),
                            HEARING_FIELDS)
    organisations = [c for c in request.form.getlist("organisations") if c]
    if not organisations:
        return refuse_field(back, "organisations", _("vælg mindst én organisation."), HEARING_FIELDS)
    form = {"deadline_at": deadline, "organisations": organisations,
            "remind_days_before": request.form.get("remind_days_before", "").strip() or "3"}
    data, bad = _validated(HearingOpenSchema(), form, HEARING_FIELDS, back)
    if bad:
        return bad
    return _run(lambda: ops.open_hearing(p, actor=current_person(), **data), _("Forslaget er sendt i høring."),
                back, HEARING_FIELDS)


@bp.route("/<tenant>/forslag/<int:proposal_id>/hoering/afslut", methods=["POST"])
@access(Role.BODY_SECRETARY)
def close_proposal_hearing(proposal_id: int):
    """Collect the answers and move the proposal on with them; before the deadline only
    when every organisation has answered (CORE-HEARING)."""
    p = _visible(proposal_id)
    _forbid_unless(ops.may_manage(current_person(), current_tenant(), p.origin_body), p.origin_body)
    return _run(lambda: ops.close_hearing(tenant_hooks(), current_tenant(), p, actor=current_person()),
                _("Høringen er afsluttet, og forslaget er sendt videre med svarene."),
                _proposal_url(p.id, "hoering"), {})


# --------------------------------------------------------------------------- follow-ups


@bp.route("/<tenant>/forslag/opfoelgninger")
@access(Role.AUTHENTICATED)
def follow_ups():
    """Follow-ups not yet done (CORE-FOLLOW-UPS) on the proposals the user may follow, with the form
    to mark done those the user may close."""
    user, tenant = current_person(), current_tenant()
    tasks = ops.open_follow_ups(user, tenant)
    if not tasks and role_in_tenant(user, tenant) < Role.INFORMATION_RECIPIENT:
        abort(404, message="Not found.")  # nothing to follow here: the tenant is not theirs
    rows = [SimpleNamespace(task=t, may_close=ops.may_complete_follow_up(user, tenant, t.proposal, t))
            for t in tasks]
    return render_template("proposals/follow_ups.html", tenant=g.tenant, rows=rows)


@bp.route("/<tenant>/forslag/<int:proposal_id>/opfoelgninger/<int:task_id>/udfoert", methods=["POST"])
@access(Role.AUTHENTICATED)
def follow_up_done(proposal_id: int, task_id: int):
    """Mark a follow-up done, with a note: those who act for the organisation, the
    secretary of the body concerned or of the deciding body, or the secretariat (CORE-FOLLOW-UPS)."""
    p = _visible(proposal_id)
    task = ops.get_follow_up(p, task_id)
    user = current_person()
    _forbid_unless(ops.may_complete_follow_up(user, current_tenant(), p, task), **ops.MAY_COMPLETE)
    back = url_for("web.follow_ups")
    data, bad = _validated(FollowUpDoneSchema(), _stripped("note"), NOTE_FIELDS, back)
    if bad:
        return bad
    return _run(lambda: ops.complete_follow_up(p, task, note=data["note"], actor=user),
                _("Opfølgningen er markeret som udført."), back, NOTE_FIELDS)
