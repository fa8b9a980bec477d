"""No N+1: the meeting detail and the dashboard (/api/v1/me) send the same number of SQL
statements for a meeting of 5 agenda items as for one of 50 (each item with a submitter, an
attachment, a motion and every seat's vote), and no more than the counts pinned here, so a
query per item cannot creep back in (issue #9 (b); bench/bench_sql.py measures the same)."""

import pytest
import sqlalchemy as sa

from core.extensions import db
from tests.fixtures.big_meeting import add_body, big_meeting

#: The statements one request may send (first-request work excluded). Lower is fine:
#: lower the pin with the change that earns it.
#: PostgreSQL adds the statement that sets the row-level-security tenant, once the tenant
#: is known (none before: core/tenancy.py). A member's meeting document asks which closed
#: items the reader is disqualified on (CORE-DISQUALIFIED), in one.
MAX_DETAIL = {"sqlite": 12, "postgresql": 13}
# The dashboard also gathers what waits for the user in each tenant (agendas, minutes,
# votes, hearings, follow-ups: pending_for_user); PostgreSQL adds the row-level-security
# settings per transaction. The meetings' part reads the seats with their holdings and
# holders in one statement, not the holders' affiliations (issue #18).
MAX_DASHBOARD = {"sqlite": 13, "postgresql": 15}


def _count(client, path: str) -> tuple[int, list[str]]:
    client.get(path)  # warm: first-request work (plugin host, caches) is not per-request
    return _count_statements(lambda: client.get(path), 200)


def _count_statements(request, status: int) -> tuple[int, list[str]]:
    """The statements ``request()`` sends, with a fresh session; its answer must be ``status``."""
    db.session.remove()
    seen = []

    def counter(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        resp = request()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:500])
    return len(seen), seen


@pytest.fixture(autouse=True)
def _render(app, monkeypatch):
    """Count the statements of a render, not of a cached document (core/meetings/cache.py)."""
    monkeypatch.setitem(app.config, "MEETING_CACHE", "off")


@pytest.fixture
def two_meetings(app, sync_tenant):
    sync_tenant("testby")
    emails = add_body("testby", "bench", seats=8)
    small = big_meeting("testby", "bench", items=5)
    large = big_meeting("testby", "bench", items=50)
    return emails, small, large


def test_meeting_detail_statements_do_not_grow_with_agenda_items(two_meetings, member):
    emails, small, large = two_meetings
    client = member(emails[1])
    base = "/api/v1/tenants/testby/meetings"
    n_small, _ = _count(client, f"{base}/{small}")
    n_large, statements = _count(client, f"{base}/{large}")
    assert n_large == n_small, "\n\n".join(statements)
    assert n_large <= MAX_DETAIL[db.engine.dialect.name], (n_large, "\n\n".join(statements))
    data = client.get(f"{base}/{large}").get_json()
    assert len(data["items"]) == 50 and all(len(i["attachments"]) == 1 for i in data["items"])
    assert data["items"][0]["submitted_by"] == emails[0]
    assert len(data["attendance"]) == 8


def test_dashboard_statements_do_not_grow_with_agenda_items(app, sync_tenant, member):
    sync_tenant("testby")
    counts = {}
    for key, items in (("small", 5), ("large", 50)):
        emails = add_body("testby", key, seats=8)
        big_meeting("testby", key, items=items)
        counts[items] = _count(member(emails[1]), "/api/v1/me")
    assert counts[50][0] == counts[5][0], "\n\n".join(counts[50][1])
    assert counts[50][0] <= MAX_DASHBOARD[db.engine.dialect.name], (counts[50][0], counts[50][1])


def test_meeting_detail_statements_do_not_grow_with_seats(app, sync_tenant, member):
    """Attendance shows each seat's key: the seats come with the attendance, not one by one."""
    sync_tenant("testby")
    counts = {}
    for key, seats in (("few", 5), ("many", 40)):
        emails = add_body("testby", key, seats=seats)
        meeting = big_meeting("testby", key, items=3)
        counts[seats] = _count(member(emails[1]), f"/api/v1/tenants/testby/meetings/{meeting}")
    assert counts[40][0] == counts[5][0], "\n\n".join(counts[40][1])
