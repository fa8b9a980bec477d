"""iCalendar (RFC 5545) for meetings: an invitation per meeting (METHOD:REQUEST, or CANCEL)
and feeds per body and per user, built with the ``icalendar`` package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from core import clock
from core.meetings.models import Meeting, MeetingKind, MeetingState

PRODID = "-//Kommissorium//Møder//DA"


def uid(meeting: Meeting, tenant_slug: str) -> str:
    return f"meeting-{meeting.id}@{tenant_slug}.kommissorium"


def _calendar(method: str | None = None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def meeting_event(meeting: Meeting, tenant_slug: str, attendees: Iterable[str] = ()) -> Event:
    ev = Event()
    ev.add("uid", uid(meeting, tenant_slug))
    ev.add("dtstamp", clock.now())
    ev.add("dtstart", meeting.starts_at)
    ev.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    title = meeting.title or ("Ekstraordinært møde" if meeting.kind is MeetingKind.EXTRAORDINARY else "Møde")
    ev.add("summary", f"{meeting.body.name}: {title}")
    if meeting.location:
        ev.add("location", meeting.location)
    if meeting.online_url:
        ev.add("url", meeting.online_url)
    cancelled = meeting.state is MeetingState.CANCELLED
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # A cancellation must outrank the invitation it cancels (RFC 5546 §2.1.4).
    ev.add("sequence", meeting.revision + (1 if cancelled else 0))
    organiser = vCalAddress(f"mailto:{current_app.config['MAIL_DEFAULT_SENDER']}")
    organiser.params["cn"] = vText(meeting.body.name)
    ev.add("organizer", organiser)
    for email in attendees:
        att = vCalAddress(f"mailto:{email}")
        att.params["role"] = vText("REQ-PARTICIPANT")
        ev.add("attendee", att, encode=0)
    return ev


def invitation(meeting: Meeting, tenant_slug: str, recipient: str) -> bytes:
    """A meeting invitation for one recipient; a cancelled meeting gives METHOD:CANCEL."""
    method = "CANCEL" if meeting.state is MeetingState.CANCELLED else "REQUEST"
    cal = _calendar(method)
    cal.add_component(meeting_event(meeting, tenant_slug, [recipient]))
    return cal.to_ical()


#: How often a subscribed calendar program should fetch a feed again (RFC 7986's
#: REFRESH-INTERVAL; X-PUBLISHED-TTL for Outlook and Apple Calendar).
REFRESH = timedelta(hours=1)


def feed(meetings: Iterable[tuple[Meeting, str]], name: str) -> bytes:
    """A subscribable calendar of meetings (each with its tenant's slug)."""
    cal = _calendar(name=name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for meeting, slug in meetings:
        cal.add_component(meeting_event(meeting, slug))
    return cal.to_ical()
