"""From the mail to approved minutes, in a real browser, with axe-core and the overflow
check on every page visited: the minutes of Testby's board go out for approval by e-mail
(CORE-APPROVAL-MODE, TST-6); the real SMTP server receives the mails; the last member's
mail, read as HTML, has the "Godkend referatet" link on the platform's address; Chromium
follows it, is asked to log in, comes back to the page, approves with one click, and the
API says the minutes are approved."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from core.notifications.operations import tick
from tests.fixtures.browser import PASSWORD
from tests.fixtures.testby import ANNA, SECRETARY, send_board_minutes

UTC = timezone.utc
API = "/api/v1/tenants/testby"


@pytest.fixture
def mailed(app, server, monkeypatch, sync_tenant, clock, make_meeting, member, passwords, smtp_server):
    """The minutes out for approval, every approver but Anna done, the mails delivered to
    the SMTP server with links on the served app's address."""
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    monkeypatch.setitem(app.config, "PUBLIC_URL", server)
    meeting = send_board_minutes(sync_tenant, clock, make_meeting, member)
    passwords(ANNA)
    awaiting = member(SECRETARY).get(f"{API}/meetings/{meeting}/minutes").get_json()["awaiting_approval_from"]
    assert ANNA in awaiting
    for email in awaiting:
        if email != ANNA:
            assert member(email).post(f"{API}/meetings/{meeting}/minutes/approvals").status_code == 200
    tick(datetime(2018, 3, 5, 11, tzinfo=UTC))
    return meeting


def test_a_member_approves_the_minutes_from_the_mail_TST_6(mailed, smtp_server, server, visitor, member):
    [mail] = [m for m in smtp_server.to(ANNA) if m["X-Kommissorium-Notification"].startswith("minutes_sent")]
    assert mail.get_content_type() == "multipart/alternative" and mail["Content-Language"] == "da"
    html = mail.get_body(("html",)).get_content()
    assert "Testby Kommune" in html and "Bestyrelsen" in html
    [link] = re.findall(r'<a href="([^"]+)"[^>]*>Godkend referatet</a>', html)
    assert link == f"{server}/testby/moeder/{mailed}/referat/godkend"

    anna = visitor()
    anna.page.set_viewport_size({"width": 390, "height": 844})
    page = anna.page
    page.goto(link)  # not logged in: asked to
    anna.axe()
    page.locator("main").get_by_role("link", name="Log ind").click()
    page.get_by_label("E-mail").fill(ANNA)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(link)  # back at the page the mail opened
    expect(page.get_by_role("heading", name="Godkend referatet")).to_be_visible()
    expect(page.get_by_text("Testby Kommune · Bestyrelsen")).to_be_visible()
    expect(page.get_by_text("Budgettet blev godkendt.")).to_be_visible()
    anna.axe()
    anna.shoot("minutes-approval-from-mail")
    # Opening the page approved nothing.
    assert member(SECRETARY).get(f"{API}/meetings/{mailed}/minutes").get_json()["state"] == "minutes_sent"

    page.get_by_role("button", name="Godkend referatet").click()
    expect(page.get_by_text("Du har godkendt referatet.")).to_be_visible()
    expect(page.get_by_text("Referatet er godkendt", exact=True)).to_be_visible()
    anna.axe()
    anna.shoot("minutes-approval-done")
    minutes = member(SECRETARY).get(f"{API}/meetings/{mailed}/minutes").get_json()
    assert minutes["state"] == "minutes_approved" and minutes["approval"]["clause"] == "TST-6"
    assert ANNA in minutes["versions"][0]["approved_by"]
