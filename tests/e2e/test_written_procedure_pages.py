"""In a real browser, with axe-core and the overflow check at a phone's and a desktop's size
on every page visited: written procedure (skriftlig behandling) on Testby's board. The chair
sends a proposal from the body's page; a member answers on a phone (an objection without a
reason is refused naming the field, nothing written); once every voting unit has answered
the page shows the outcome with its clause (CORE-WRITTEN-DECIDED), in Danish and English."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.fixtures.testby import ANNA, BENT, CHAIR, KAREN

UTC = timezone.utc
START = datetime(2018, 2, 1, 9, tzinfo=UTC)
A = "/api/v1/tenants/testby"


@pytest.fixture
def board(testby, clock, passwords):
    clock.set(START)
    passwords(CHAIR, BENT)


def test_the_chair_sends_a_proposal_and_a_member_answers_on_a_phone_CORE_WRITTEN_DECIDED(
        board, visitor, member):
    chair = visitor()
    chair.login(CHAIR)
    page = chair.goto("/testby/organer/bestyrelse")
    page.get_by_role("link", name="Skriftlig behandling").click()
    chair.axe()
    page.get_by_label("Overskrift").fill("Tilskud til sommerfest")
    page.get_by_label("Beslutningsforslag").fill("Bestyrelsen bevilger 5.000 kr. til sommerfesten i juni.")
    page.get_by_label("Indstilling (valgfri)").fill("Sekretariatet indstiller, at tilskuddet bevilges.")
    page.get_by_label("Dato").fill("2018-02-08")
    page.get_by_label("Klokkeslæt").fill("13:00")
    chair.shoot("written-procedure-start")
    page.get_by_role("button", name="Send til skriftlig behandling").click()
    expect(page.get_by_text("Forslaget er sendt til skriftlig behandling.")).to_be_visible()
    chair.axe()
    url = page.url.removeprefix(chair.base)
    for who in (CHAIR, KAREN):  # TST-A and the municipality agree through the API
        assert member(who).post(f"{A}{url.replace('/testby/skriftlig-behandling', '/written-procedures')}/answers",
                                json={"choice": "agree"}).status_code == 201

    bent = visitor()
    bent.page.set_viewport_size({"width": 390, "height": 844})
    bent.login(BENT)
    page = bent.goto(url)
    expect(page.get_by_text("Du svarer for TST-B.")).to_be_visible()
    bent.shoot("written-procedure-answer")
    page.get_by_role("radio", name="Indsigelse").check()
    page.get_by_role("button", name="Send dit svar").click()  # no reason: refused, nothing written
    expect(page.get_by_role("link", name="Begrundelse", exact=False).first).to_be_visible()
    bent.axe()
    bent.shoot("written-procedure-refused")
    page.get_by_role("radio", name="Enig").check()
    page.get_by_role("button", name="Send dit svar").click()
    expect(page.get_by_text("Dit svar er registreret.")).to_be_visible()
    expect(page.get_by_text("Besluttet ved skriftlig behandling. Besluttet: alle 3")).to_be_visible()
    expect(page.get_by_text("(CORE-WRITTEN-DECIDED)", exact=False)).to_be_visible()
    bent.axe()
    bent.shoot("written-procedure-decided")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Outcome")).to_be_visible()
    expect(page.get_by_text("Decided by written procedure.", exact=False)).to_be_visible()
    bent.axe()
    bent.shoot("written-procedure-decided-en")

    page = chair.goto("/testby/organer/bestyrelse/skriftlig-behandling")
    expect(page.get_by_role("link", name="Tilskud til sommerfest")).to_be_visible()
    chair.shoot("written-procedure-list")
