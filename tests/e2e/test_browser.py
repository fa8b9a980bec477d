"""In a real browser (Chromium via Playwright), with axe-core on every page visited:
a secretary prepares and publishes an agenda; members of two organisations vote live and
see each other's votes appear without reloading; a member votes by keyboard alone; a member
approves the minutes with one click; and every page reads completely without JavaScript."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.meetings.models import MeetingState

T = "albertslund"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST's meeting leader (ALB-B6)
SECRETARY = "sanne.skov@abc.example"  # secretary of Bestyrelsen, tenant administrator
VA, AB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example"


@pytest.fixture
def board(sync_tenant, passwords):
    sync_tenant(T)
    passwords(LEADER, SECRETARY, VA, AB)


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


def _open_vote(decision_item, meeting_of, leader) -> tuple[int, int]:
    item = decision_item(T, "bestyrelse", title="Budget for 2021")
    meeting = meeting_of(T, item)
    page = leader.goto(f"/{T}/moeder/{meeting}")
    page.get_by_label("Forslag til beslutning").fill("Bestyrelsen godkender budgettet.")
    page.get_by_role("button", name="Åbn afstemningen").click()
    page.get_by_text("Afstemningen er åbnet.").wait_for()
    leader.axe()
    page.get_by_role("button", name="Sæt til afstemning").click()
    page.get_by_text("Forslaget er sat til afstemning.").wait_for()
    leader.axe()
    return item, meeting


def test_members_of_two_organisations_vote_live_and_by_keyboard_ALB_B2(
        board, decision_item, meeting_of, visitor):
    leader = visitor()
    leader.login(LEADER)
    item, meeting = _open_vote(decision_item, meeting_of, leader)

    va, ab = visitor(), visitor()
    va.login(VA)
    ab.login(AB)
    va_page = va.goto(f"/{T}/moeder/{meeting}")
    ab_page = ab.goto(f"/{T}/moeder/{meeting}")
    live = ab_page.locator(f"#vote-{item}")
    assert "ingen endnu" in live.inner_text()

    # VA votes with the mouse; AB's page shows it without a reload (the poller)
    va_page.get_by_role("radio", name="Ja").check()
    va_page.get_by_role("button", name="Afgiv stemme").click()
    va_page.get_by_text("Du har stemt for VA: Ja").wait_for()
    va.axe()
    ab_url = ab_page.url
    live.get_by_text("VA (Ja)").wait_for(timeout=10_000)
    assert ab_page.url == ab_url  # no navigation happened
    ab.axe()
    ab.shoot("live-vote-seen-by-another-organisation")

    # AB votes by keyboard alone: Tab to the choice, Space to pick, Tab, Enter to send
    for _ in range(200):
        ab_page.keyboard.press("Tab")
        focused = ab_page.evaluate(
            "() => { const e = document.activeElement; return e && e.type === 'radio' "
            "&& e.labels.length ? e.labels[0].textContent.trim() : ''; }")
        if focused:
            break
    else:
        pytest.fail("the vote's choices cannot be reached with Tab")
    ab_page.keyboard.press("Space")  # the first choice: Ja
    ab_page.keyboard.press("Tab")
    assert ab_page.evaluate("() => document.activeElement.textContent.trim()") == "Afgiv stemme"
    ab_page.keyboard.press("Enter")
    ab_page.get_by_text("Du har stemt for AB: Ja").wait_for()
    ab.axe()
    # VA sees AB's vote appear, still without a reload
    va_page.locator(f"#vote-{item}").get_by_text("AB (Ja)").wait_for(timeout=10_000)
    va.shoot("live-vote-two-votes")

    leader_page = leader.goto(f"/{T}/moeder/{meeting}")
    leader_page.get_by_role("button", name="Afslut afstemningen").click()
    leader_page.get_by_text("Afstemningen er afsluttet.").wait_for()
    # Only two of four organisations voted: quorum was there (all present), the result explained
    assert "Resultat:" in leader_page.content()
    leader.axe()
    leader.shoot("vote-result")


def test_the_leader_records_a_show_of_hands_by_keyboard_and_members_see_it_live_ALB_B2(
        board, decision_item, meeting_of, visitor):
    leader = visitor()
    leader.login(LEADER)
    item, meeting = _open_vote(decision_item, meeting_of, leader)
    va = visitor()
    va.login(VA)
    va_page = va.goto(f"/{T}/moeder/{meeting}")
    page = leader.goto(f"/{T}/moeder/{meeting}")
    # the leader picks VA's and AB's choices with the keyboard alone, then sends
    page.get_by_label("VA", exact=True).focus()
    page.keyboard.press("ArrowDown")  # — → Ja
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "vote-org:AB"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # — → Ja → Nej
    page.get_by_role("button", name="Registrér stemmerne").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Stemmerne fra mødet er registreret.").wait_for()
    assert "VA (Ja, registreret på mødet)" in page.content()
    leader.axe()
    leader.shoot("votes-recorded-from-the-room")
    # VA's page shows the recorded votes without a reload, and VA's vote form is gone
    live = va_page.locator(f"#vote-{item}")
    live.get_by_text("AB (Nej, registreret på mødet)").wait_for(timeout=10_000)
    assert "Din stemme for VA" not in live.inner_text()
    va.axe()


def test_minutes_approved_by_a_member_with_one_click_ALB_B9(
        board, create_meeting, create_item, visitor):
    meeting = create_meeting(T, "bestyrelse")  # in session (CORE-SESSION)
    create_item(T, meeting, title="Budget", kind="B")
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto(f"/{T}/moeder/{meeting}")
    # The whole attendance in one form (everyone present by default), then held: not
    # before someone is recorded present (CORE-ATTENDANCE).
    page.get_by_role("link", name="Registrér hele mødets fremmøde i én formular").click()
    page.get_by_role("button", name="Registrér fremmødet").click()
    page.get_by_text("Fremmødet er registreret.").wait_for()
    page.get_by_role("button", name="Registrér mødet som afholdt").click()
    page.get_by_text("Mødet er registreret som afholdt.").wait_for()
    sec.axe()
    page.get_by_label("1. Budget (B)").fill("Budgettet blev godkendt.")
    page.get_by_role("button", name="Gem punkt 1").click()
    page.get_by_text("Referatet er gemt.").wait_for()
    page.get_by_role("button", name="Send referatet").click()
    page.get_by_text("Referatet er udsendt.").wait_for()
    sec.axe()
    sec.shoot("minutes-sent")

    va = visitor()
    va.login(VA)
    p = va.goto(f"/{T}/moeder/{meeting}")
    p.get_by_role("button", name="Godkend referatet").click()
    p.get_by_text("Du har godkendt referatet.").wait_for()
    va.axe()
    va.shoot("minutes-approved-by-member")
    assert p.get_by_role("button", name="Godkend referatet").count() == 0


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
    assert "Dagsorden udsendes senest 5 dage før mødet (ALB-B8)" in body


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
