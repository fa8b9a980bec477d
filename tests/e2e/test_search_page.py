"""In a real browser, with axe-core and the sideways-scroll check at 390×844 and 1366×900 on
every page visited: a member searches from the header's search field, narrows the hits,
and opens one; the public searches a tenant's published material from its public pages
and finds no closed content (ALB-B11). Screenshots: test-artifacts/search-*.png."""

from __future__ import annotations

from tests.fixtures.testby import ANNA
from tests.search.test_search import _publish_and_hold, board_meeting  # noqa: F401


def test_a_member_searches_from_the_header_and_opens_a_hit(board_meeting, passwords, visitor):
    sec, meeting, ids = board_meeting
    passwords(ANNA)
    anna = visitor()
    anna.login(ANNA)
    page = anna.page
    page.get_by_role("searchbox", name="Søg i hele portalen").fill("budgettet")
    page.get_by_role("search").first.get_by_role("button", name="Søg").click()
    page.wait_for_url("**/soeg?q=budgettet")
    anna.axe()
    assert page.get_by_role("heading", name="2 resultater for «budgettet»").count() == 1
    hits = page.locator(".search-result-title")
    assert hits.all_inner_texts() == ["Budget", "Legepladsen i Vestparken"]
    assert page.locator(".search-result-snippet mark").first.inner_text() == "budgettet"
    anna.shoot("search-results")
    # Narrowed to attachments: the PDF's text.
    page = anna.goto("/soeg?q=snerydning&kind=attachment&tenant=testby")
    assert page.locator(".search-result-title").all_inner_texts() == ["beredskab.pdf"]
    # The closed item, with its padlock, for a member.
    page = anna.goto("/soeg?q=afskedigelse")
    assert page.get_by_role("img", name="Lukket punkt").count() >= 1
    page = anna.goto("/soeg?q=budget")
    page.get_by_role("link", name="Budget", exact=True).click()
    page.wait_for_url(f"**/testby/moeder/{meeting}#punkt-{ids['budget']}")
    anna.axe()


def test_the_public_searches_a_tenants_published_material(board_meeting, clock, visitor):
    sec, meeting, ids = board_meeting
    _publish_and_hold(sec, clock, meeting)
    guest = visitor()
    page = guest.goto("/testby/offentlig/soeg?q=budget")
    assert set(page.locator(".search-result-title").all_inner_texts()) == {"Budget", "Legepladsen i Vestparken"}
    guest.shoot("search-public")
    page = guest.goto("/testby/offentlig/soeg?q=afskedigelse")
    assert page.get_by_text("0 resultater for «afskedigelse»").count() == 1
    page = guest.goto("/soeg?q=og")  # only small words: said, not an error page
    assert page.get_by_text("Skriv mindst ét ord").count() == 1
    page = guest.goto("/soeg")
    assert page.get_by_label("Søg efter").count() == 1
