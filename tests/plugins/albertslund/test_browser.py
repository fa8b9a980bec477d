"""In a real browser, with axe-core on every page visited, Albertslund's board: members of
two organisations vote live, one vote per organisation (ALB-B2), and see each other's
votes appear without reloading; a member votes by keyboard alone; the meeting leader
(ALB-B6) records a show of hands; a member approves the minutes with one click (ALB-B9)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.xdist_group("browser")

T = "albertslund"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST's meeting leader (ALB-B6)
SECRETARY = "sanne.skov@abc.example"  # secretary of Bestyrelsen, tenant administrator
VA, AB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example"


@pytest.fixture
def board(sync_tenant, passwords):
    sync_tenant(T)
    passwords(LEADER, SECRETARY, VA, AB)


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
