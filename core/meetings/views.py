"""The meetings' pages: a body's meetings of a year with the annual plan, creating a meeting
(ordinary, or extraordinary under CORE-EXTRAORDINARY) and moving it, the meeting page (agenda,
attachments, attendance, minutes, approval, and what other features add to it, as the live
votes of core/decisions/views.py), sending the agenda, recording the meeting held or
cancelling it, the meeting as an iCalendar file, and compliance. The agenda, attendance and
mandates are in ``agenda_views``, the minutes in ``minutes_views``, the public pages in
``public_views``.

Handlers are thin: parse the form (with the API's marshmallow schemas), call the feature's
operation, commit, redirect (post/redirect/get). Bad input or a rule's refusal (409/422)
changes nothing and comes back as the page the form was sent from, with what was typed and
each message next to its field, the clause with a rule's reason (core/web/forms.py,
docs/decisions/0012-forms-keep-what-was-typed.md); a missing right answers with the HTML
error page (core/errors.py). Every form carries a CSRF token
(core/identity/security.py checks it on every POST outside /api/).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import time

from flask import Blueprint, Response, current_app, g, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from flask_wtf.csrf import generate_csrf

from core import clock
from core.bodies import operations as bodies
from core.identity.auth import logged_in_by_session, session_login
from core.identity.permissions import Role, access, require
from core.meetings import cache, present
from core.meetings import operations as meetings
from core.meetings.models import Meeting, MeetingState
from core.meetings.hooks import information_clause
from core.meetings.schemas import CancelSchema, MeetingCreateSchema, MeetingUpdateSchema, PlanSchema
from core.tenancy import current_tenant, tenant_hooks
from core.web import N_, bp, current_person, tenant_zone
from core.web.forms import act, filled_values, form_lines, load, refuse_field
from core.web.i18n import select_locale

#: The templates of the meetings' pages (``templates/meetings/``).
templates = Blueprint("meetings_templates", __name__, template_folder="templates")

#: Who may know a meeting exists (as the meetings API).
SEES = Role.INFORMATION_RECIPIENT

#: The fields of the meeting page's forms as the page labels them (messages name them).
PLAN_FIELDS = {"year": N_("År"), "meetings": N_("Ordinære møder, ét pr. linje")}
CANCEL_FIELDS = {"reason": N_("Begrundelse")}

#: The fields of the other meetings forms as the pages show them, so a message names the field.
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
    "decision_theme": N_("Beslutningstema"),
    "case_text": N_("Sagsfremstilling"),
    "economy": N_("Økonomi"),
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
def _labels():
    return {
        "KINDS": {"B": _("Beslutning"), "D": _("Drøftelse"), "O": _("Orientering")},
        "STATES": {"planned": _("planlagt"), "agenda_published": _("indkaldt (dagsordenen er udsendt)"),
                   "in_session": _("i gang (mødet er åbnet)"),
                   "held": _("afholdt"), "minutes_sent": _("afholdt, og referatet er udsendt"),
                   "minutes_approved": _("afholdt, og referatet er godkendt"), "cancelled": _("aflyst")},
        "ATTENDANCE": {"expected": _("Forventet"), "present": _("Til stede"),
                       "apologies": _("Afbud"), "absent": _("Fraværende")},
        "BREACHES": {k: _(v) for k, v in BREACHES.items()},
        "ON_BEHALF_OF": {k: _(v) for k, v in ON_BEHALF_OF.items()},
        "ACTING_AS": {
            "holder": _("Indehaver"),
            "substitute": _("Suppleant"),
            "delegate": _("Uddelegeret mandat"),
        },
    }


# --------------------------------------------------------------------------- helpers


def rules_of(body):
    """The meeting rules of ``body`` as the current tenant's plugins give them."""
    return meetings.meeting_rules(body, current_tenant(), tenant_hooks())


def meeting_for(meeting_id: int, role: Role) -> tuple[Meeting, Role]:
    """The meeting, if the user may know it exists and holds ``role`` in its body."""
    meeting = meetings.get_meeting(meeting_id)
    return meeting, require(role, meeting.body, visible_from=SEES)


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return url_for("web.meeting", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


def body_for(key: str, role: Role):
    """The body and the user's role in it, if it is at least ``role``."""
    body = bodies.get_body(key)
    return body, require(role, body, visible_from=SEES)


def act_on_meeting(action, done: str, back: str, then=None, linked: bool = True):
    """:func:`core.web.forms.act` with the messages naming the fields by :data:`FIELDS`."""
    return act(action, done, back, then=then, labels=FIELDS, linked=linked)


def secretary_step(meeting_id: int, step, done: str, labels: dict | None = None):
    """A step of the meeting's secretary, with no form but a reason at most."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    return act(lambda: step(meeting), done, meeting_url(meeting), labels=labels)


#: What other features add to the meeting page, by the name the template knows it by:
#: ``part(meeting, view)`` gives the value (the live votes, core/decisions/views.py). The
#: meetings feature does not import those that build on it.
MEETING_PAGE_PARTS: dict[str, Callable] = {}


def meeting_page_part(name: str):
    """Register a function that adds ``name`` to the meeting page's template."""

    def register(part: Callable) -> Callable:
        MEETING_PAGE_PARTS[name] = part
        return part

    return register


# --------------------------------------------------------------------------- a body's meetings


@bp.route("/<tenant>/organer/<key>/moeder")
@access(Role.INFORMATION_RECIPIENT)
def body_meetings(key: str):
    """A body's meetings of a year, with the annual plan form for its secretary."""
    body = bodies.get_body(key)
    role = require(SEES, body, visible_from=SEES)
    year = request.args.get("year", type=int) or clock.today().year
    return render_template(
        "meetings/meetings.html", tenant=g.tenant, body=body, year=year,
        meetings=meetings.body_meetings(body, year), is_secretary=role >= Role.BODY_SECRETARY,
        is_member=role >= Role.MEMBER, STATE=meetings.STATE_DA,
    )


@bp.route("/<tenant>/organer/<key>/aarsplan", methods=["POST"])
@access(Role.BODY_SECRETARY)
def plan_year(key: str):
    """Plan the year's ordinary meetings (CORE-MEETINGS-PER-YEAR): one line per
    meeting, ``YYYY-MM-DD HH:MM[, place]``, in the tenant's local time."""
    body = bodies.get_body(key)
    require(Role.BODY_SECRETARY, body, visible_from=SEES)
    zone = tenant_zone(g.tenant)
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

    def action():
        data = load(PlanSchema(), {"year": request.form.get("year"), "meetings": rows})
        return meetings.plan_year(body, data["year"], data["meetings"], current_tenant(), tenant_hooks())

    year = request.form.get("year", "")
    return act(action, _("Årsplanen er gemt."),
               url_for("web.body_meetings", key=key, **({"year": year} if year.isdigit() else {})),
               labels=PLAN_FIELDS)


def _starts_at() -> dict:
    """``date`` + ``time`` fields in the tenant's local time, as the schemas' ``starts_at``."""
    day, hour = request.form.get("date", "").strip(), request.form.get("time", "").strip()
    if not day and not hour:
        return {}
    try:
        when = datetime.strptime(f"{day} {hour}", "%Y-%m-%d %H:%M").replace(tzinfo=tenant_zone())
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


@bp.route("/<tenant>/organer/<key>/moeder", methods=["POST"])
@access(Role.MEMBER)
def create_meeting(key: str):
    """A new meeting: ordinary (the secretariat), or extraordinary, called by those the
    rules allow (CORE-EXTRAORDINARY: e.g. the body or the secretariat, the chair, a majority of the
    members or the competence chief) — the operation asks the rules and cites the clause."""
    body, _role = body_for(key, Role.MEMBER)

    def action():
        form = filled_values(
            "kind",
            "title",
            "duration_minutes",
            "location",
            "online_url",
            "on_behalf_of",
            "call_reason",
        )
        data = load(
            MeetingCreateSchema(), {**form, **_starts_at(), "supporters": form_lines("supporters")}
        )
        return meetings.create_meeting(body, data, current_person(), current_tenant(), tenant_hooks())

    return act_on_meeting(
        action,
        _("Mødet er oprettet."),
        url_for("web.body_meetings", key=key) + "#nyt-moede",
        then=lambda m: meeting_url(m),
    )


# --------------------------------------------------------------------------- a meeting


#: What stands for the reader's CSRF token in a stored meeting page: the token is the
#: session's and expires, so each answer puts the current one back.
CSRF_MARK = b"<!--csrf-token-->"


def page_cacheable() -> bool:
    """Whether this request's meeting page may come from, or go to, the page cache: a plain
    GET by a reader logged in by the session, with no message waiting to be shown and no
    refused form to show again (docs/decisions/0032-meeting-page-cache.md)."""
    return (request.method == "GET" and not request.args and "_flashes" not in session
            and g.get("refusal") is None and logged_in_by_session())


#: The pages kept in the meeting cache, by endpoint: ``None`` for the reader's own meeting
#: page (its forms carry the reader's token), else the name of a page or fragment that every
#: reader of an audience shares (the leader's view's live part, core/decisions/session_views.py).
CACHED_PAGES: dict[str, str | None] = {"web.meeting": None}


@bp.app_url_value_preprocessor
def _page_from_cache(endpoint, values):
    """The meeting page for a reader whose access decision is cached and fresh, before the
    tenant, the user's row or the role are loaded (as the meetings API's document,
    docs/decisions/0009-cached-access-decision.md); an app-wide preprocessor, so it runs
    before the blueprint binds the tenant. On any miss the request is decided in full,
    once, after the generations are read."""
    if endpoint not in CACHED_PAGES or not values or not page_cacheable():
        return
    page = cache.answer_from_decision(values, select_locale(), shared=CACHED_PAGES[endpoint],
                                      render=endpoint == "web.meeting")
    if page is not None:
        g.decided_page = page


@bp.url_value_preprocessor
def _page_generations(endpoint, values):
    """After the tenant is found (core/web binds it first), before the user and the role:
    the generations the page and the decision will be stamped with."""
    if endpoint in CACHED_PAGES and "meeting_generations" in g:
        g.meeting_generations = cache.generations_for(
            g.tenant, values["meeting_id"], g.meeting_generations)


def _page_answer(stored: bytes) -> Response:
    """A stored meeting page with the reader's CSRF token, and an ETag that names the page,
    the session's token and the token's hour, so a 304 never keeps an expired token."""
    token = generate_csrf()
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600) or 0
    hour = int(time.time() // limit) if limit else 0
    tag = cache.etag(stored + f"\n{session.get('csrf_token', '')}\n{hour}".encode())
    if request.if_none_match.contains(tag):
        resp = Response(status=304)
    else:
        resp = Response(stored.replace(CSRF_MARK, token.encode()), mimetype="text/html")
    resp.set_etag(tag)
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp


@bp.route("/<tenant>/moeder/<int:meeting_id>")
@access(Role.INFORMATION_RECIPIENT)
def meeting(meeting_id: int):
    """A meeting: agenda (closed items for members only), attachments, attendance, live
    votes on decision items, minutes, approval; the secretary's actions.

    Kept per reader, language and day under the meeting's generations, like the meetings
    API's document (core/meetings/cache/); served from there while nothing the page
    shows was written since, with an ETag for ``If-None-Match``."""
    page = g.pop("decided_page", None)  # _page_from_cache
    if page is not None:
        return _page_answer(page)
    gens = g.pop("meeting_generations", None)
    role = cache.decided_role(gens)  # a fresh kept decision whose page is stale
    meeting, role = (meetings.get_meeting(meeting_id), role) if role else meeting_for(meeting_id, SEES)
    cached = None
    if gens is not None and page_cacheable():
        login = session_login(current_user.id, current_user)
        if login is not None:
            cached = gens.lookup(role.name, cache.page_suffix(login, select_locale(), gens.day))
    if cached is not None and cached.doc is not None:
        cache.keep_decision(cached, meeting, role)
        return _page_answer(cached.doc)
    html = _render_meeting(meeting, role)
    if cached is None or not cached.storable:
        return html
    stored = html.encode().replace(generate_csrf().encode(), CSRF_MARK)
    cached.store(stored)
    cache.keep_decision(cached, meeting, role)
    return _page_answer(stored)


def _render_meeting(meeting: Meeting, role: Role) -> str:
    # Everything the page shows, in a fixed number of statements (issue #20).
    meeting = meetings.load_for_page(meeting)
    rules = rules_of(meeting.body)
    user = current_person()
    # the meeting's disqualifications, read once: the closed items the reader is
    # disqualified on, and the page part that shows them (disqualification_views.py)
    disqualified = meetings.disqualifications(meeting) if role >= Role.MEMBER else {}
    hidden = meetings.hidden_items(meeting, user, disqualified)
    view = present.meeting_view(meeting, role, rules, hidden)
    view.disqualifications = disqualified
    parts = {name: part(meeting, view) for name, part in MEETING_PAGE_PARTS.items()}
    minutes = present.minutes_view(meeting, role, rules, current_tenant(), tenant_hooks(), hidden,
                                   disqualified if role >= Role.MEMBER else None)
    entries = {}
    draft = meetings.current_version(meeting)
    if draft is not None:
        entries = {e.item_id: e for e in draft.entries}
    return render_template(
        "meetings/meeting.html", tenant=g.tenant, meeting=meeting, view=view, role=role, rules=rules,
        minutes=minutes, entries=entries, Role=Role,
        my_seats=[s for s in meeting.body.seats_on(meeting.starts_at.date())
                  if user and s.holder_id_on(meeting.starts_at.date()) == user.id],
        is_secretary=role >= Role.BODY_SECRETARY, may_open=meetings.may_open(user, meeting),
        sees_closed=meetings.can_see_confidential(role), hidden=hidden,
        STATE=meetings.STATE_DA, REASONS=meetings.CONFIDENTIALITY_REASONS, MeetingState=MeetingState,
        awaiting_me=bool(user and user.email in minutes["awaiting_approval_from"]),
        # An information recipient reads "til orientering", with the clause that says so.
        information_clause=information_clause(meeting.body) if role == Role.INFORMATION_RECIPIENT
        else None,
        **parts,
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/kalender.ics")
@access(Role.INFORMATION_RECIPIENT)
def meeting_calendar(meeting_id: int):
    """The meeting as an iCalendar file (time and place), for the reader's calendar."""
    from core.notifications import ical

    meeting, _role = meeting_for(meeting_id, SEES)
    data = ical.feed([(meeting, g.tenant.slug)], meeting.body.name)
    resp = Response(data, mimetype="text/calendar")
    resp.headers["Content-Disposition"] = f'attachment; filename="moede-{meeting.id}.ics"'
    return resp


@bp.route("/<tenant>/moeder/<int:meeting_id>/rediger")
@access(Role.BODY_SECRETARY)
def edit_meeting(meeting_id: int):
    """The form to move a meeting (time, duration, place, link) or rename it."""
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)
    return render_template(
        "meetings/meeting_edit.html",
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
    meeting, _role = meeting_for(meeting_id, Role.BODY_SECRETARY)

    def action():
        form = {
            n: request.form[n].strip()
            for n in ("title", "location", "online_url")
            if n in request.form
        }
        form.update(filled_values("duration_minutes"))
        cleared_url = form.get("online_url") == ""
        if cleared_url:
            del form["online_url"]
        data = load(MeetingUpdateSchema(), {**form, **_starts_at()})
        if cleared_url:
            data["online_url"] = ""
        return meetings.update_meeting(meeting, data)

    return act_on_meeting(
        action,
        _("Mødet er ændret."),
        url_for("web.edit_meeting", meeting_id=meeting.id),
        then=lambda m: meeting_url(m),
    )


@bp.route("/<tenant>/moeder/<int:meeting_id>/udsend-dagsorden", methods=["POST"])
@access(Role.BODY_SECRETARY)
def publish_agenda(meeting_id: int):
    """Send out the agenda; late is recorded as a breach (CORE-NOTICE-DAYS)."""
    return secretary_step(meeting_id, lambda m: meetings.publish_agenda(m, rules_of(m.body)),
                          _("Dagsordenen er udsendt."))


@bp.route("/<tenant>/moeder/<int:meeting_id>/aabn", methods=["POST"])
@access(Role.MEMBER)
def open_session(meeting_id: int):
    """Open the meeting on its day (CORE-SESSION): the meeting leader or the secretary."""
    meeting, _role = meeting_for(meeting_id, Role.MEMBER)
    return act(lambda: meetings.open_session(meeting, current_person(), current_tenant()),
               _("Mødet er åbnet."), meeting_url(meeting))


@bp.route("/<tenant>/moeder/<int:meeting_id>/afholdt", methods=["POST"])
@access(Role.BODY_SECRETARY)
def record_held(meeting_id: int):
    """Record that the meeting took place."""
    return secretary_step(meeting_id, meetings.record_held, _("Mødet er registreret som afholdt."))


@bp.route("/<tenant>/moeder/<int:meeting_id>/aflys", methods=["POST"])
@access(Role.BODY_SECRETARY)
def cancel_meeting(meeting_id: int):
    """Cancel a meeting that has not been held, with a reason."""
    reason = {"reason": request.form.get("reason", "").strip()}
    return secretary_step(meeting_id, lambda m: meetings.cancel(m, load(CancelSchema(), reason)["reason"]),
                          _("Mødet er aflyst."), labels=CANCEL_FIELDS)


# --------------------------------------------------------------------------- compliance


@bp.route("/<tenant>/organer/<key>/overholdelse")
@access(Role.MEMBER)
def compliance(key: str):
    """Meetings held vs required and deadlines met, for a year, as a chart and a table."""
    body = bodies.get_body(key)
    require(Role.MEMBER, body, visible_from=SEES)
    year = request.args.get("year", type=int) or clock.today().year
    report = meetings.compliance(body, year, current_tenant(), tenant_hooks())
    return render_template("meetings/compliance.html", tenant=g.tenant, body=body, c=report, year=year)
