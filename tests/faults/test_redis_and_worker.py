"""Redis away while notifications are due, and an rq worker killed in the middle of a
delivery: nothing is lost, nothing is sent twice (docs/decisions/0004-notification-outbox.md)."""

import asyncio
import email
import email.policy
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis

from core.extensions import db
from core.notifications.models import Notification
from core.notifications.operations import tick
from tests.fixtures.mail import free_port

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"
#: People holding a seat in Albertslund's Bestyrelse. These tests run on a bundled tenant on
#: purpose: a worker started as its own process knows the installed plugins only, not the
#: test tenant's plugin that pytest registers.
BOARD = 11


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def published(sync_tenant, clock, make_meeting, api):
    """Albertslund's board meeting on 1 March 2018 with its agenda out on 20 February."""
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15), location="Rådhuset")
    sec = api(SANNE, "albertslund")
    sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Ansættelse af projektleder", "case_text": "CV …",
        "is_confidential": True, "confidentiality_reason": "personnel"})
    sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Temadrøftelse", "guests": [{"name": "Gæst Demo", "email": "gaest@skole.example"}]})
    clock.set(at(2018, 2, 20, 9))
    assert sec.post(f"meetings/{meeting}/publish-agenda").status_code == 200
    return meeting


def _rows(in_tenant, tenant="albertslund", **filters):
    with in_tenant(tenant):
        return list(db.session.scalars(sa.select(Notification).filter_by(**filters).order_by(Notification.id)))

BIN = Path(sys.executable).parent


class RedisServer:
    """A redis-server of this test's own on a random loopback port, without persistence."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.proc = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                Redis.from_url(self.url).ping()
                return self
            except Exception:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.05)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


def _worker(q):
    from rq import SimpleWorker

    SimpleWorker([q], connection=q.connection).work(burst=True)


def test_redis_down_while_notifications_are_due_loses_nothing_and_delivers_once(
        published, smtp_server, in_tenant, app, monkeypatch, redis_server):
    from core import jobs

    redis_server.start()
    monkeypatch.setitem(app.config, "REDIS_URL", redis_server.url)
    monkeypatch.setattr(jobs, "QUEUE_NAME", f"test-{uuid.uuid4().hex[:8]}")
    redis_server.stop()

    report = tick(at(2018, 2, 20, 10))  # the agenda is due to every member: Redis is away
    assert report.queued == 0 and report.failed == BOARD + 1
    rows = _rows(in_tenant)
    assert len(rows) == BOARD + 1  # nothing lost: each is in the outbox, unsent, unqueued
    assert all(r.sent_at is None and r.queued_at is None and r.attempts == 0 for r in rows)
    assert smtp_server.messages == []

    redis_server.start()  # Redis is back (empty: it kept nothing)
    q = jobs.queue()
    report = tick(at(2018, 2, 20, 10, 1))  # the next tick hands them over at once
    assert report.queued == BOARD + 1 and report.failed == 0
    _worker(q)
    assert len(smtp_server.messages) == BOARD + 1
    assert len({m["To"] for m in smtp_server.messages}) == BOARD + 1
    tick(at(2018, 2, 20, 11))
    _worker(q)
    assert len(smtp_server.messages) == BOARD + 1  # delivered once
    assert all(r.sent_at is not None for r in _rows(in_tenant))


class StallFirstMessage:
    """An SMTP handler that holds the first message's DATA until released (the worker is
    killed meanwhile) and never accepts it; the rest are accepted and recorded."""

    def __init__(self):
        self.messages = []
        self.stalled = threading.Event()
        self.release = threading.Event()
        self._first = True

    async def handle_DATA(self, server, session, envelope):
        if self._first:
            self._first = False
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _start_worker(database_url, redis_url, queue_name, smtp_port, stderr=subprocess.DEVNULL):
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "KOMMISSORIUM_QUEUE": queue_name, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp_port), "SECRET_KEY": "test", "LOG_LEVEL": "WARNING"}
    # its own process group: the worker and the work horse it forks are killed together
    return subprocess.Popen([str(BIN / "kommissorium"), "worker", "--burst"], env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr,
                            start_new_session=True)


def test_a_worker_killed_mid_delivery_is_retried_and_sends_nothing_twice(
        published, in_tenant, app, monkeypatch, database_url):
    from aiosmtpd.controller import Controller

    from core import jobs
    from core.notifications import tasks

    redis_url = os.environ["TEST_REDIS_URL"]
    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setattr(jobs, "QUEUE_NAME", queue_name)
    handler = StallFirstMessage()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    q = jobs.queue()
    worker = None
    try:
        assert tick(at(2018, 2, 20, 10)).queued == BOARD + 1
        worker = _start_worker(database_url, redis_url, queue_name, smtp.port)
        assert handler.stalled.wait(timeout=60), "the worker never reached the SMTP server"
        os.killpg(worker.pid, signal.SIGKILL)  # mid-delivery: the mail is not accepted yet
        worker.wait(timeout=20)
        handler.release.set()
        rows = _rows(in_tenant)
        claimed = [r for r in rows if r.claimed_at is not None]
        assert len(claimed) == 1 and claimed[0].sent_at is None and claimed[0].attempts == 1
        assert handler.messages == []

        # Ten minutes on, the dead worker's claim (its lease) has run out ...
        with in_tenant("albertslund"):
            db.session.execute(sa.update(Notification).where(Notification.id == claimed[0].id)
                               .values(claimed_at=claimed[0].claimed_at - tasks.LEASE - timedelta(seconds=1)))
            db.session.commit()
        # ... and a later tick hands every unsent row over again (the killed job's among them,
        # while the others' first jobs still wait in the queue: duplicates that must not send twice)
        assert tick(at(2018, 2, 20, 10, 30)).queued == BOARD + 1
        worker = _start_worker(database_url, redis_url, queue_name, smtp.port, stderr=subprocess.PIPE)
        _, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err.decode()[-3000:]
        recipients = [m["To"] for m in handler.messages]
        assert len(recipients) == BOARD + 1 and len(set(recipients)) == BOARD + 1, recipients
        assert all(r.sent_at is not None for r in _rows(in_tenant))
    finally:
        handler.release.set()
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=20)
        smtp.stop()
        q.delete(delete_jobs=True)


def test_a_worker_whose_control_channel_hangs_still_stops(redis_server, monkeypatch):
    """rq's unsubscribe can stay in a read on the worker's pub/sub channel (rq issue 1613);
    the platform's worker gives it UNSUBSCRIBE_WAIT and stops, so a SIGTERM is never
    answered with a kill."""
    from rq import Queue

    from core.jobs import Worker

    redis_server.start()
    q = Queue(f"stop-{uuid.uuid4().hex[:8]}", connection=Redis.from_url(redis_server.url))
    worker = Worker([q], connection=q.connection)
    worker.subscribe()
    released = threading.Event()
    monkeypatch.setattr(worker.pubsub, "unsubscribe", lambda *a, **k: released.wait(120))
    monkeypatch.setattr(Worker, "UNSUBSCRIBE_WAIT", 0.5)

    stopper = threading.Thread(target=worker.unsubscribe, daemon=True)
    stopper.start()
    stopper.join(30)
    released.set()
    assert not stopper.is_alive(), "the worker's stop waited on its control channel"
