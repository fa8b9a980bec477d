"""In a real browser, with axe-core and the overflow check on every page visited: minutes
out for tacit approval on Testby's board (approval mode ``tacit``, 7 days, TST-6). A member
on a phone reads until when the minutes can be objected to and why (the clause), objects
(an empty objection is refused naming the field), and the secretary finds the objection
on the meeting page with the minutes back in her hands."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.fixtures.testby import BENT, SECRETARY, send_tacit_minutes

UTC = timezone.utc
SENT = datetime(2018, 3, 5, 10, tzinfo=UTC)


@pytest.fixture
def sent(tmp_path, sync_tenant, clock, make_meeting, member, passwords):
    meeting = send_tacit_minutes(sync_tenant, clock, make_meeting, member, tmp_path)
    passwords(SECRETARY, BENT)
    clock.set(SENT + timedelta(days=1))
    return meeting


def test_a_member_objects_on_a_phone_and_the_secretary_finds_the_objection_TST_6(sent, visitor):
    bent = visitor()
    bent.page.set_viewport_size({"width": 390, "height": 844})
    bent.login(BENT)
    page = bent.goto(f"/testby/moeder/{sent}")
    expect(page.get_by_text("Referatet er godkendt stiltiende 12.03.2018 kl. 11:00, hvis intet medlem "
                            "gør indsigelse inden da (TST-6).")).to_be_visible()
    page.get_by_text("Gør indsigelse mod referatet").click()
    page.get_by_role("button", name="Send indsigelsen").click()  # nothing written: refused
    expect(page.get_by_role("link", name="Din indsigelse", exact=False).first).to_be_visible()
    bent.axe()
    page.get_by_label("Din indsigelse").fill("Punkt 1 gengiver ikke beslutningen korrekt.")
    page.get_by_role("button", name="Send indsigelsen").click()
    expect(page.get_by_text("Din indsigelse er registreret")).to_be_visible()
    bent.axe()
    expect(page.get_by_text("Gør indsigelse mod referatet")).to_have_count(0)  # they are back with the secretary
    bent.shoot("tacit-approval-objected")

    secretary = visitor()
    secretary.login(SECRETARY)
    page = secretary.goto(f"/testby/moeder/{sent}")
    expect(page.get_by_role("heading", name="Indsigelser mod referatet")).to_be_visible()
    expect(page.get_by_text("Punkt 1 gengiver ikke beslutningen korrekt.")).to_be_visible()
    expect(page.get_by_role("button", name="Send referatet")).to_be_visible()  # the draft is hers again
