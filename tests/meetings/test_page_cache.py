"""The meeting page's cache (core/meetings/views.py, core/meetings/cache.py,
docs/decisions/0032-meeting-page-cache.md): the HTML page is kept per reader, language and
day under the meeting's generations and served, with the session's own CSRF token, while
nothing it shows was written; it is never another reader's, another language's, nor
shown instead of a message or a refused form; the ETag answers 304. Runs on SQLite and,
with TEST_DATABASE_URL and TEST_REDIS_URL, on PostgreSQL with the pages in Redis."""

import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask import g
from flask_babel import refresh

from core.extensions import db
from core.meetings import cache
from tests.fixtures.testby import BENT, NABO_SECRETARY, OUTSIDER
from tests.fixtures.testby import SECRETARY as TESTBY_SECRETARY
from tests.meetings.test_cache_invalidation import receives_the_board

UTC = timezone.utc
T = "testby"
BOARD = "bestyrelse"
SECRETARY = TESTBY_SECRETARY
MEMBER = BENT  # seat b
RECIPIENT = OUTSIDER  # TST-B receives the board's material (an information recipient)
STRANGER = NABO_SECRETARY  # Naboby's; nothing in Testby
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def served(monkeypatch):
    """Every meeting page answered: True when it came from the page cache (by a cached
    access decision, or after the access was decided in full), False when rendered."""
    seen = []
    real_lookup, real_decided = cache.Generations.lookup, cache.decided_document

    def lookup(gens, audience, suffix=""):
        found = real_lookup(gens, audience, suffix)
        if ":page:" in suffix:
            seen.append(found.doc is not None)
        return found

    def decided(slug, login, meeting_id, suffix=""):
        found = real_decided(slug, login, meeting_id, suffix)
        if found is not None and ":page:" in suffix:
            seen.append(True)
        return found

    monkeypatch.setattr(cache.Generations, "lookup", lookup)
    monkeypatch.setattr(cache.decisions, "decided_document", decided)
    return seen


@pytest.fixture
def group(testby, naboby, make_meeting, api, app, monkeypatch, in_tenant):
    """A meeting of Testby's board with an open and a closed item."""
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    receives_the_board(in_tenant)
    meeting = make_meeting(T, BOARD, at(2021, 3, 1, 13))
    sec = api(SECRETARY, T)
    for body in ({"kind": "B", "title": "Fælles indsats", "recommendation": "Godkendes."},
                 {"kind": "B", "title": "Sagen om Hansen", "is_confidential": True,
                  "confidentiality_reason": "personnel"}):
        assert sec.post(f"meetings/{meeting}/items", json=body).status_code == 201
    return meeting


def page(api, email, meeting, tenant=T, **kw):
    # The tests' app context spans requests: Flask-WTF's token and Flask-Babel's language
    # kept in it would carry over; a new request chooses afresh.
    g.pop("csrf_token", None)
    refresh()
    return api(email, tenant).get(f"/{tenant}/moeder/{meeting}", **kw)


def uncached(app, api, email, meeting) -> str:
    app.config["MEETING_CACHE"] = "off"
    try:
        resp = page(api, email, meeting)
    finally:
        app.config["MEETING_CACHE"] = "on"
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def same_page(a: str, b: str) -> bool:
    """Equal but for the CSRF token, which is the session's and signed at each answer."""
    return TOKEN.sub("TOKEN", a) == TOKEN.sub("TOKEN", b)


def test_the_page_is_served_from_the_cache_until_the_meeting_changes(app, api, group, served):
    first, second = page(api, MEMBER, group), page(api, MEMBER, group)
    assert first.status_code == second.status_code == 200
    assert served == [False, True]
    assert same_page(second.get_data(as_text=True), uncached(app, api, MEMBER, group))
    assert same_page(first.get_data(as_text=True), second.get_data(as_text=True))

    # A write to the meeting: the next page shows it, then is served again.
    resp = api(SECRETARY, T).put(f"meetings/{group}/attendance/b", json={"status": "apologies"})
    assert resp.status_code == 200, resp.get_json()
    del served[:]
    after, again = page(api, MEMBER, group), page(api, MEMBER, group)
    assert served == [False, True]
    assert "Afbud" in after.get_data(as_text=True)
    assert same_page(after.get_data(as_text=True), uncached(app, api, MEMBER, group))
    assert same_page(again.get_data(as_text=True), after.get_data(as_text=True))


def test_a_cached_page_is_only_ever_its_readers(app, api, group, served):
    """Each reader's page is their own: the recipient never gets the members' page with the
    closed item's title, a member never the secretary's forms, nobody another
    person's header; another tenant's reader gets 404 however many pages are cached."""
    pages = {}
    for email in (SECRETARY, MEMBER, RECIPIENT):
        del served[:]
        page(api, email, group)
        pages[email] = page(api, email, group).get_data(as_text=True)
        assert served == [False, True], email
        assert same_page(pages[email], uncached(app, api, email, group)), email
    assert "Sagen om Hansen" in pages[MEMBER] and "Sagen om Hansen" in pages[SECRETARY]
    assert "Sagen om Hansen" not in pages[RECIPIENT] and "Lukket punkt" in pages[RECIPIENT]
    assert "Udsend dagsordenen" in pages[SECRETARY] and "Udsend dagsordenen" not in pages[MEMBER]
    names = {SECRETARY: "Sekretær", MEMBER: "Bent", RECIPIENT: "Ulla"}
    for email, html in pages.items():
        others = [n for e, n in names.items() if e != email]
        header = html.split('class="username">', 1)[1].split("<", 1)[0]
        assert names[email] in header and not any(n in header for n in others), (email, header)
    assert page(api, STRANGER, group).status_code == 404
    assert page(api, STRANGER, group, tenant="naboby").status_code == 404


def test_the_stored_page_carries_the_readers_own_token(app, api, group, served, login):
    """The CSRF token is the session's, put in at each answer: a form sent from a page served
    from the cache is accepted, and two sessions of one person get their own tokens."""
    page(api, MEMBER, group)
    cached = page(api, MEMBER, group)
    assert served == [False, True]
    token = TOKEN.search(cached.get_data(as_text=True)).group(1)
    assert "<!--csrf-token-->" not in cached.get_data(as_text=True)
    client = api(MEMBER, T).client
    g.pop("csrf_token", None)
    resp = client.post("/sprog", data={"csrf_token": token, "lang": "en",
                                       "next": f"/{T}/moeder/{group}"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]

    second = app.test_client()  # the same person, another browser
    login(second, MEMBER)
    g.pop("csrf_token", None)
    g.pop("_login_user", None)
    other = second.get(f"/{T}/moeder/{group}")
    assert other.status_code == 200
    other_token = TOKEN.search(other.get_data(as_text=True)).group(1)
    g.pop("csrf_token", None)
    refused = second.post("/sprog", data={"csrf_token": token, "lang": "en"})
    assert refused.status_code == 400  # the first session's token is not this one's
    g.pop("csrf_token", None)
    assert second.post("/sprog", data={"csrf_token": other_token, "lang": "en"}).status_code == 302


def test_the_language_and_a_waiting_message_are_never_hidden_by_a_stored_page(
        app, api, group, served):
    page(api, MEMBER, group)
    assert page(api, MEMBER, group).status_code == 200
    client = api(MEMBER, T).client
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Din stemme er afgivet.")]
    del served[:]
    shown = page(api, MEMBER, group).get_data(as_text=True)
    assert "Din stemme er afgivet." in shown and served == []
    assert "Din stemme er afgivet." not in page(api, MEMBER, group).get_data(as_text=True)
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = page(api, MEMBER, group).get_data(as_text=True)
    assert '<html lang="en">' in english and served[-1] is False
    assert '<html lang="en">' in page(api, MEMBER, group).get_data(as_text=True)
    assert served[-1] is True


def test_a_refused_form_comes_back_with_what_was_typed_not_the_stored_page(app, api, group, served):
    page(api, SECRETARY, group)
    assert page(api, SECRETARY, group).status_code == 200
    client = api(SECRETARY, T).client
    html = page(api, SECRETARY, group).get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    g.pop("csrf_token", None)
    resp = client.post(f"/{T}/moeder/{group}/punkter", data={
        "csrf_token": token, "kind": "B", "title": "", "case_text": "Skrevet før afvisningen"})
    assert resp.status_code == 422
    assert "Skrevet før afvisningen" in resp.get_data(as_text=True)


def test_an_etag_answers_304_until_the_meeting_changes(app, api, group, served):
    first = page(api, MEMBER, group)
    tag = page(api, MEMBER, group).headers["ETag"]
    assert first.headers["ETag"] == tag
    assert page(api, MEMBER, group, headers={"If-None-Match": tag}).status_code == 304
    assert api(SECRETARY, T).patch(f"meetings/{group}", json={"location": "Lokale 3"}).status_code == 200
    changed = page(api, MEMBER, group, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "Lokale 3" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != tag


def test_a_page_served_from_the_cache_reads_no_database(app, api, group, served):
    page(api, MEMBER, group)
    seen = []

    def counter(conn, cursor, statement, *args):
        seen.append(statement)

    db.session.remove()
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        resp = page(api, MEMBER, group)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    assert resp.status_code == 200 and served[-1] is True
    assert seen == []
