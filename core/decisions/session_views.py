"""The meeting leader's view in session (``/<tenant>/moeder/<id>/moedeledelse``): who is
present against the body's quorum rule, with the rule's reason and clause, and the open
motions' votes as they come in (a secret ballot: who has voted, not how);
core/decisions/operations/session.py says what it holds.

The live part is a fragment (``…/moedeledelse/status``) that ``static/live.js`` fetches
every two seconds; without JavaScript the page is read anew with the browser's reload or
its own "Opdatér" link (no automatic refresh: WCAG 2.2.1). The fragment holds nothing of
its reader (no forms, no token), so it is kept in the meeting cache once per audience and
language under the meeting's generations (core/meetings/cache/,
docs/decisions/0040-the-leaders-view-in-the-meeting-cache.md): a poll while nothing changed
is one Redis round trip and a 304.
"""

from __future__ import annotations

from flask import Response, g, render_template, request, url_for

from core.decisions import operations as decisions
from core.identity.permissions import Role, access
from core.meetings import cache
from core.meetings import operations as meetings
from core.meetings.models import MeetingState
from core.meetings.views import CACHED_PAGES, meeting_for, meeting_page_part, page_cacheable
from core.tenancy import current_tenant, tenant_hooks
from core.web import bp, current_person
from core.web.i18n import select_locale

#: The fragment's name in its cache key: shared by every reader of an audience.
STATUS = "session-status"
CACHED_PAGES["web.session_status"] = STATUS


@meeting_page_part("session_url")
def _session_url(meeting, view) -> str | None:
    """The leader's view, linked from the meeting page while the meeting sits."""
    if meeting.state is not MeetingState.IN_SESSION:
        return None
    return url_for("web.meeting_session", meeting_id=meeting.id)


def _hidden(meeting, role) -> frozenset[int]:
    """The closed items the reader stands disqualified on (CORE-DISQUALIFIED): their
    fragment names them by their public title, and is kept as an audience of its own."""
    return meetings.hidden_items(meeting, current_person()) if meetings.can_see_confidential(role) \
        else frozenset()


def _status_html(meeting, hidden: frozenset[int] = frozenset()) -> str:
    view = decisions.session_view(meeting, hooks=tenant_hooks(), tenant=current_tenant(),
                                  hidden=hidden)
    return render_template("decisions/_session.html", s=view, meeting=meeting,
                           lang=select_locale())


@bp.route("/<tenant>/moeder/<int:meeting_id>/moedeledelse")
@access(Role.INFORMATION_RECIPIENT)
def meeting_session(meeting_id: int):
    """The leader's view of a meeting: attendance against the quorum rule and the open
    motions' votes, kept current by the fragment (for the body's members and secretariat)."""
    meeting, role = meeting_for(meeting_id, Role.MEMBER)
    return render_template("decisions/session.html", meeting=meeting, tenant=g.tenant,
                           status=_status_html(meeting, _hidden(meeting, role)))


@bp.route("/<tenant>/moeder/<int:meeting_id>/moedeledelse/status")
@access(Role.INFORMATION_RECIPIENT)
def session_status(meeting_id: int):
    """The live part of the leader's view as a fragment, from the meeting cache while
    nothing it shows was written since, with an ETag for ``If-None-Match`` (304)."""
    stored = g.pop("decided_page", None)  # core.meetings.views._page_from_cache
    if stored is None:
        gens = g.pop("meeting_generations", None)
        meeting, role = meeting_for(meeting_id, Role.MEMBER)
        hidden = _hidden(meeting, role)
        audience = cache.audience(role, hidden)
        cached = None
        if gens is not None and page_cacheable():
            cached = gens.lookup(audience, cache.shared_suffix(STATUS, select_locale(), gens.day))
        if cached is None:
            stored = _status_html(meeting, hidden).encode()
        else:
            # a write changes it for every poller at once: one of them renders it
            stored = cached.doc or cached.render_once(lambda: _status_html(meeting, hidden).encode())
            cache.keep_decision(cached, meeting, role, audience)
    tag = cache.etag(stored)
    resp = Response(status=304) if request.if_none_match.contains(tag) else Response(
        stored, mimetype="text/html")
    resp.set_etag(tag)
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp
