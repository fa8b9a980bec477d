"""Mails that act, read from a real SMTP server (aiosmtpd): every mail is text and HTML in
the recipient's language, says which municipality and body it is about, and links straight
to the page on the platform's address; the approval mail's "Godkend referatet" link opens
the page that approves the minutes (CORE-APPROVAL-MODE; Testby's board approves by e-mail,
TST-6); a meeting's mails are one thread; a person who chose it gets one digest a day,
grouped by municipality and body, and nothing is lost when sending it fails."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.notifications.models import MailDigest, Notification
from core.notifications.operations import tick
from core.tenancy import all_tenants
from tests.fixtures.dates import at
from tests.fixtures.testby import ANNA, BENT, BOTH, CHAIR, KAREN, NABO_SECRETARY, SECRETARY, send_board_minutes

API = "/api/v1/tenants/testby"
BASE = "https://kommissorium.testby.example"


@pytest.fixture
def in_process(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    monkeypatch.setitem(app.config, "PUBLIC_URL", BASE)


@pytest.fixture
def sent(sync_tenant, clock, make_meeting, member, in_process):
    """Testby's board meeting of 1 March 2018 with its minutes out for approval by e-mail."""
    return send_board_minutes(sync_tenant, clock, make_meeting, member)


def _parts(mail) -> tuple[str, str]:
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


def _mails(smtp_server, to: str, kind: str):
    return [m for m in smtp_server.to(to) if m["X-Kommissorium-Notification"].startswith(kind + " ")]


def test_the_minutes_mail_is_text_and_html_with_the_link_that_approves_TST_6(sent, smtp_server, member):
    tick(at(2018, 3, 5, 11))
    [mail] = _mails(smtp_server, ANNA, "minutes_sent")
    assert mail.get_content_type() == "multipart/alternative" and mail["Content-Language"] == "da"
    text, html = _parts(mail)
    assert mail["Subject"] == "Referat: Bestyrelsen 2018-03-01 · Testby Kommune"
    for part in (text, html):  # the municipality and the body it is about
        assert "Testby Kommune" in part and "Bestyrelsen" in part
        assert "Budgettet blev godkendt." in part
        assert "Godkend venligst referatet senest 29.03.2018 (TST-6)." in part
    approve = f"{BASE}/testby/moeder/{sent}/referat/godkend"
    assert f"Godkend referatet: {approve}" in text
    assert re.search(rf'<a href="{re.escape(approve)}"[^>]*>Godkend referatet</a>', html), html
    assert f"{BASE}/testby/moeder/{sent}#referat" in text  # and the minutes themselves
    # Opening the link approves nothing: the page asks for the click (a POST).
    anna = member(ANNA)
    page = anna.get(approve.removeprefix(BASE))
    assert page.status_code == 200 and "Godkend referatet" in page.get_data(as_text=True)
    assert anna.get(f"{API}/meetings/{sent}/minutes").get_json()["versions"][0]["approved_by"] == []

    # The secretary is told the minutes went out, without a link to approve them: only
    # the members approve (CORE-APPROVERS).
    [to_secretary] = _mails(smtp_server, SECRETARY, "minutes_sent")
    assert "/referat/godkend" not in _parts(to_secretary)[0]


def test_a_member_who_chose_english_reads_english_TST_6(sent, smtp_server, member):
    bent = member(BENT)
    assert bent.get("/api/v1/me/mail-settings").get_json() == {"language": "da", "daily_digest": False}
    refused = bent.patch("/api/v1/me/mail-settings", json={"language": "de"})
    assert refused.status_code == 422 and "language" in refused.get_json()["errors"]["json"]
    changed = bent.patch("/api/v1/me/mail-settings", json={"language": "en"})
    assert changed.status_code == 200 and changed.get_json()["language"] == "en"

    tick(at(2018, 3, 5, 11))
    [mail] = _mails(smtp_server, BENT, "minutes_sent")
    text, html = _parts(mail)
    assert mail["Content-Language"] == "en" and '<html lang="en">' in html
    assert mail["Subject"] == "Minutes: Bestyrelsen 2018-03-01 · Testby Kommune"
    assert "Please approve the minutes by 29.03.2018 (TST-6)." in text
    assert f"Approve the minutes: {BASE}/testby/moeder/{sent}/referat/godkend" in text
    # The others still read Danish.
    assert "Godkend referatet" in _parts(_mails(smtp_server, ANNA, "minutes_sent")[0])[0]


def test_a_meetings_mails_are_one_thread(sync_tenant, clock, make_meeting, member, in_process, smtp_server):
    meeting = send_board_minutes(sync_tenant, clock, make_meeting, member)
    tick(at(2018, 2, 20, 10))  # the agenda (sent in the fixture, mailed now)
    tick(at(2018, 3, 5, 11))  # the minutes
    tick(at(2018, 3, 25, 10))  # the approval reminders (7 days before the deadline)
    mails = [m for m in smtp_server.to(ANNA) if f"meeting:{meeting}" in m["X-Kommissorium-Notification"]]
    kinds = [m["X-Kommissorium-Notification"].split()[0] for m in mails]
    assert {"agenda_published", "minutes_sent", "approval_due"} <= set(kinds), kinds
    root = f"<testby.meeting.{meeting}@kommissorium.testby.example>"
    assert {m["In-Reply-To"] for m in mails} == {root} and {m["References"] for m in mails} == {root}
    ids = [m["Message-ID"] for m in mails]
    assert len(set(ids)) == len(ids) and root not in ids
    # Another meeting is another thread.
    other = make_meeting("testby", "bestyrelse", at(2018, 6, 1, 15))
    member(SECRETARY).post(f"{API}/meetings/{other}/publish-agenda")
    tick(at(2018, 5, 20, 10))
    [agenda] = [m for m in smtp_server.to(ANNA) if m["X-Kommissorium-Notification"] == f"agenda_published meeting:{other}"]
    assert agenda["References"] == f"<testby.meeting.{other}@kommissorium.testby.example>"


def _digest_rows(user_email):
    with all_tenants():
        return list(db.session.scalars(sa.select(Notification).filter_by(recipient=user_email)))


def test_a_daily_digest_instead_of_single_mails_grouped_by_municipality_and_body(
        sync_tenant, clock, make_meeting, member, in_process, smtp_port, make_smtp_server, app, naboby):
    # Dorte sits on Testby's board and on Naboby's: one digest for both.
    assert member(BOTH).patch("/api/v1/me/mail-settings", json={"daily_digest": True}).status_code == 200
    testby_meeting = send_board_minutes(sync_tenant, clock, make_meeting, member)
    nabo = make_meeting("naboby", "bestyrelse", at(2018, 3, 20, 15), location="Naboby Rådhus")
    clock.set(at(2018, 3, 5, 9))
    assert member(NABO_SECRETARY).post(f"/api/v1/tenants/naboby/meetings/{nabo}/publish-agenda").status_code == 200

    # 05:00 in Copenhagen, before DIGEST_HOUR (7): the others' mails are tried at once,
    # Dorte's wait. The SMTP server is down (nobody listens on smtp_port).
    tick(at(2018, 3, 5, 4))
    assert all(r.attempts == 1 for r in _digest_rows(ANNA))
    waiting = _digest_rows(BOTH)
    assert {r.kind for r in waiting} == {"agenda_published", "minutes_sent"}
    assert all(r.sent_at is None and r.digest_id is None and r.attempts == 0 for r in waiting)

    report = tick(at(2018, 3, 5, 7))  # 08:00 in Copenhagen
    assert report.digests == 1 and report.failed >= 1
    rows = _digest_rows(BOTH)
    assert all(r.sent_at is None and r.digest_id is not None for r in rows)
    with all_tenants():
        [digest] = db.session.scalars(sa.select(MailDigest)).all()
        assert digest.sent_at is None and digest.last_error and digest.attempts == 1

    # The server is back: a later tick sends the digest, whole, once.
    server = make_smtp_server(smtp_port)
    tick(at(2018, 3, 5, 7, 30))
    [mail] = server.to(BOTH)
    assert mail["Subject"] == "Dagens overblik fra Kommissorium, 05.03.2018: 2 beskeder"
    assert mail.get_content_type() == "multipart/alternative"
    text, html = _parts(mail)
    # Grouped by municipality, then body, each mail with its link.
    assert text.index("==== Naboby Kommune ====") < text.index("==== Testby Kommune ====")
    assert "Dagsorden: Nabobys bestyrelse 2018-03-20 · Naboby Kommune" in text
    assert f"{BASE}/testby/moeder/{testby_meeting}" in text and f"{BASE}/naboby/moeder/{nabo}" in html
    assert "<h2" in html and "Testby Kommune</h2>" in html
    assert all(r.sent_at is not None for r in _digest_rows(BOTH))

    # One a day: what comes later waits for tomorrow's.
    tick(at(2018, 3, 5, 12))
    assert len(server.to(BOTH)) == 1
    second = make_meeting("testby", "bestyrelse", at(2018, 6, 1, 15))
    member(SECRETARY).post(f"{API}/meetings/{second}/publish-agenda")
    tick(at(2018, 3, 5, 13))
    assert len(server.to(BOTH)) == 1 and len(server.to(ANNA)) > 1
    tick(at(2018, 3, 6, 7))
    assert len(server.to(BOTH)) == 2 and server.to(BOTH)[1]["Subject"].endswith(": 1 besked")

    # Back to single mails: the next one comes at once.
    assert member(BOTH).patch("/api/v1/me/mail-settings", json={"daily_digest": False}).get_json() == {
        "language": "da", "daily_digest": False}
    third = make_meeting("testby", "bestyrelse", at(2018, 9, 1, 15))
    member(SECRETARY).post(f"{API}/meetings/{third}/publish-agenda")
    tick(at(2018, 3, 6, 12))
    assert server.to(BOTH)[-1]["X-Kommissorium-Notification"] == f"agenda_published meeting:{third}"


def test_the_mail_settings_need_a_login_and_valid_input(testby, member):
    assert member(None).get("/api/v1/me/mail-settings").status_code == 401
    anna = member(ANNA)
    refused = anna.patch("/api/v1/me/mail-settings", json={"daily_digest": "yes"})
    assert refused.status_code == 422 and "daily_digest" in refused.get_json()["errors"]["json"]
    assert anna.get("/api/v1/me/mail-settings").get_json() == {"language": "da", "daily_digest": False}
    exported = anna.get("/api/v1/me/personal-data").get_json()["user"]
    assert exported["language"] == "da" and exported["has_daily_digest"] is False


def test_the_reminder_before_the_approval_deadline_links_to_the_approval_too_TST_6(sent, smtp_server, member):
    for email in (CHAIR, KAREN):
        assert member(email).post(f"{API}/meetings/{sent}/minutes/approvals").status_code == 200
    tick(at(2018, 3, 25, 10))
    reminded = {m["To"] for m in smtp_server.messages if m["X-Kommissorium-Notification"].startswith("approval_due")}
    assert ANNA in reminded and CHAIR not in reminded  # those who approved are not reminded
    text, html = _parts(_mails(smtp_server, ANNA, "approval_due")[0])
    assert f"{BASE}/testby/moeder/{sent}/referat/godkend" in text and "Godkend referatet" in html
    assert "Godkend venligst referatet senest 29.03.2018 (TST-6)." in text
