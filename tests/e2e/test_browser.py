"""In a real browser (Chromium via Playwright), with axe-core on every page visited, on
Testby: a secretary prepares and publishes an agenda; every page reads completely without
JavaScript; the key pages pass axe in both languages. Albertslund's votes and minutes
approval in the browser (ALB-B2, ALB-B9) are in tests/plugins/albertslund/test_browser.py."""

from __future__ import annotations

import pytest

from core.meetings.models import MeetingState
from tests.fixtures.testby import BENT as VA
from tests.fixtures.testby import SECRETARY

T = "testby"


@pytest.fixture
def board(sync_tenant, passwords):
    sync_tenant(T)
    passwords(SECRETARY, VA)


def test_secretary_prepares_and_publishes_an_agenda(board, create_meeting, visitor, tmp_path):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    sec = visitor()
    sec.login(SECRETARY)
    sec.shoot("dashboard")
    page = sec.goto(f"/{T}/moeder/{meeting}")
    page.get_by_label("Overskrift", exact=True).fill("Nyt legehus i Hyldespjældet")
    page.get_by_label("Sagsfremstilling").fill("Beboerne ønsker et legehus ved fælleshuset.")
    page.get_by_label("Indstilling").fill("Bestyrelsen godkender legehuset.")
    page.get_by_role("button", name="Sæt på dagsordenen").click()
    page.get_by_text("Punktet er sat på dagsordenen.").wait_for()
    sec.axe()
    pdf = tmp_path / "tegning.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% legehus\n")
    page.get_by_label("Vedhæft bilag").set_input_files(str(pdf))
    page.get_by_role("button", name="Vedhæft", exact=True).click()
    page.get_by_role("link", name="tegning.pdf").wait_for()
    sec.axe()
    page.get_by_role("button", name="Udsend dagsordenen").click()
    page.get_by_text("Dagsordenen er udsendt.").wait_for()
    assert "indkaldt" in page.content()
    sec.axe()
    sec.shoot("meeting-agenda-published")
    # printed (print.css): the content alone, no menu or forms, each link's address after it
    page.emulate_media(media="print")
    assert page.locator(".navigation-menu").evaluate("e => getComputedStyle(e).display") == "none"
    assert not any(form.is_visible() for form in page.locator("main form").all())
    link = page.locator("main").get_by_role("link", name="tegning.pdf")
    assert link.get_attribute("href") in link.evaluate("e => getComputedStyle(e, '::after').content")
    page.emulate_media(media="screen")
    # the public sees the published agenda
    public = visitor()
    p = public.goto(f"/{T}/offentlig/moeder/{meeting}")
    assert "Nyt legehus i Hyldespjældet" in p.content()
    public.shoot("public-agenda")


def test_pages_read_completely_without_javascript(board, create_meeting, create_item, attend, visitor):
    meeting = create_meeting(T, "bestyrelse")
    create_item(T, meeting, title="Budget for 2021", kind="B")
    create_item(T, meeting, title="Salg af grund", kind="D", confidential=True)
    nojs = visitor(javascript=False)
    nojs.login(VA)
    page = nojs.goto(f"/{T}/moeder/{meeting}")
    text = page.inner_text("main")
    for expected in ("Dagsorden", "Budget for 2021", "Salg af grund", "Afstemning",
                     "Der er ikke åbnet en afstemning om punktet.", "Fremmøde"):
        assert expected in text, expected
    public = nojs.goto(f"/{T}/offentlig/moeder/{meeting}").inner_text("main")
    assert "Budget for 2021" in public and "Lukket punkt" in public and "Salg af grund" not in public
    body = nojs.goto(f"/{T}/organer/bestyrelse").inner_text("main")
    assert "Dagsorden udsendes senest 5 dage før mødet (TST-5)" in body


def test_key_pages_pass_axe_in_both_languages(board, create_meeting, visitor):
    meeting = create_meeting(T, "bestyrelse")
    sec = visitor()
    sec.login(SECRETARY)
    for path, shot in ((f"/{T}/", "tenant"), (f"/{T}/organer/bestyrelse", "body"),
                       (f"/{T}/organer/bestyrelse/moeder?year=2020", "meetings-and-plan"),
                       (f"/{T}/organer/bestyrelse/overholdelse?year=2020", "compliance"),
                       (f"/{T}/sekretariat", "secretariat"), (f"/{T}/forslag", "proposals"),
                       (f"/{T}/offentlig", "public"), ("/tilgaengelighed", "accessibility"),
                       ("/", "dashboard-secretary")):
        sec.goto(path)
        sec.shoot(shot)
    page = sec.goto(f"/{T}/moeder/{meeting}")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    sec.axe()
    sec.shoot("meeting-in-english")
    assert "Agenda" in page.inner_text("main")
    nf = sec.goto(f"/{T}/moeder/999999")
    assert "404" in nf.inner_text("main")
