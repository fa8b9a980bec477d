"""In a real browser, with axe-core (zero violations) on every page visited, a Copenhagen
district board: its secretariat delegates a mandate on the mandates page (KBH-7), and
corrects final minutes (sent without approval) as a new version."""

from __future__ import annotations

import re

import pytest

from core.meetings.models import MeetingState

pytestmark = pytest.mark.xdist_group("browser")

KBH = "kobenhavn"
AMAGER = "bydelsbestyrelse-amager-vvvk"
KBH_SEC = "bolette.sejr@bsk.example"


@pytest.fixture
def district(sync_tenant, passwords):
    sync_tenant(KBH)
    passwords(KBH_SEC)


def _submit_by_keyboard(page, button_name: str) -> None:
    """Focus the form's button and press Enter, as a keyboard user does."""
    page.get_by_role("button", name=button_name).focus()
    page.keyboard.press("Enter")


def test_mandates_and_minutes_correction_pages(district, create_meeting, create_item, visitor):
    sec = visitor()
    sec.login(KBH_SEC)
    page = sec.goto(f"/{KBH}/organer/{AMAGER}/mandater")
    page.get_by_label("Plads").select_option("domea")
    page.get_by_label("Til organisation").select_option("KAB")
    page.get_by_label("Fra og med").fill("2020-01-01")
    page.get_by_label("Til og med").fill("2020-12-31")
    _submit_by_keyboard(page, "Uddelegér mandatet")
    page.get_by_text("Mandatet er uddelegeret.").wait_for()
    assert "KBH-7" in page.content()
    sec.axe()
    sec.shoot("meetpages-mandates")
    # minutes final when sent (approval_mode none), then corrected
    meeting = create_meeting(KBH, AMAGER, state=MeetingState.HELD)
    item = create_item(KBH, meeting, title="Helhedsplanens budget", kind="B")
    page = sec.goto(f"/{KBH}/moeder/{meeting}")
    page.locator(f"#write-minutes-{item}-{meeting}-decision").fill("Budgettet blev godkendt.")
    page.get_by_role("button", name="Gem punkt 1").click()
    page.get_by_text("Referatet er gemt.").wait_for()
    page.get_by_role("button", name="Send referatet").click()
    page.get_by_text("Referatet er udsendt.").wait_for()
    page.get_by_role("link", name=re.compile("Ret det endelige referat")).click()
    page.get_by_role("heading", name="Ret referatet").wait_for()
    sec.axe()
    page.get_by_label("Begrundelse for rettelsen").fill("Beløbet manglede.")
    page.get_by_label("Beslutning").fill("Budgettet på 2,1 mio. kr. blev godkendt.")
    _submit_by_keyboard(page, "Gem rettelsen som ny version")
    page.get_by_text("Referatet er rettet; rettelsen er en ny version.").wait_for()
    assert "Version 2" in page.content()
    sec.axe()
    sec.shoot("meetpages-minutes-corrected")
