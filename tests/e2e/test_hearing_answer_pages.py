"""From the hearing's mails to the answers, in a real browser, with axe-core and the
overflow check at a phone's and a desktop's size on every page visited (CORE-HEARING,
TST-7): Testby's follow group sends a proposal to hearing; the real SMTP server receives
the mails at once; Boligselskabet B's hearing contact follows the personal link in its
mail without a login, reads the proposal (in Danish and in English) and answers; Anna, who
acts for Boligselskabet A, follows her mail's link, logs in and answers on the answer page.
The API then shows both answers, each with how it came."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.notifications.operations import tick
from tests.fixtures.browser import PASSWORD
from tests.fixtures.dates import at
from tests.fixtures.hearings import API, CONTACT, open_testby_hearing
from tests.fixtures.testby import ANNA, SECRETARY


@pytest.fixture
def mailed(app, server, monkeypatch, testby, clock, member, passwords, smtp_server):
    """The hearing opened, its mails delivered to the SMTP server with links on the served
    app's address."""
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    monkeypatch.setitem(app.config, "PUBLIC_URL", server)
    clock.set(at(2018, 1, 5, 10))
    pid = open_testby_hearing(member)
    passwords(ANNA)
    tick(at(2018, 1, 5, 10, 1))
    return pid


def _opened(smtp_server, to: str):
    [mail] = [m for m in smtp_server.to(to) if m["X-Kommissorium-Notification"].startswith("hearing_opened")]
    return mail


def _action(mail) -> str:
    html = mail.get_body(("html",)).get_content()
    [link] = re.findall(r'<a href="([^"]+)"[^>]*>Afgiv høringssvar</a>', html)
    return link


def test_the_hearing_contact_answers_from_the_mail_without_a_login_TST_7(mailed, smtp_server, server, visitor, member):
    mail = _opened(smtp_server, CONTACT)
    assert mail.get_content_type() == "multipart/alternative" and mail["Content-Language"] == "da"
    assert mail["Subject"] == "Høring: Fælles regler for udlån af lokaler · Testby Kommune"
    link = _action(mail)
    assert link.startswith(f"{server}/testby/forslag/{mailed}/hoeringssvar/")

    contact = visitor()
    page = contact.page
    page.goto(link)
    expect(page.get_by_role("heading", name="Høringssvar fra Boligselskabet B")).to_be_visible()
    expect(page.get_by_text("Beboerhusene udlånes efter ens regler.")).to_be_visible()
    expect(page.get_by_role("link", name="regler.txt")).to_be_visible()
    contact.axe()
    contact.shoot("hearing-answer-link-da")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Hearing answer from Boligselskabet B")).to_be_visible()
    contact.axe()
    contact.shoot("hearing-answer-link-en")
    page.get_by_role("button", name="Dansk").click()

    page.get_by_role("button", name="Afgiv høringssvar").click()  # nothing chosen: refused, named
    expect(page.get_by_role("link", name="Høringssvar: vælg et svar.")).to_be_visible()
    contact.axe()
    page.get_by_label("Vi har bemærkninger").check()
    page.get_by_label("Bemærkninger", exact=True).fill("Vi foreslår fri adgang for foreningerne.")
    page.get_by_role("button", name="Afgiv høringssvar").click()
    expect(page.get_by_text("Høringssvaret er afgivet", exact=True)).to_be_visible()
    expect(page.get_by_text("Vi foreslår fri adgang for foreningerne.")).to_be_visible()
    contact.axe()
    contact.shoot("hearing-answer-link-done")
    page.goto(link)  # spent: says so, shows nothing of the proposal
    expect(page.get_by_role("heading", name="Linket er brugt")).to_be_visible()
    expect(page.get_by_text("Beboerhusene")).to_have_count(0)
    contact.axe()

    answers = {a["organisation"]: a for a in
               member(SECRETARY).get(f"{API}/{mailed}").get_json()["steps"][0]["hearing"]["answers"]}
    assert (answers["TST-B"]["channel"], answers["TST-B"]["status"]) == ("link", "comments")


def test_a_member_answers_for_the_organisation_from_the_mail_after_logging_in_TST_7(
        mailed, smtp_server, server, visitor, member):
    link = _action(_opened(smtp_server, ANNA))
    assert link == f"{server}/testby/forslag/{mailed}/hoeringssvar"
    anna = visitor()
    page = anna.page
    page.goto(link)  # not logged in: asked to
    anna.axe()
    page.locator("main").get_by_role("link", name="Log ind").click()
    page.get_by_label("E-mail").fill(ANNA)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(link)
    expect(page.get_by_role("heading", name="Høringssvar", exact=True)).to_be_visible()
    expect(page.get_by_text("Høringssvar fra Boligselskabet A")).to_be_visible()
    anna.axe()
    anna.shoot("hearing-answer-page")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("Hearing answer from Boligselskabet A")).to_be_visible()
    anna.axe()
    anna.shoot("hearing-answer-page-en")
    page.get_by_role("button", name="Dansk").click()
    page.get_by_label("Ingen bemærkninger").check()
    page.get_by_role("button", name="Afgiv høringssvar").click()
    expect(page.get_by_text("Høringssvaret er afgivet.")).to_be_visible()
    anna.axe()
    answers = {a["organisation"]: a for a in
               member(SECRETARY).get(f"{API}/{mailed}").get_json()["steps"][0]["hearing"]["answers"]}
    assert (answers["TST-A"]["channel"], answers["TST-A"]["answered_by"]) == ("platform", "Anna Andersen")


def test_the_secretariat_records_a_paper_answer_on_the_answer_page(mailed, server, visitor, passwords, member):
    passwords(SECRETARY)
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto(f"/testby/forslag/{mailed}/hoeringssvar")
    page.locator("summary", has_text="Boligselskabet A").click()  # the paper form for A opens
    page.get_by_label("Ingen bemærkninger").first.check()
    page.get_by_role("button", name="Registrér svaret").first.click()
    expect(page.get_by_text("Svaret modtaget på papir er registreret.")).to_be_visible()
    expect(page.get_by_text(re.compile("Modtaget på papir .*, registreret af Sekretær Testby"))).to_be_visible()
    sec.axe()
    sec.shoot("hearing-paper-answer")
