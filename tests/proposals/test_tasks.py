"""The reminder job, in-process and through real Redis and an rq worker (Testby's hearing
in Boligselskabet A and B, TST-7)."""

import os
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from rq import SimpleWorker

from core import jobs
from core.extensions import db
from core.proposals.models import HearingReminder
from core.proposals.tasks import write_due_hearing_reminders
from core.tenancy import all_tenants
from tests.fixtures.dates import at
from tests.fixtures.hearings import DEADLINE, open_testby_hearing

#: The organisations Testby's hearing asks (TST-7).
ASKED = ["TST-A", "TST-B"]


@pytest.fixture
def overdue_at(testby, member, clock):
    clock.set(at(2018, 1, 5, 10))
    open_testby_hearing(member)
    return (DEADLINE + timedelta(hours=1)).isoformat()


def _written():
    with all_tenants():
        return db.session.scalar(sa.select(sa.func.count(HearingReminder.id)))


def test_reminder_job_runs_in_process_and_writes_once(app, overdue_at, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    assert jobs.enqueue(write_due_hearing_reminders, overdue_at) == len(ASKED)
    assert jobs.enqueue(write_due_hearing_reminders, overdue_at) == 0
    assert _written() == len(ASKED)


@pytest.mark.redis
def test_reminder_job_runs_in_an_rq_worker(app, overdue_at, monkeypatch):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set (CI sets it)")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setattr(jobs, "QUEUE_NAME", f"test-{uuid.uuid4().hex[:8]}")
    queued = jobs.enqueue(write_due_hearing_reminders, overdue_at)
    q = jobs.queue()
    try:
        SimpleWorker([q], connection=q.connection).work(burst=True)
        queued.refresh()
        assert queued.get_status() == "finished" and queued.return_value() == len(ASKED)
        assert _written() == len(ASKED)
    finally:
        q.delete(delete_jobs=True)
