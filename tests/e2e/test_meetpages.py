"""In a real browser, with axe-core (zero violations) on every page visited, on Testby: the
meeting administration pages (core/meetings/*views.py) refuse a form and keep what was
typed, with and without JavaScript. Albertslund's and Copenhagen's meeting administration
in the browser (ALB-B3, KBH-7) is in their folders under tests/plugins/."""

from __future__ import annotations

import re

import pytest

from core.meetings.models import MeetingState
from tests.fixtures.testby import SECRETARY

T = "testby"


@pytest.fixture
def board(sync_tenant, passwords):
    sync_tenant(T)
    passwords(SECRETARY)


def _submit_by_keyboard(page, button_name: str) -> None:
    """Focus the form's button and press Enter, as a keyboard user does."""
    page.get_by_role("button", name=button_name).focus()
    page.keyboard.press("Enter")


def test_a_refused_form_keeps_what_was_typed_and_links_each_message_to_its_field(
    board, create_meeting, create_item, visitor
):
    """GOV.UK's pattern (docs/decisions/0012-forms-keep-what-was-typed.md): the summary at the
    top links to the field, the field is marked invalid and described by its message, and
    the page passes axe with zero violations."""
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    item = create_item(T, meeting, title="Legeplads", kind="B")
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto(f"/{T}/moeder/{meeting}/punkter/{item}/rediger")
    page.get_by_label("Overskrift", exact=True).fill("Ny legeplads ved Hyldagerparken")
    page.get_by_label("Sagsfremstilling").fill("Beboerne har ønsket en ny legeplads.\n" * 40)
    page.get_by_label("Lukket punkt", exact=True).check()
    _submit_by_keyboard(page, "Gem punktet")
    page.get_by_role("heading", name="Der er et problem").wait_for()
    sec.axe()
    sec.shoot("meetpages-refused-item")
    assert page.title().startswith("Fejl: ")
    assert page.get_by_label("Overskrift", exact=True).input_value() == "Ny legeplads ved Hyldagerparken"
    assert page.get_by_label("Sagsfremstilling").input_value().count("ny legeplads") == 40
    assert page.get_by_label("Lukket punkt", exact=True).is_checked()
    field = page.get_by_label("Begrundelse for lukket punkt")
    assert field.get_attribute("aria-invalid") == "true"
    message = page.locator(f"#{field.get_attribute('aria-describedby')}")
    # DKFDS's message: "Fejl:" for screen readers (visually hidden), then the message
    assert re.match(r"Fejl:\s+Begrundelse for lukket punkt: Et lukket punkt kræver", message.inner_text())
    link = page.get_by_role("link", name=re.compile("^Begrundelse for lukket punkt: "))
    assert link.get_attribute("href") == f"#{field.get_attribute('id')}"
    # put right from the keyboard, it is saved
    field.select_option("personnel")
    _submit_by_keyboard(page, "Gem punktet")
    page.get_by_text("Punktet er ændret.").wait_for()
    assert "Ny legeplads ved Hyldagerparken" in page.content()
    sec.axe()


def test_a_refused_new_meeting_keeps_the_typed_fields_without_javascript(board, visitor):
    sec = visitor(javascript=False)
    sec.login(SECRETARY)
    page = sec.goto(f"/{T}/organer/bestyrelse/moeder?year=2020")
    page.get_by_label("Sted").fill("Rådhuset")
    page.get_by_label("Link til onlinemøde").fill("teams")
    page.get_by_label("Overskrift", exact=True).fill("Budgetmøde")
    page.get_by_role("button", name="Opret mødet").click()
    page.get_by_role("heading", name="Der er et problem").wait_for()
    assert page.get_by_label("Sted").input_value() == "Rådhuset"
    assert page.get_by_label("Overskrift", exact=True).input_value() == "Budgetmøde"
    assert page.get_by_label("Dato").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("link", name="Tidspunkt: skal udfyldes.").is_visible()
