"""The search pages over HTTP: the header's search field on every page, the hits a reader
may read with their marked words, the public search of a tenant, and refusals that say
which field is wrong (the browser walk is tests/e2e/test_search_page.py)."""

from __future__ import annotations

from tests.fixtures.testby import ANNA
from tests.search.test_search import _publish_and_hold, board_meeting  # noqa: F401


def test_every_page_has_the_search_field(testby, client):
    for path in ("/", "/testby/", "/testby/offentlig", "/soeg", "/tilgaengelighed"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="search"' in html and 'action="/soeg"' in html and 'name="q"' in html, path


def test_a_member_finds_their_bodies_material_with_marked_words(board_meeting, api):
    sec, meeting, ids = board_meeting
    resp = api(ANNA, "testby").client.get("/soeg?q=budgettet")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "2 resultater for «budgettet»" in html
    assert f'href="/testby/moeder/{meeting}#punkt-{ids["mention"]}"' in html
    assert "<mark>budgettet</mark>" in html
    closed = api(ANNA, "testby").client.get("/soeg?q=afskedigelse&kind=item").get_data(as_text=True)
    assert "Afskedigelse af ejendomsfunktionær" in closed and 'aria-label="Lukket punkt"' in closed


def test_the_public_page_shows_published_material_only(board_meeting, clock, client):
    sec, meeting, ids = board_meeting
    assert "0 resultater" in client.get("/testby/offentlig/soeg?q=budget").get_data(as_text=True)
    _publish_and_hold(sec, clock, meeting)
    html = client.get("/testby/offentlig/soeg?q=budget").get_data(as_text=True)
    assert "2 resultater for «budget»" in html and f"/testby/offentlig/moeder/{meeting}" in html
    assert "Afskedigelse" not in client.get("/testby/offentlig/soeg?q=afskedigelse").get_data(as_text=True)
    assert "/testby/offentlig/soeg" in client.get("/testby/offentlig").get_data(as_text=True)


def test_bad_input_on_the_page_says_which_field(testby, client):
    for query, text in (("q=budget&tenant=atlantis", "Ingen kommune med den forkortelse."),
                        ("q=budget&kind=vote", "kind:"), ("q=og", "Skriv mindst ét ord"),
                        ("q=budget&year=1800", "year:")):
        resp = client.get(f"/soeg?{query}")
        assert resp.status_code == 422 and text in resp.get_data(as_text=True), query
    assert client.get("/soeg").status_code == 200  # the empty page: the form
