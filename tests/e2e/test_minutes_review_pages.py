"""In a real browser, with axe-core and the overflow check on every page visited: a review
round of the draft minutes on Testby's board, walked to approval. The secretary sends the
draft for review from the meeting page; a member on a phone reads it and comments on an item
(an empty comment is refused naming the field); the secretary accepts the comment with a new
wording, sends the minutes for approval (CORE-APPROVAL-MODE: by e-mail, TST-6) and the
members approve them. The review page also in English."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.fixtures.meetings import sit_and_hold
from tests.fixtures.testby import ANNA, BENT, BOTH, CHAIR, KAREN, SECRETARY, TESTBY

UTC = timezone.utc
A = "/api/v1/tenants/testby"


@pytest.fixture
def held(sync_tenant, clock, make_meeting, member, passwords):
    """Testby's board's meeting of 1 March 2018, held, its draft minutes written."""
    sync_tenant(TESTBY)
    meeting = make_meeting("testby", "bestyrelse", datetime(2018, 3, 1, 15, tzinfo=UTC), location="Rådhuset")
    sec = member(SECRETARY)
    item = sec.post(f"{A}/meetings/{meeting}/items", json={"kind": "B", "title": "Ny legeplads"}).get_json()
    clock.set(datetime(2018, 2, 20, 9, tzinfo=UTC))
    assert sec.post(f"{A}/meetings/{meeting}/publish-agenda").status_code == 200
    clock.set(datetime(2018, 3, 1, 17, tzinfo=UTC))
    assert sit_and_hold(sec, meeting, prefix=f"{A}/").status_code == 200
    assert sec.put(f"{A}/meetings/{meeting}/items/{item['id']}/minutes",
                   json={"decision": "Legepladsen bygges for 1,2 mio. kr."}).status_code == 200
    clock.set(datetime(2018, 3, 2, 9, tzinfo=UTC))
    passwords(SECRETARY, ANNA)
    return meeting, item["id"]


def test_a_secretary_walks_a_review_round_to_approval_TST_6(held, visitor, member):
    meeting, item = held
    review_path = f"/testby/moeder/{meeting}/referat/gennemlaesning"

    secretary = visitor()
    secretary.login(SECRETARY)
    page = secretary.goto(f"/testby/moeder/{meeting}")
    page.get_by_label("Frist for kommentarer (valgfri)").fill("2018-03-09")
    page.get_by_role("button", name="Send til gennemlæsning").click()
    expect(page.get_by_text("Udkastet til referat er sendt til gennemlæsning hos medlemmerne.")).to_be_visible()
    expect(page.get_by_role("heading", name="Gennemlæsning af referatet", exact=True)).to_be_visible()
    secretary.axe()

    anna = visitor()
    anna.page.set_viewport_size({"width": 390, "height": 844})
    anna.login(ANNA)
    page = anna.goto(review_path)
    expect(page.get_by_text("Legepladsen bygges for 1,2 mio. kr.")).to_be_visible()
    expect(page.get_by_text("Kommentér senest 09.03.2018 kl. 23:59.", exact=False)).to_be_visible()
    page.get_by_text("Kommentér punkt 2").click()
    page.locator(f"#punkt-{item}").get_by_role("button", name="Send kommentaren").click()  # empty: refused
    expect(page.get_by_role("link", name="Din kommentar", exact=False).first).to_be_visible()
    anna.axe()
    page.locator(f"#punkt-{item}").get_by_label("Din kommentar").fill("Beløbet var 1,3 mio. kr.")
    page.locator(f"#punkt-{item}").get_by_role("button", name="Send kommentaren").click()
    expect(page.get_by_text("Din kommentar er gemt.")).to_be_visible()
    expect(page.get_by_text("Afventer sekretariatet.")).to_be_visible()
    anna.axe()
    anna.shoot("minutes-review-member")

    page = secretary.goto(f"/testby/moeder/{meeting}")
    expect(page.get_by_text("Kommentarer, der ikke er behandlet: 1.", exact=False)).to_be_visible()
    page.get_by_role("button", name="Send referatet").click()  # refused: a comment is unresolved
    expect(page.get_by_text("1 kommentar(er) fra gennemlæsningen er ikke behandlet", exact=False)).to_be_visible()
    secretary.axe()
    page = secretary.goto(review_path)
    page.get_by_text("Behandl kommentaren").click()
    page.get_by_label("Imødekommet: referatet er ændret").check()
    page.get_by_label("Ny ordlyd af beslutningen (når kommentaren imødekommes)").fill(
        "Legepladsen bygges for 1,3 mio. kr.")
    secretary.shoot("minutes-review-secretary")
    page.get_by_role("button", name="Gem behandlingen").click()
    expect(page.get_by_text("Kommentaren er behandlet.")).to_be_visible()
    expect(page.get_by_text("Ny ordlyd: Legepladsen bygges for 1,3 mio. kr.")).to_be_visible()
    secretary.axe()

    page = secretary.goto(f"/testby/moeder/{meeting}")
    page.get_by_role("button", name="Send referatet").click()
    expect(page.get_by_text("Referatet er udsendt.")).to_be_visible()
    secretary.axe()

    # The members approve by e-mail (TST-6); the last one on the approval page.
    for who in (CHAIR, BENT, KAREN, BOTH):
        assert member(who).post(f"{A}/meetings/{meeting}/minutes/approvals").status_code == 200
    page = anna.goto(f"/testby/moeder/{meeting}/referat/godkend")
    expect(page.get_by_text("Beslutning: Legepladsen bygges for 1,3 mio. kr.")).to_be_visible()
    page.get_by_role("button", name="Godkend referatet").click()
    expect(page.get_by_text("Du har godkendt referatet.")).to_be_visible()
    anna.axe()
    assert member(ANNA).get(f"{A}/meetings/{meeting}/minutes").get_json()["state"] == "minutes_approved"
    page = anna.goto(review_path)
    expect(page.get_by_text("Gennemlæsningen er afsluttet, og referatet er sendt til godkendelse.")).to_be_visible()
    expect(page.get_by_text("Beløbet var 1,3 mio. kr.")).to_be_visible()  # the comment is kept

    # In English.
    page = secretary.goto(review_path)
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    expect(page.get_by_role("heading", name="Review of the minutes", exact=True)).to_be_visible()
    expect(page.get_by_text("Accepted: the minutes have been changed")).to_be_visible()
    secretary.axe()
    secretary.shoot("minutes-review-english")
