"""In a real browser, with axe-core (zero violations) on every page visited, Albertslund's
board: the secretary creates, moves and edits a meeting and its items and reorders the
agenda by keyboard; the dry run answers that the board is not quorate (ALB-B3); the
meeting leader (ALB-B6) opens a vote, a member changes the vote and
records a dissent."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.xdist_group("browser")

T = "albertslund"
SECRETARY = "sanne.skov@abc.example"
LEADER = "lise.lindholm@bo-vest.example"
VA = "vibeke.vestergaard@va.example"


@pytest.fixture
def board(sync_tenant, passwords):
    sync_tenant(T)
    passwords(SECRETARY, LEADER, VA)


def _submit_by_keyboard(page, button_name: str) -> None:
    """Focus the form's button and press Enter, as a keyboard user does."""
    page.get_by_role("button", name=button_name).focus()
    page.keyboard.press("Enter")


def test_secretary_creates_moves_and_edits_a_meeting_by_keyboard(board, visitor):
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto(f"/{T}/organer/bestyrelse/moeder?year=2020")
    page.get_by_label("Dato").fill("2020-11-12")
    page.get_by_label("Klokkeslæt").fill("17:00")
    page.get_by_label("Sted").fill("Rådhuset")
    _submit_by_keyboard(page, "Opret mødet")
    page.get_by_text("Mødet er oprettet.").wait_for()
    sec.axe()
    sec.shoot("meetpages-created")
    # move it: the edit page, typed and sent from the keyboard
    page.get_by_role("link", name="Flyt mødet eller ret sted og overskrift").click()
    page.get_by_role("heading", name="Ret mødet").wait_for()
    sec.axe()
    page.get_by_label("Sted").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Kulturhuset")
    _submit_by_keyboard(page, "Gem ændringerne")
    page.get_by_text("Mødet er ændret.").wait_for()
    assert "Kulturhuset" in page.content()
    sec.axe()
    # edit the first standing item: close it with a § 27 reason
    page.get_by_role("link", name="Ret punkt 1", exact=True).click()
    page.get_by_role("heading", name=re.compile("Ret punkt 1")).wait_for()
    sec.axe()
    page.get_by_label("Lukket punkt", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("Begrundelse for lukket punkt").select_option("personnel")
    _submit_by_keyboard(page, "Gem punktet")
    page.get_by_text("Punktet er ændret.").wait_for()
    assert "Personalesager (forvaltningslovens § 27)" in page.content()
    sec.axe()

    # reorder: move item 2 up by keyboard
    def heading(n: int) -> str:
        # the item's kind and title, without its number (which is its place, and moves)
        text = " ".join(page.locator("ol.agenda > li").nth(n).locator("h3").text_content().split())
        return re.sub(r"^\d+\.\s*", "", text)

    title_two = heading(1)
    _submit_by_keyboard(page, "Flyt punkt 2 op")
    page.get_by_text("Punktet er flyttet.").wait_for()
    assert heading(0) == title_two
    sec.axe()
    sec.shoot("meetpages-reordered")


def test_dry_run_page_answers_on_the_page(board, visitor):
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto(f"/{T}/organer/bestyrelse/proeveafstemning")
    # AKB stays away: not quorate (ALB-B3)
    for box in page.locator('input[name="present"][value^="akb"]').all():
        box.uncheck()
    _submit_by_keyboard(page, "Prøv reglerne")
    page.get_by_role("heading", name="Resultat af prøven").wait_for()
    assert "ALB-B3" in page.content()
    sec.axe()
    sec.shoot("meetpages-dry-run")


def test_vote_change_and_dissent_forms(board, decision_item, meeting_of, visitor):
    item = decision_item(T, "bestyrelse", title="Budget for 2021")
    meeting = meeting_of(T, item)
    leader = visitor()
    leader.login(LEADER)
    page = leader.goto(f"/{T}/moeder/{meeting}")
    page.get_by_role("button", name="Åbn afstemningen").click()
    page.get_by_text("Afstemningen er åbnet.").wait_for()
    page.get_by_role("button", name="Sæt til afstemning").click()
    page.get_by_text("Forslaget er sat til afstemning.").wait_for()
    va = visitor()
    va.login(VA)
    page = va.goto(f"/{T}/moeder/{meeting}")
    page.get_by_role("group", name="Din stemme for VA").get_by_label("Ja").check()
    page.get_by_role("button", name="Afgiv stemme").click()
    page.get_by_text("Din stemme er afgivet.").wait_for()
    va.axe()
    page.get_by_role("group", name="Ændr din stemme for VA").get_by_label("Nej").focus()
    page.keyboard.press("Space")
    _submit_by_keyboard(page, "Ændr stemmen")
    page.get_by_text("Din stemme er ændret.").wait_for()
    assert "Du har stemt for VA: Nej" in page.content()
    va.axe()
    page.get_by_text("Få et særstandpunkt ført til referat").click()
    page.get_by_label("Særstandpunkt").fill("VA kan ikke støtte budgettet.")
    page.get_by_role("button", name="Før særstandpunktet til referat").click()
    page.get_by_text("Dit særstandpunkt er ført til referat.").wait_for()
    va.axe()
    va.shoot("meetpages-vote-changed")
