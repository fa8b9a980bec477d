"""In a real browser, with axe-core (zero violations) on every page visited: the meeting
administration pages (core/meetings/*views.py, core/decisions/views.py) — creating, moving and editing a meeting
and its items, reordering the agenda by keyboard, the mandates page (KBH-7), the dry run,
the minutes correction, and changing a vote and recording a dissent (SLA-6)."""

from __future__ import annotations

import re

import pytest

from core.meetings.models import MeetingState

T = "albertslund"
SECRETARY = "sanne.skov@abc.example"
LEADER = "lise.lindholm@bo-vest.example"
VA = "vibeke.vestergaard@va.example"
KBH = "kobenhavn"
AMAGER = "bydelsbestyrelse-amager-vvvk"
KBH_SEC = "bolette.sejr@bsk.example"


@pytest.fixture
def board(sync_tenant, passwords):
    sync_tenant(T)
    passwords(SECRETARY, LEADER, VA)


@pytest.fixture
def district(sync_tenant, passwords):
    sync_tenant(KBH)
    passwords(KBH_SEC)


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
