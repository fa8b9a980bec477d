"""The platform's one clock: what time it is, and what day it is where a tenant lives.

Every module asks this module, looked up at the call (``clock.now()``, never
``from core.clock import now``), so a test or the demo that sets ``core.clock.now``
(tests/fixtures/meetings.py's ``clock``, core/demo.py's ``at``) moves every deadline,
seat, date and timestamp at once. Only a login session's lifetime is measured by the
server's own time, :func:`session_now`.

A *time* is aware UTC (stored and compared so). A *date* is a Danish date: the day it is
in the tenant's time zone, so a seat ending on the 31st still holds at 00:30 on the 1st
UTC-wise only until midnight in Copenhagen, whatever time zone the server runs in.
"""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Where a tenant names no (or an unknown) time zone.
DEFAULT_ZONE = "Europe/Copenhagen"


def now() -> datetime:
    """The current time, aware UTC. Tests and the demo set this one function."""
    return datetime.now(timezone.utc)


def session_now() -> datetime:
    """The server's own time, by which a login session's idle and absolute lifetimes are
    measured (core/identity/auth.py). Kept apart from :func:`now` on purpose: the demo and
    the tests move ``now`` through a year of meetings with one login, and a session is a
    measure of real time passed since someone proved who they are, not of the calendar.
    Tests of the lifetimes set this one (tests/identity/test_sessions.py)."""
    return datetime.now(timezone.utc)


def tenant_zone(tenant=None) -> tzinfo:
    """The tenant's time zone (its ``timezone`` column), Europe/Copenhagen where it names
    none or one that does not exist; without a tenant, the request's tenant if any."""
    if tenant is None:
        tenant = _request_tenant()
    try:
        return ZoneInfo(getattr(tenant, "timezone", None) or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def today(tenant=None) -> date:
    """The date it is now in the tenant's time zone (the request's tenant, or Copenhagen)."""
    return now().astimezone(tenant_zone(tenant)).date()


def _request_tenant():
    from flask import g, has_app_context

    return g.get("tenant") if has_app_context() else None
