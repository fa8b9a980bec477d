"""The outbox: ``tick`` writes what is due, workers deliver it to a real SMTP server
(aiosmtpd, started here), once each; nothing is lost when SMTP or Redis is away. On
Testby's board; Albertslund's reminders (ALB-R3, ALB-R4, ALB-B9) and Copenhagen's
information recipients (KBH-2) are tested in their plugins' folders."""

import os
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from core.extensions import db
from core.notifications.models import Notification
from core.notifications.operations import tick
from tests.fixtures.testby import BENT, SECRETARY

UTC = timezone.utc
BOARD = 6  # people holding a seat on Testby's board (tests/fixtures/testby.toml)


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def in_process(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")


@pytest.fixture
def published(sync_tenant, clock, make_meeting, api):
    """Testby's board meeting on 1 March 2018 with its agenda out on 20 February."""
    sync_tenant("testby")
    meeting = make_meeting("testby", "bestyrelse", at(2018, 3, 1, 15), location="Rådhuset")
    sec = api(SECRETARY)
    sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Ansættelse af projektleder", "case_text": "CV …",
        "is_confidential": True, "confidentiality_reason": "personnel"})
    sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Temadrøftelse", "guests": [{"name": "Gæst Demo", "email": "gaest@skole.example"}]})
    clock.set(at(2018, 2, 20, 9))
    assert sec.post(f"meetings/{meeting}/publish-agenda").status_code == 200
    return meeting


def _rows(in_tenant, tenant="testby", **filters):
    with in_tenant(tenant):
        return list(db.session.scalars(sa.select(Notification).filter_by(**filters).order_by(Notification.id)))


def test_tick_and_delivery_send_each_agenda_once_with_an_invitation(published, in_process, smtp_server, in_tenant):
    report = tick(at(2018, 2, 20, 10))
    assert report.written["agenda_published"] == BOARD + 1  # the members and the item's guest
    assert len(smtp_server.messages) == BOARD + 1
    mail = smtp_server.to(BENT)[0]
    assert mail["Subject"].startswith("Dagsorden: Bestyrelsen 2018-03-01")
    text = mail.get_body(("plain",)).get_content()
    # A mail leaves the platform: even a member's names a closed item by its public title
    # and § 27 reason, with a link to read it.
    assert "Ansættelse af projektleder" not in text and "Personalesag" in text
    assert "01.03.2018 kl. 16:00" in text  # 15:00 UTC in the tenant's time zone (Europe/Copenhagen)
    [ics] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    cal = Calendar.from_ical(ics.get_content() if isinstance(ics.get_content(), str) else ics.get_content().decode())
    assert cal["method"] == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert event["location"] == "Rådhuset" and event.decoded("dtstart") == at(2018, 3, 1, 15)
    # The guest is not a member: the closed item is a padlock.
    guest_text = smtp_server.to("gaest@skole.example")[0].get_body(("plain",)).get_content()
    assert "Ansættelse" not in guest_text and "Lukket punkt" in guest_text and "Personalesag" in guest_text

    # Repeating the tick sends nothing twice.
    again = tick(at(2018, 2, 20, 11))
    assert again.written == {} and len(smtp_server.messages) == BOARD + 1
    assert all(r.sent_at is not None and r.attempts == 1 for r in _rows(in_tenant))


def test_nothing_is_lost_while_the_smtp_server_is_down(published, in_process, smtp_port, make_smtp_server, in_tenant):
    report = tick(at(2018, 2, 20, 10))  # nobody listens on smtp_port
    assert report.failed == BOARD + 1
    rows = _rows(in_tenant)
    assert all(r.sent_at is None and r.attempts == 1 and r.last_error for r in rows)
    server = make_smtp_server(smtp_port)
    tick(at(2018, 2, 20, 10, 5))  # handed over too recently: waits
    assert server.messages == []
    tick(at(2018, 2, 20, 11))
    assert len(server.messages) == BOARD + 1
    assert len({m["To"] for m in server.messages}) == BOARD + 1
    tick(at(2018, 2, 20, 12))
    assert len(server.messages) == BOARD + 1


def test_a_repeated_job_sends_nothing_twice(published, in_process, smtp_server, in_tenant):
    from core.notifications.tasks import deliver

    tick(at(2018, 2, 20, 10))
    row = _rows(in_tenant)[0]
    assert deliver(row.tenant_id, row.id) == "skipped"
    assert len(smtp_server.to(row.recipient)) == 1


@pytest.mark.redis
def test_tick_and_an_rq_worker_deliver_through_real_redis_once(published, smtp_server, in_tenant, app, monkeypatch):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set (CI sets it)")
    from rq import SimpleWorker

    from core import jobs

    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setattr(jobs, "QUEUE_NAME", f"test-{uuid.uuid4().hex[:8]}")
    q = jobs.queue()
    try:
        report = tick(at(2018, 2, 20, 10))
        assert report.queued == BOARD + 1 and smtp_server.messages == []  # queued, not sent
        # Redis loses the queue: a later tick hands the unsent rows over again.
        q.empty()
        tick(at(2018, 2, 20, 10, 30))
        assert q.count == BOARD + 1
        tick(at(2018, 2, 20, 11, 0))  # and again: duplicate jobs must not duplicate mail
        SimpleWorker([q], connection=q.connection).work(burst=True)
        assert len(smtp_server.messages) == BOARD + 1
        assert len({m["To"] for m in smtp_server.messages}) == BOARD + 1
        assert all(r.sent_at is not None for r in _rows(in_tenant))
        tick(at(2018, 2, 20, 12))
        SimpleWorker([q], connection=q.connection).work(burst=True)
        assert len(smtp_server.messages) == BOARD + 1
    finally:
        q.delete(delete_jobs=True)


@pytest.mark.redis
def test_a_failing_delivery_job_is_retried_by_rq(published, smtp_port, make_smtp_server, in_tenant, app, monkeypatch):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set (CI sets it)")
    from rq import Retry, SimpleWorker

    from core import jobs
    from core.notifications.tasks import deliver

    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setattr(jobs, "QUEUE_NAME", f"test-{uuid.uuid4().hex[:8]}")
    q = jobs.queue()
    try:
        tick(at(2018, 2, 20, 10))  # SMTP is down: the in-queue jobs are dropped below
        q.empty()
        row = _rows(in_tenant)[0]
        job = q.enqueue(deliver, row.tenant_id, row.id, retry=Retry(max=1, interval=60))
        SimpleWorker([q], connection=q.connection).work(burst=True)  # fails: retry scheduled
        job.refresh()
        assert job.get_status() == "scheduled" and job.retries_left == 0
        with in_tenant("testby"):
            db.session.expire_all()
            failed = db.session.get(Notification, row.id)
            assert failed.sent_at is None and "Connection" in failed.last_error
        server = make_smtp_server(smtp_port)
        q.scheduled_job_registry.remove(job)  # the retry's time has come
        q.enqueue_job(job)
        SimpleWorker([q], connection=q.connection).work(burst=True)
        assert len(server.to(row.recipient)) == 1
    finally:
        q.delete(delete_jobs=True)


# --------------------------------------------------------------------------- what is due


def test_cancellation_sends_an_icalendar_cancel(published, in_process, smtp_server, api, clock):
    tick(at(2018, 2, 20, 10))
    clock.set(at(2018, 2, 22, 9))
    api(SECRETARY).post(f"meetings/{published}/cancel", json={"reason": "Sygdom"})
    tick(at(2018, 2, 22, 10))
    mails = [m for m in smtp_server.to(BENT) if m["Subject"].startswith("Aflyst")]
    assert len(mails) == 1
    [ics] = [p for p in mails[0].iter_attachments() if p.get_content_type() == "text/calendar"]
    content = ics.get_content()
    cal = Calendar.from_ical(content if isinstance(content, str) else content.decode())
    assert cal["method"] == "CANCEL" and cal.walk("VEVENT")[0]["status"] == "CANCELLED"


def test_tick_command(published, in_process, smtp_server, app):
    from core.cli import main

    result = app.test_cli_runner().invoke(main, ["tick", "--now", "2018-02-20T10:00:00"])
    assert result.exit_code == 0, result.output
    assert f"agenda_published: {BOARD + 1}" in result.output
    assert len(smtp_server.messages) == BOARD + 1
    result = app.test_cli_runner().invoke(main, ["tick", "--now", "2018-02-20T11:00:00"])
    assert "nothing new" in result.output and len(smtp_server.messages) == BOARD + 1


def test_a_moved_meeting_is_announced_again_with_a_new_sequence(published, in_process, smtp_server, api, clock):
    tick(at(2018, 2, 20, 10))
    sec = api(SECRETARY)
    assert sec.patch(f"meetings/{published}", json={"title": "Budgetmøde"}).status_code == 200
    tick(at(2018, 2, 21, 10))
    assert len(smtp_server.to(BENT)) == 1  # a new title is no move
    sec.patch(f"meetings/{published}", json={"starts_at": "2018-03-02T15:00:00+00:00", "location": "Aulaen"})
    tick(at(2018, 2, 22, 10))
    tick(at(2018, 2, 22, 11))
    changed = [m for m in smtp_server.to(BENT) if m["Subject"].startswith("Ændret")]
    assert len(changed) == 1
    [ics] = [p for p in changed[0].iter_attachments() if p.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event["sequence"] == 1 and event["location"] == "Aulaen"
    assert event.decoded("dtstart") == at(2018, 3, 2, 15)
