"""The page the approval mail's "Godkend referatet" link opens (CORE-APPROVAL-MODE; Testby's
board approves by e-mail, TST-6): a login first where needed, then back to the page;
opening it approves nothing; one click (a POST with its CSRF token) approves; what cannot
be done is a clear page saying why and citing the clause, never a 500. The same checks
as the API's approval (``approval_standing``)."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone

import pytest

from tests.fixtures.testby import ANNA, BENT, BOTH, CHAIR, GROUP_MEMBER, KAREN, SECRETARY, send_board_minutes

UTC = timezone.utc
API = "/api/v1/tenants/testby"


@pytest.fixture
def sent(sync_tenant, clock, make_meeting, member):
    return send_board_minutes(sync_tenant, clock, make_meeting, member)


def _approved_by(member, meeting):
    return member(SECRETARY).get(f"{API}/meetings/{meeting}/minutes").get_json()["versions"][0]["approved_by"]


def test_the_link_asks_for_a_login_and_comes_back_to_the_page(sent, member):
    page = f"/testby/moeder/{sent}/referat/godkend"
    anonymous = member(None).get(page)
    assert anonymous.status_code == 401
    links = {html.unescape(x) for x in re.findall(r'href="(/log-ind[^"]*)"', anonymous.get_data(as_text=True))}
    assert f"/log-ind?next={page}" in links  # the browser test follows it


def test_opening_the_page_approves_nothing_one_click_does_TST_6(sent, member, submit):
    page = f"/testby/moeder/{sent}/referat/godkend"
    anna = member(ANNA)
    text = anna.get(page).get_data(as_text=True)
    assert "Testby Kommune · Bestyrelsen" in text
    assert "Organets medlemmer godkender referatet hver for sig, senest " in text and "(TST-6)" in text
    assert "Budgettet blev godkendt." in text and "0 af " in text
    assert _approved_by(member, sent) == []  # a GET changes nothing
    # Without the form's CSRF token the click is refused, and nothing is written.
    assert anna.post(page, data={"from": "approval"}).status_code == 400
    assert _approved_by(member, sent) == []

    done = submit(anna, page, page, **{"from": "approval"})
    assert done.status_code == 200 and done.request.path == page
    text = done.get_data(as_text=True)
    assert "Du har godkendt referatet" in text and "1 af " in text
    assert 'action="/testby/moeder/%d/referat/godkend"' % sent not in text  # no second button
    assert _approved_by(member, sent) == [ANNA]
    # Approving again (an old tab, the API) changes nothing; the page still says it is done.
    assert anna.post(f"{API}/meetings/{sent}/minutes/approvals").status_code == 200
    again = anna.get(page)
    assert again.status_code == 200 and "Du har godkendt referatet" in again.get_data(as_text=True)
    assert _approved_by(member, sent) == [ANNA]


def test_the_last_approval_makes_the_minutes_approved_and_the_page_says_so_TST_6(sent, member, submit):
    approvers = member(SECRETARY).get(f"{API}/meetings/{sent}/minutes").get_json()["awaiting_approval_from"]
    assert set(approvers) >= {ANNA, BENT, CHAIR, KAREN}
    *first, last = approvers
    for email in first:
        assert member(email).post(f"{API}/meetings/{sent}/minutes/approvals").status_code == 200
    page = f"/testby/moeder/{sent}/referat/godkend"
    text = submit(member(last), page, page, **{"from": "approval"}).get_data(as_text=True)
    assert "Referatet er godkendt" in text and "(TST-6)" in text
    minutes = member(SECRETARY).get(f"{API}/meetings/{sent}/minutes").get_json()
    assert minutes["state"] == "minutes_approved" and minutes["approval"]["clause"] == "TST-6"


def test_who_may_not_approve_gets_a_clear_page_not_an_error_TST_6(sent, member, make_meeting):
    page = f"/testby/moeder/{sent}/referat/godkend"
    # The secretary writes the minutes and does not approve them (CORE-APPROVERS).
    secretary = member(SECRETARY).get(page)
    assert secretary.status_code == 403
    assert "Kun organets medlemmer godkender referatet" in secretary.get_data(as_text=True)
    assert 'type="submit" class="button button-primary">Godkend referatet' not in secretary.get_data(as_text=True)
    # A member of another body of the tenant does not see the board's meeting at all.
    assert member(GROUP_MEMBER).get(page).status_code in (403, 404)
    # Minutes not out for approval: nothing to approve, and why.
    planned = make_meeting("testby", "bestyrelse", datetime(2018, 6, 1, 15, tzinfo=UTC))
    early = member(ANNA).get(f"/testby/moeder/{planned}/referat/godkend")
    assert early.status_code == 409 and "Referatet kan ikke godkendes nu" in early.get_data(as_text=True)
    # Another tenant's meeting is not found.
    assert member(BOTH).get(f"/naboby/moeder/{sent}/referat/godkend").status_code == 404
    assert member(BOTH).get(f"/testby/moeder/999999/referat/godkend").status_code == 404


def test_the_account_page_chooses_the_language_and_the_digest(testby, member, submit):
    bent = member(BENT)
    page = bent.get("/min-konto").get_data(as_text=True)
    assert 'id="mails"' in page and "Én samlet mail om dagen" in page
    done = submit(bent, "/min-konto", "/min-konto/mails", language="en", daily_digest="true")
    assert done.status_code == 200 and "Dine valg for mails er gemt." in done.get_data(as_text=True)
    assert bent.get("/api/v1/me/mail-settings").get_json() == {"language": "en", "daily_digest": True}
    refused = submit(bent, "/min-konto", "/min-konto/mails", language="fr")
    assert refused.status_code == 422 and "Sprog i mails" in refused.get_data(as_text=True)
    assert bent.get("/api/v1/me/mail-settings").get_json() == {"language": "en", "daily_digest": True}
    submit(bent, "/min-konto", "/min-konto/mails", language="da")  # the box unticked: single mails
    assert bent.get("/api/v1/me/mail-settings").get_json() == {"language": "da", "daily_digest": False}
