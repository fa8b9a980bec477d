"""The meeting leader's view in session (core/decisions/session_views.py, issue #16): who
is present against the body's quorum rule with its clause (Testby's board: one vote per
organisation, TST-2; the core's quorum, CORE-QUORUM: more than half the units), updating
as people arrive; the open motion's votes as they come in (a secret ballot: who has voted,
not how); its live part kept in the meeting cache per audience and answered 304 while
nothing changed; members and the secretariat only."""

from __future__ import annotations

import re

import pytest
from flask import g
from flask_babel import refresh

from core.meetings import cache
from tests.fixtures.testby import BENT, CHAIR, KAREN, NABO_SECRETARY, OUTSIDER, SECRETARY
from tests.meetings.test_cache_invalidation import receives_the_board

T = "testby"
API = f"/api/v1/tenants/{T}"


@pytest.fixture
def sitting(testby, naboby, create_meeting, create_item, app, monkeypatch, in_tenant):
    """A meeting of Testby's board in session, with one decision item, nobody recorded yet;
    TST-B's outsider receives the board's material (an information recipient)."""
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    receives_the_board(in_tenant)
    meeting = create_meeting(T, "bestyrelse")
    item = create_item(T, meeting, title="Fælles indsats")
    return meeting, item


def status(member, email, meeting, **kw):
    g.pop("csrf_token", None)
    refresh()
    return member(email).get(f"/{T}/moeder/{meeting}/moedeledelse/status", **kw)


def text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return " ".join(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)).split())


def test_quorum_with_its_clause_as_people_arrive_CORE_QUORUM_TST_2(sitting, member, attend):
    meeting, _item = sitting
    first = text(status(member, CHAIR, meeting))
    assert "Ikke beslutningsdygtig" in first and "(CORE-QUORUM)" in first
    assert "0 af 3 stemmeberettigede er repræsenteret" in first  # TST-A, TST-B, TST-KOM (TST-2)
    attend(T, meeting, "formand")
    assert "1 af 3" in text(status(member, CHAIR, meeting))
    attend(T, meeting, "b")
    now = text(status(member, CHAIR, meeting))
    assert "Beslutningsdygtig" in now and "Ikke beslutningsdygtig" not in now
    assert "2 af 3 stemmeberettigede er repræsenteret" in now and "(CORE-QUORUM)" in now
    assert "Til stede" in now and "Ikke registreret" in now  # the municipality's seat


def test_votes_as_they_come_in_and_a_secret_ballot_shows_who_not_how(sitting, member, attend,
                                                                     create_item):
    meeting, item = sitting
    for seat in ("formand", "b", "kommune"):
        attend(T, meeting, seat)
    resp = member(CHAIR).post(f"{API}/items/{item}/motion", json={"text": "Indsatsen godkendes."})
    assert resp.status_code == 201, resp.get_json()
    motion = resp.get_json()
    if motion["phase"] == "deliberation":
        assert member(CHAIR).post(f"{API}/motions/{motion['id']}/voting").status_code == 200
    assert "0 af 3 repræsenterede har stemt" in text(status(member, CHAIR, meeting))
    assert member(BENT).post(f"{API}/motions/{motion['id']}/votes",
                             json={"choice": "no"}).status_code == 201
    html = status(member, CHAIR, meeting).get_data(as_text=True)
    assert "1 af 3 repræsenterede har stemt" in text(status(member, CHAIR, meeting))
    assert "Nej: 1" in text(status(member, CHAIR, meeting))
    assert 'data-label="Stemme">Nej' in html  # an open ballot: how each unit voted

    second = create_secret(member, meeting, create_item)
    assert member(BENT).post(f"{API}/motions/{second}/votes", json={"choice": "no"}).status_code == 201
    html = status(member, CHAIR, meeting).get_data(as_text=True)
    section = html[html.index(f'id="motion-{second}"'):]
    assert "1 af 3 repræsenterede har stemt" in text_of(section)
    assert "Hemmelig afstemning" in section
    assert 'data-label="Stemme"' not in section and "Nej: " not in section


def create_secret(member, meeting, create_item) -> int:
    item = create_item(T, meeting, title="Valg af formand")
    resp = member(CHAIR).post(f"{API}/items/{item}/motion",
                              json={"text": "Valg ved hemmelig afstemning.", "secret": True})
    assert resp.status_code == 201, resp.get_json()
    motion = resp.get_json()
    if motion["phase"] == "deliberation":
        assert member(CHAIR).post(f"{API}/motions/{motion['id']}/voting").status_code == 200
    return motion["id"]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_live_part_is_cached_and_answers_304_until_something_changes(
        sitting, member, attend, monkeypatch):
    meeting, _item = sitting
    looked = []
    real = cache.Generations.lookup

    def lookup(gens, audience, suffix=""):
        found = real(gens, audience, suffix)
        if ":shared:session-status:" in suffix:
            looked.append(found.doc is not None)
        return found

    monkeypatch.setattr(cache.Generations, "lookup", lookup)
    first = status(member, CHAIR, meeting)
    tag = first.headers["ETag"].strip('"')
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = status(member, CHAIR, meeting, headers={"If-None-Match": f'"{tag}"'})
    assert again.status_code == 304 and again.get_data() == b""
    # another member of the same audience is served the same stored fragment
    assert status(member, BENT, meeting).headers["ETag"] == first.headers["ETag"]
    # the first rendered and stored it; the chair's second came by the chair's kept access
    # decision without a look-up; Bent's was looked up and found
    assert looked == [False, True]
    attend(T, meeting, "formand")  # an arrival changes what the fragment shows
    after = status(member, CHAIR, meeting, headers={"If-None-Match": f'"{tag}"'})
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]
    assert "1 af 3" in text(after)


def test_members_and_the_secretariat_only(sitting, member, in_tenant):
    meeting, _item = sitting
    for email in (CHAIR, KAREN, SECRETARY):
        assert status(member, email, meeting).status_code == 200
        assert member(email).get(f"/{T}/moeder/{meeting}/moedeledelse").status_code == 200
    # an information recipient reads the meeting page, not the leader's view; also when
    # a decision of theirs is kept in the cache from reading the meeting page
    assert member(OUTSIDER).get(f"/{T}/moeder/{meeting}").status_code == 200
    assert status(member, OUTSIDER, meeting).status_code == 403
    assert status(member, OUTSIDER, meeting).status_code == 403
    assert member(OUTSIDER).get(f"/{T}/moeder/{meeting}/moedeledelse").status_code == 403
    # another tenant's person, and a meeting that is not there: 404; no login: to log in
    assert status(member, NABO_SECRETARY, meeting).status_code == 404
    assert status(member, CHAIR, 999999).status_code == 404
    anonymous = member(None).get(f"/{T}/moeder/{meeting}/moedeledelse/status")
    assert anonymous.status_code == 401 and "Cache-Control" not in anonymous.headers or \
        anonymous.headers["Cache-Control"] != "private, no-cache"
    assert "beslutningsdygtig" not in anonymous.get_data(as_text=True).lower()


def test_the_meeting_page_links_the_view_while_the_meeting_sits(sitting, member):
    meeting, _item = sitting
    page = member(CHAIR).get(f"/{T}/moeder/{meeting}").get_data(as_text=True)
    assert f"/{T}/moeder/{meeting}/moedeledelse" in page
    recipient = member(OUTSIDER).get(f"/{T}/moeder/{meeting}").get_data(as_text=True)
    assert "/moedeledelse" not in recipient


def test_in_english_the_rule_speaks_english(sitting, member, in_tenant):
    meeting, _item = sitting
    client = member(CHAIR)
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = text(status(member, CHAIR, meeting))
    assert "Not quorate" in english and "(CORE-QUORUM)" in english
    assert "Beslutningsdygtig" not in english and "Fremmøde" not in english


def test_a_vote_keeps_the_readers_access_decision_a_change_of_the_meeting_does_not(
        sitting, member, attend, monkeypatch, in_tenant):
    """Decision 0040: an access decision is stamped with the meeting row's generation, not
    the whole meeting's: after a vote a poller whose decision is kept is answered from the
    cache, with no decision made anew, once the fragment is rendered again; after a change
    of the meeting itself (its place) the decision is made anew."""
    meeting, item = sitting
    for seat in ("formand", "b", "kommune"):
        attend(T, meeting, seat)
    motion = member(CHAIR).post(f"{API}/items/{item}/motion", json={"text": "Godkendes."}).get_json()
    if motion["phase"] == "deliberation":
        assert member(CHAIR).post(f"{API}/motions/{motion['id']}/voting").status_code == 200
    answered = []
    real = cache.decisions.decided_document

    def decided(slug, login, meeting_id, suffix=""):
        found = real(slug, login, meeting_id, suffix)
        if ":shared:session-status:" in suffix:
            answered.append(found is not None)
        return found

    monkeypatch.setattr(cache.decisions, "decided_document", decided)
    status(member, CHAIR, meeting)  # decided in full, kept
    assert answered == [False]
    status(member, CHAIR, meeting)
    assert answered == [False, True]
    assert member(BENT).post(f"{API}/motions/{motion['id']}/votes",
                             json={"choice": "yes"}).status_code == 201
    assert "1 af 3 repræsenterede har stemt" in text(status(member, BENT, meeting))  # rendered anew
    fresh = status(member, CHAIR, meeting)
    assert answered[-1] is True and "1 af 3 repræsenterede har stemt" in text(fresh)
    # the meeting itself changes: the chair's decision is made anew
    from core.extensions import db
    from core.meetings.models import Meeting

    with in_tenant(T):
        db.session.get(Meeting, meeting).location = "Rådhuset, mødelokale 2"
        db.session.commit()
    assert "1 af 3" in text(status(member, CHAIR, meeting))
    assert answered[-1] is False


def test_a_member_disqualified_on_a_closed_item_sees_it_by_its_public_title_CORE_DISQUALIFIED(
        sitting, member, attend, create_item):
    """The live part is shared by an audience; a member disqualified on a closed item is an
    audience of their own, whose fragment names the item by its public title and leaves
    the motion's text out, while the others read it whole."""
    meeting, _item = sitting
    closed = create_item(T, meeting, title="Sagen om viceværten", confidential=True)
    resp = member(BENT).post(f"{API}/meetings/{meeting}/items/{closed}/disqualifications",
                             json={"reason": "Viceværten er min bror"})
    assert resp.status_code == 201, resp.get_json()
    for seat in ("formand", "b", "kommune"):
        attend(T, meeting, seat)
    resp = member(CHAIR).post(f"{API}/items/{closed}/motion", json={"text": "Viceværten FORTROLIGT"})
    assert resp.status_code == 201, resp.get_json()
    chair = text(status(member, CHAIR, meeting))
    assert "Sagen om viceværten" in chair and "Viceværten FORTROLIGT" in chair
    bent = status(member, BENT, meeting)
    seen = text(bent)
    assert "Sagen om viceværten" not in seen and "Viceværten FORTROLIGT" not in seen
    assert "Lukket punkt" in seen and "(CORE-DISQUALIFIED)" in seen
    # and the chair, after Bent, still reads the whole fragment (not Bent's)
    assert "Viceværten FORTROLIGT" in text(status(member, CHAIR, meeting))
    assert status(member, BENT, meeting).headers["ETag"] == bent.headers["ETag"]
