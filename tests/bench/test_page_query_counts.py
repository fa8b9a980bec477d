"""No N+1 on the meeting page: the HTML page of a meeting sends the same number of SQL
statements for 5 agenda items as for 50 (each item with a submitter, an attachment, a
motion with every seat's vote), and no more than the count pinned here (issue #20)."""

import pytest
import sqlalchemy as sa

from core.extensions import db
from tests.bench.test_query_counts import _count
from tests.fixtures.big_meeting import add_body, big_meeting

#: The statements one page may send (first-request work excluded). Lower is fine.
#: PostgreSQL adds the statement that sets the row-level-security tenant (core/tenancy.py).
#: A member's page reads the notes and comments of every item in one (core/annotations),
#: and the meeting's disqualifications in one (CORE-DISQUALIFIED).
MAX_PAGE = {"sqlite": 16, "postgresql": 17}


@pytest.fixture(autouse=True)
def _render(app, monkeypatch):
    """Count the statements of a render, not of a cached page (core/meetings/cache.py)."""
    monkeypatch.setitem(app.config, "MEETING_CACHE", "off")


def test_meeting_page_statements_do_not_grow_with_agenda_items(app, sync_tenant, member):
    """A held meeting with a draft of its minutes and one motion open for voting, read by a
    member who still has a vote to cast: the page shows every item, motion, result and the
    live vote's form."""
    sync_tenant("testby")
    emails = add_body("testby", "bench", seats=8)
    small = big_meeting("testby", "bench", items=5, minutes=True, voting=True)
    large = big_meeting("testby", "bench", items=50, minutes=True, voting=True)
    client = member(emails[7])  # the last seat: its vote on the open motion is not cast
    n_small, _ = _count(client, f"/testby/moeder/{small}")
    n_large, statements = _count(client, f"/testby/moeder/{large}")
    assert n_large == n_small, "\n\n".join(statements)
    assert n_large <= MAX_PAGE[db.engine.dialect.name], (n_large, "\n\n".join(statements))
    html = client.get(f"/testby/moeder/{large}").get_data(as_text=True)
    assert html.count('<li id="punkt-') == 50 and html.count("bilag-") >= 50
    assert html.count("Vedtaget") >= 49  # every closed motion's result
    assert html.count("Afgiv stemme") == 1 and "Har stemt" in html  # the open one's form
    assert "Forslag 49 godkendes." in html  # the draft minutes' entries
