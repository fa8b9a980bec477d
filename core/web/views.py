"""The pages people use: a meeting (agenda, attachments, attendance, the live vote, minutes),
the body's meetings and annual plan, compliance, proposals and hearings, the public pages,
the secretariat's overview and the accessibility statement.

Handlers are thin: parse the form (with the API's marshmallow schemas), call the feature's
operation, commit, redirect (post/redirect/get). Bad input or a rule's refusal (409/422)
changes nothing and comes back as the page the form was sent from, with what was typed and
each message next to its field, the clause with a rule's reason (core/web/forms.py,
docs/decisions/0012-forms-keep-what-was-typed.md); a missing right answers with the HTML
error page (core/errors.py). Every form carries a CSRF token
(core/identity/security.py checks it on every POST outside /api/).
"""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from flask import Response, flash, g, redirect, render_template, request, session, url_for
from flask import abort as flask_abort
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from core import transactions
from core.bodies import operations as bodies
from core.decisions import operations as decisions
from core.decisions import present as decision_reading
from core.decisions.models import Motion
from core.decisions.schemas import RecordVotesSchema
from core.extensions import db
from core.identity.permissions import Role, access, refuse, require, role_in_tenant
from core.meetings import operations as meetings
from core.meetings import present
from core.meetings.models import ItemKind, Meeting, MeetingState
from core.meetings.schemas import AttendanceInputSchema, CancelSchema, ItemCreateSchema, PlanSchema
from core.models import utcnow
from core.tenants.context import current_tenant, tenant_hooks
from core.web import N_, bp
from core.web.forms import Refusal, refusal_of, refuse_field, refuse_form
from core.web.i18n import LANGUAGES

#: Who may know a meeting exists (as the meetings API).
SEES = Role.INFORMATION_RECIPIENT


# --------------------------------------------------------------------------- helpers


def _user():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _rules(body):
    return meetings.meeting_rules(body, current_tenant(), tenant_hooks())


def _meeting(meeting_id: int, role: Role) -> tuple[Meeting, Role]:
    meeting = meetings.get_meeting(meeting_id)
    return meeting, require(role, meeting.body, visible_from=SEES)


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return url_for("web.meeting", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


def _act(action, done: str, back: str, then=None, labels: dict | None = None, linked: bool = True,
         which: str | None = None):
    """Run an operation (with the parsing of its form) and commit; invalid input or a
    rule's refusal (409, 413, 422, or a 403 that names its rule, as
    ``proposal_origin_allowed``) keeps nothing and renders the page at ``back`` again with
    what was typed and the messages, each naming its field by ``labels``
    (:func:`core.web.forms.refuse_form`; ``linked`` and ``which`` as there). ``then(result)`` gives the page to go to on success."""
    try:
        result = action()
        transactions.commit()
        flash(done, "success")
    except HTTPException as exc:
        db.session.rollback()
        data = getattr(exc, "data", None) or {}
        if exc.code not in (409, 413, 422) and not (exc.code == 403 and data.get("rule")):
            raise
        return refuse_form(back, refusal_of(exc, labels or {}, linked, which), exc.code)
    return redirect(then(result) if then else back)


def _load(schema, data: dict) -> dict:
    """Validate form input with the API's schema; invalid input is a 422 with field messages.
    A field left empty is "to be filled in", whatever limit it broke."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        errors = exc.messages
        if isinstance(errors, dict):
            errors = {k: (["Missing data for required field."] if data.get(k) in ("", None) else v)
                      for k, v in errors.items()}
        abort(422, message="The input is invalid.", errors={"form": errors})


def _form(*names: str) -> dict:
    return {n: request.form[n] for n in names if n in request.form}


#: The fields of the meeting page's forms as the page labels them (messages name them).
PLAN_FIELDS = {"year": N_("År"), "meetings": N_("Ordinære møder, ét pr. linje")}
CANCEL_FIELDS = {"reason": N_("Begrundelse")}
ITEM_FIELDS = {"kind": N_("Art"), "title": N_("Overskrift"), "case_text": N_("Sagsfremstilling"),
               "recommendation": N_("Indstilling"), "is_confidential": N_("Lukket punkt"),
               "confidentiality_reason": N_("Begrundelse for lukket punkt"), "file": N_("Bilag")}
ATTENDANCE_FIELDS = {"status": N_("Fremmøde"), "acting_as": N_("Møder som"), "person": N_("Person")}
MOTION_FIELDS = {"text": N_("Forslag til beslutning"), "choice": N_("Stemme"),
                 "unit": N_("Stemmeberettiget")}
MINUTES_FIELDS = {"decision": N_("Beslutning"), "public_decision": N_("Offentlig beslutning"),
                  "at_meeting": N_("Godkendt på mødet")}
ANSWER_FIELDS = {"kind": N_("Høringssvar"), "text": N_("Bemærkninger")}


# --------------------------------------------------------------------------- language


@bp.route("/sprog", methods=["POST"])
@access(Role.PUBLIC)
def set_language():
    """The language switch: Danish or English, kept in the session."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    target = request.form.get("next") or url_for("web.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.index")
    return redirect(target)


@bp.route("/tilgaengelighed")
@access(Role.PUBLIC)
def accessibility():
    """The accessibility statement (tilgængelighedserklæring)."""
    return render_template("web/accessibility.html")


# --------------------------------------------------------------------------- meetings


@bp.route("/<tenant>/organer/<key>/moeder")
@access(Role.INFORMATION_RECIPIENT)
def body_meetings(key: str):
    """A body's meetings of a year, with the annual plan form for its secretary."""
    body = bodies.get_body(key)
    role = require(SEES, body, visible_from=SEES)
    year = request.args.get("year", type=int) or utcnow().year
    return render_template(
        "web/meetings.html", tenant=g.tenant, body=body, year=year,
        meetings=meetings.body_meetings(body, year), is_secretary=role >= Role.BODY_SECRETARY,
        is_member=role >= Role.MEMBER, STATE=meetings.STATE_DA,
    )


@bp.route("/<tenant>/organer/<key>/aarsplan", methods=["POST"])
@access(Role.BODY_SECRETARY)
def plan_year(key: str):
    """Plan the year's ordinary meetings (ALB-B7, ALB-R2, ALB-S3, SLA-7): one line per
    meeting, ``YYYY-MM-DD HH:MM[, place]``, in the tenant's local time."""
    body = bodies.get_body(key)
    require(Role.BODY_SECRETARY, body, visible_from=SEES)
    from datetime import datetime

    from core.notifications.operations import _zone

    zone = _zone(g.tenant)
    rows = []
    for n, line in enumerate(request.form.get("meetings", "").splitlines(), start=1):
        if not line.strip():
            continue
        when, _sep, place = line.partition(",")
        try:
            starts = datetime.strptime(when.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
        except ValueError:
            return refuse_field(url_for("web.body_meetings", key=key), "meetings",
                                _("skriv tidspunktet på linje %(n)s som ÅÅÅÅ-MM-DD TT:MM.", n=n), PLAN_FIELDS)
        rows.append({"starts_at": starts.isoformat(), "location": place.strip()})

    def act():
        data = _load(PlanSchema(), {"year": request.form.get("year"), "meetings": rows})
        return meetings.plan_year(body, data["year"], data["meetings"], current_tenant(), tenant_hooks())

    year = request.form.get("year", "")
    return _act(act, _("Årsplanen er gemt."),
                url_for("web.body_meetings", key=key, **({"year": year} if year.isdigit() else {})),
                labels=PLAN_FIELDS)


def _vote_context(item) -> dict:
    """What the live vote shows one reader: the motion, who has voted, my units, the result."""
    user = _user()
    motion = decisions.motion_for_item(item)
    ctx = {"item": item, "motion": motion, "may_lead": decisions.may_lead(user, item.meeting.body),
           "units": [], "cast": [], "names": {}, "recordable": [], "explanation": None,
           # SLA-6: those present may have a dissent recorded (the operation decides).
           "present": bool(user) and any(a.person_id == user.id and a.status.value == "present"
                                         for a in item.meeting.attendances)}
    if motion is None:
        return ctx
    voted = {v.unit_key: v for v in motion.votes}
    view = decisions.voting_view(motion, user, hooks=tenant_hooks(), tenant=current_tenant(),
                                 leader=ctx["may_lead"])
    mine = view["mine"]
    ctx["names"] = view["names"]
    ctx["recordable"] = view["recordable"]  # the votes given in the room, for the leader
    ctx["units"] = [u for u in mine if u["key"] not in voted]
    ctx["cast"] = [voted[u["key"]] for u in mine if u["key"] in voted]
    if motion.outcome:
        lang = session.get("lang", "da")
        ctx["explanation"] = motion.outcome.get("explanation", {}).get(lang) or motion.outcome.get(
            "explanation", {}).get("da")
    return ctx


@bp.route("/<tenant>/moeder/<int:meeting_id>")
@access(Role.INFORMATION_RECIPIENT)
def meeting(meeting_id: int):
    """A meeting: agenda (closed items for members only), attachments, attendance, live
    votes on decision items, minutes, approval; the secretary's actions."""
    meeting, role = _meeting(meeting_id, SEES)
    rules = _rules(meeting.body)
    view = present.meeting_view(meeting, role, rules)
    user = _user()
    votes = {i.id: _vote_context(i) for i in view.items
             if isinstance(i, meetings.AgendaItem) and i.kind is ItemKind.DECISION}
    minutes = present.minutes_view(meeting, role, rules, current_tenant(), tenant_hooks())
    entries = {}
    draft = meetings.current_version(meeting)
    if draft is not None:
        entries = {e.item_id: e for e in draft.entries}
    return render_template(
        "web/meeting.html", tenant=g.tenant, meeting=meeting, view=view, role=role, rules=rules,
        votes=votes, minutes=minutes, entries=entries, Role=Role,
        my_seats=[s for s in meeting.body.seats_on(meeting.starts_at.date())
                  if user and s.holder_id == user.id],
        is_secretary=role >= Role.BODY_SECRETARY, sees_closed=meetings.can_see_confidential(role),
        STATE=meetings.STATE_DA, REASONS=meetings.CONFIDENTIALITY_REASONS, MeetingState=MeetingState,
        awaiting_me=bool(user and user.email in minutes["awaiting_approval_from"]),
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/kalender.ics")
@access(Role.INFORMATION_RECIPIENT)
def meeting_calendar(meeting_id: int):
    """The meeting as an iCalendar file (time and place), for the reader's calendar."""
    from core.notifications import ical

    meeting, _role = _meeting(meeting_id, SEES)
    data = ical.feed([(meeting, g.tenant.slug)], meeting.body.name)
    resp = Response(data, mimetype="text/calendar")
    resp.headers["Content-Disposition"] = f'attachment; filename="moede-{meeting.id}.ics"'
    return resp


def _secretary_step(meeting_id: int, step, done: str, labels: dict | None = None):
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    return _act(lambda: step(meeting), done, _meeting_url(meeting), labels=labels)


@bp.route("/<tenant>/moeder/<int:meeting_id>/udsend-dagsorden", methods=["POST"])
@access(Role.BODY_SECRETARY)
def publish_agenda(meeting_id: int):
    """Send out the agenda; late is recorded as a breach (ALB-B8)."""
    return _secretary_step(meeting_id, lambda m: meetings.publish_agenda(m, _rules(m.body)),
                           _("Dagsordenen er udsendt."))


@bp.route("/<tenant>/moeder/<int:meeting_id>/afholdt", methods=["POST"])
@access(Role.BODY_SECRETARY)
def record_held(meeting_id: int):
    """Record that the meeting took place."""
    return _secretary_step(meeting_id, meetings.record_held, _("Mødet er registreret som afholdt."))


@bp.route("/<tenant>/moeder/<int:meeting_id>/aflys", methods=["POST"])
@access(Role.BODY_SECRETARY)
def cancel_meeting(meeting_id: int):
    """Cancel a meeting that has not been held, with a reason."""
    reason = {"reason": request.form.get("reason", "").strip()}
    return _secretary_step(meeting_id, lambda m: meetings.cancel(m, _load(CancelSchema(), reason)["reason"]),
                           _("Mødet er aflyst."), labels=CANCEL_FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter", methods=["POST"])
@access(Role.MEMBER)
def add_item(meeting_id: int):
    """Add an item (the secretary), or ask for one as a member before the deadline (ALB-R3)."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    form = _form("kind", "title", "case_text", "recommendation", "confidentiality_reason")
    form["is_confidential"] = request.form.get("is_confidential") == "on"
    if not form["is_confidential"]:
        form["confidentiality_reason"] = ""
    return _act(lambda: meetings.add_item(meeting, _load(ItemCreateSchema(), form), _user(), role,
                                          _rules(meeting.body)),
                _("Punktet er sat på dagsordenen."), _meeting_url(meeting, "dagsorden"), labels=ITEM_FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/slet", methods=["POST"])
@access(Role.BODY_SECRETARY)
def remove_item(meeting_id: int, item_id: int):
    """Take an item off the agenda."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    return _act(lambda: meetings.remove_item(meeting, item), _("Punktet er taget af dagsordenen."),
                _meeting_url(meeting, "dagsorden"))


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/bilag", methods=["POST"])
@access(Role.BODY_SECRETARY)
def add_attachment(meeting_id: int, item_id: int):
    """Attach a file (bilag) to an item: the type and size limits of the meetings feature."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    upload = request.files.get("file")
    back = _meeting_url(meeting, f"punkt-{item.id}")
    if upload is None or not upload.filename:
        return refuse_field(back, "file", _("vælg en fil."), ITEM_FIELDS)
    return _act(lambda: meetings.add_attachment(meeting, item, upload, _user()),
                _("Bilaget er vedhæftet."), back, labels=ITEM_FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/fremmoede", methods=["POST"])
@access(Role.MEMBER)
def record_attendance(meeting_id: int):
    """Attendance: a member for their own seat (present, apologies), the secretary for any."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    seat_key = request.form.get("seat", "")
    form = {n: request.form[n].strip() for n in ("status", "acting_as", "person") if request.form.get(n, "").strip()}
    return _act(
        lambda: meetings.record_attendance(meeting, seat_key, _load(AttendanceInputSchema(), form), _user(),
                                           role, current_tenant(), tenant_hooks()),
        _("Fremmødet er registreret."), _meeting_url(meeting, "fremmoede"), labels=ATTENDANCE_FIELDS,
    )


# --------------------------------------------------------------------------- votes


def _visible_item(item_id: int):
    return decision_reading.readable_item(item_id, _user())[0]


def _visible_motion(motion_id: int) -> Motion:
    return decision_reading.readable_motion(motion_id, _user())[0]


def _back_to_item(item) -> str:
    return _meeting_url(item.meeting, f"punkt-{item.id}")


@bp.route("/<tenant>/punkter/<int:item_id>/afstemning")
@access(Role.INFORMATION_RECIPIENT)
def vote_fragment(item_id: int):
    """The live vote of one item as a fragment (polled by live.js; readable on its own)."""
    item = _visible_item(item_id)
    require(SEES, item.meeting.body, visible_from=SEES)
    return render_template("web/_vote.html", v=_vote_context(item))


@bp.route("/<tenant>/punkter/<int:item_id>/afstemning", methods=["POST"])
@access(Role.AUTHENTICATED)
def open_motion(item_id: int):
    """Open a motion on a decision item (the meeting leader, chair or secretary)."""
    item = _visible_item(item_id)
    text = request.form.get("text", "").strip() or item.recommendation or item.title
    return _act(
        lambda: decisions.open_motion(
            item, user=_user(), hooks=tenant_hooks(), tenant=current_tenant(), text=text,
            secret=request.form.get("secret") == "on",
            majority="two_thirds" if request.form.get("majority") == "two_thirds" else "simple"),
        _("Afstemningen er åbnet."), _back_to_item(item), labels=MOTION_FIELDS,
    )


def _motion_step(motion_id: int, step, done: str):
    # A vote's forms repeat per unit on the page: their messages stand unlinked at the top.
    motion = _visible_motion(motion_id)
    return _act(lambda: step(motion, user=_user(), hooks=tenant_hooks(), tenant=current_tenant()),
                done, _back_to_item(motion.item), labels=MOTION_FIELDS, linked=False)


@bp.route("/<tenant>/afstemninger/<int:motion_id>/stem", methods=["POST"])
@access(Role.AUTHENTICATED)
def cast_vote(motion_id: int):
    """Cast the vote of the unit (organisation or seat) the user represents, once."""
    choice = request.form.get("choice", "")
    if choice not in ("yes", "no", "abstain"):
        motion = _visible_motion(motion_id)
        return refuse_field(_back_to_item(motion.item), "choice", _("vælg ja, nej eller undlader."),
                            MOTION_FIELDS, linked=False)
    unit = request.form.get("unit") or None
    return _motion_step(motion_id, lambda m, **kw: decisions.cast_vote(m, choice=choice, unit=unit, **kw),
                        _("Din stemme er afgivet."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/registrer", methods=["POST"])
@access(Role.AUTHENTICATED)
def record_votes(motion_id: int):
    """Record the votes given in the room (a show of hands), one choice per unit present;
    a unit left blank is not recorded (the meeting leader, chair or secretary)."""
    motion = _visible_motion(motion_id)
    votes = [{"unit": key.removeprefix("vote-"), "choice": choice}
             for key, choice in request.form.items() if key.startswith("vote-") and choice]
    if not votes:
        return refuse_form(_back_to_item(motion.item), Refusal(
            {}, [_("Vælg ja, nej eller undlader for mindst én stemmeberettiget.")]))
    return _motion_step(
        motion_id,
        lambda m, **kw: decisions.record_votes(
            m, _load(RecordVotesSchema(), {"votes": votes})["votes"], **kw),
        _("Stemmerne fra mødet er registreret."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/til-afstemning", methods=["POST"])
@access(Role.AUTHENTICATED)
def open_voting(motion_id: int):
    """Consensus was not reached: put the motion to a vote (ALB-B4)."""
    return _motion_step(motion_id, decisions.open_voting, _("Forslaget er sat til afstemning."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/indsigelse", methods=["POST"])
@access(Role.AUTHENTICATED)
def object_to(motion_id: int):
    """Object to the conclusion or to consensus (SLA-5, ALB-B4)."""
    reason = request.form.get("reason", "")
    return _motion_step(motion_id, lambda m, **kw: decisions.object_to(m, reason=reason, **kw),
                        _("Din indsigelse er registreret."))


@bp.route("/<tenant>/afstemninger/<int:motion_id>/luk", methods=["POST"])
@access(Role.AUTHENTICATED)
def close_motion(motion_id: int):
    """Close the motion: the outcome is computed, explained and stored."""
    return _motion_step(motion_id, decisions.close_motion, _("Afstemningen er afsluttet."))


# --------------------------------------------------------------------------- minutes


@bp.route("/<tenant>/moeder/<int:meeting_id>/punkter/<int:item_id>/referat", methods=["POST"])
@access(Role.BODY_SECRETARY)
def write_minutes(meeting_id: int, item_id: int):
    """Write the decision on an item in the draft minutes (and the public decision of a
    closed item, ALB-B11)."""
    meeting, _role = _meeting(meeting_id, Role.BODY_SECRETARY)
    item = meetings.get_item(meeting, item_id)
    data = _form("decision", "public_decision")
    return _act(lambda: meetings.write_entry(meeting, item, data), _("Referatet er gemt."),
                _meeting_url(meeting, f"referat-{item.id}"), labels=MINUTES_FIELDS)


@bp.route("/<tenant>/moeder/<int:meeting_id>/send-referat", methods=["POST"])
@access(Role.BODY_SECRETARY)
def send_minutes(meeting_id: int):
    """Send the minutes; late is recorded as a breach (ALB-B9)."""
    return _secretary_step(meeting_id, lambda m: meetings.send_minutes(m, _rules(m.body)),
                           _("Referatet er udsendt."))


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/godkend", methods=["POST"])
@access(Role.MEMBER)
def approve_minutes(meeting_id: int):
    """One click: a member approves the minutes (ALB-B9)."""
    meeting, _role = _meeting(meeting_id, Role.MEMBER)
    return _act(
        lambda: meetings.approve_by_member(meeting, _user(), _rules(meeting.body), current_tenant(),
                                           tenant_hooks()),
        _("Du har godkendt referatet."), _meeting_url(meeting, "referat"),
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/referat/godkendt", methods=["POST"])
@access(Role.BODY_SECRETARY)
def approve_by_body(meeting_id: int):
    """Record the approval by the board or at the next meeting (SLA-9, ALB-S4)."""
    at = request.form.get("at_meeting", type=int)
    return _secretary_step(meeting_id, lambda m: meetings.approve_by_body(m, at, _rules(m.body)),
                           _("Godkendelsen er registreret."), labels=MINUTES_FIELDS)


# --------------------------------------------------------------------------- compliance


@bp.route("/<tenant>/organer/<key>/overholdelse")
@access(Role.MEMBER)
def compliance(key: str):
    """Meetings held vs required and deadlines met, for a year, as a chart and a table."""
    body = bodies.get_body(key)
    require(Role.MEMBER, body, visible_from=SEES)
    year = request.args.get("year", type=int) or utcnow().year
    report = meetings.compliance(body, year, current_tenant(), tenant_hooks())
    return render_template("web/compliance.html", tenant=g.tenant, body=body, c=report, year=year)


@bp.route("/<tenant>/sekretariat")
@access(Role.TENANT_ADMIN)
def secretariat():
    """The secretariat's overview: every body, its seats (vacancies), meetings and compliance."""
    return render_template("web/secretariat.html", tenant=g.tenant, bodies=bodies.list_bodies(),
                           year=utcnow().year)


# --------------------------------------------------------------------------- proposals


@bp.route("/<tenant>/forslag")
@access(Role.AUTHENTICATED)
def proposals():
    """The proposals the user may follow, with where each is now."""
    from core.proposals import operations as proposals_ops
    from core.web.proposal_pages import start_choices

    user = _user()
    visible = proposals_ops.visible_proposals(user, current_tenant())
    start = start_choices(user)
    if (not visible and not start.allowed
            and role_in_tenant(user, current_tenant()) < Role.INFORMATION_RECIPIENT):
        abort(404, message="Not found.")  # nothing to follow here: the tenant is not theirs
    return render_template("web/proposals.html", tenant=g.tenant, proposals=visible,
                           where={p.id: proposals_ops.where_is(p) for p in visible}, start=start)


@bp.route("/<tenant>/forslag/<int:proposal_id>")
@access(Role.AUTHENTICATED)
def proposal(proposal_id: int):
    """A proposal's route as a timeline, its hearing with answers and deadline, and the
    answer form for the organisations the user acts for."""
    from core.proposals import operations as proposals_ops

    user = _user()
    p = proposals_ops.get_proposal(proposal_id)
    if not proposals_ops.can_see(user, current_tenant(), p):
        abort(404, message="Not found.")
    hearings = []
    for step in p.steps:
        if step.hearing is None:
            continue
        rows = proposals_ops.hearing_overview(step.hearing)
        answerable = [r for r in rows if r["status"] == "missing" and step.hearing.closed_at is None
                      and _may_answer(user, r["organisation"])]
        hearings.append(SimpleNamespace(step=step, hearing=step.hearing, rows=rows, answerable=answerable))
    from core.web.proposal_pages import proposal_actions

    return render_template("web/proposal.html", tenant=g.tenant, p=p, where=proposals_ops.where_is(p),
                           hearings=hearings, actions=proposal_actions(p, user))


def _may_answer(user, code: str) -> bool:
    from core.organisations.models import Organisation
    from core.proposals import operations as proposals_ops

    org = db.session.scalar(sa.select(Organisation).filter_by(code=code))
    return org is not None and proposals_ops.may_answer_for(user, current_tenant(), org)


@bp.route("/<tenant>/forslag/<int:proposal_id>/hoeringssvar", methods=["POST"])
@access(Role.AUTHENTICATED)
def answer_hearing(proposal_id: int):
    """An organisation's one answer to the hearing: comments, or no comments."""
    from core.organisations.models import Organisation
    from core.proposals import operations as proposals_ops
    from core.proposals.models import ResponseKind

    user = _user()
    p = proposals_ops.get_proposal(proposal_id)
    if not proposals_ops.can_see(user, current_tenant(), p):
        abort(404, message="Not found.")
    org = db.session.scalar(sa.select(Organisation).filter_by(code=request.form.get("organisation", "")))
    if org is None or not proposals_ops.may_answer_for(user, current_tenant(), org):
        refuse(Role.AUTHENTICATED, **proposals_ops.MAY_ANSWER)
    back = url_for("web.proposal", proposal_id=p.id) + "#hoering"
    kind = request.form.get("kind", "")
    if kind not in {k.value for k in ResponseKind}:
        return refuse_field(back, "kind", _("vælg et svar."), ANSWER_FIELDS, which="organisation")
    return _act(
        lambda: proposals_ops.respond_to_hearing(p, org, kind=ResponseKind(kind),
                                                 text=request.form.get("text", ""), actor=user),
        _("Høringssvaret er afgivet."), back, labels=ANSWER_FIELDS, which="organisation",
    )


# --------------------------------------------------------------------------- public


@bp.route("/<tenant>/offentlig")
@access(Role.PUBLIC)
def public_meetings():
    """Published agendas and final minutes of the tenant, without closed content."""
    q = (sa.select(Meeting).where(Meeting.state.in_(present.PUBLIC_AGENDA_STATES))
         .order_by(Meeting.starts_at.desc()))
    return render_template("web/public_meetings.html", tenant=g.tenant,
                           meetings=[present.public_meeting(m) for m in db.session.scalars(q)])


@bp.route("/<tenant>/offentlig/moeder/<int:meeting_id>")
@access(Role.PUBLIC)
def public_meeting(meeting_id: int):
    """One published agenda with its final minutes; closed items as «Lukket punkt» (ALB-B11, ALB-R6)."""
    m = db.session.get(Meeting, meeting_id)
    if m is None or m.state not in present.PUBLIC_AGENDA_STATES:
        flask_abort(404)
    return render_template("web/public_meeting.html", tenant=g.tenant, m=present.public_meeting(m))
