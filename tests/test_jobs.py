"""Background jobs: in-process without Redis; through real Redis and an rq worker with it."""

import os
import uuid

import pytest
from rq import SimpleWorker

from core import jobs


def record(path: str, text: str) -> str:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)
    return text


def test_without_redis_a_job_runs_in_process(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    out = tmp_path / "out.txt"
    assert jobs.enqueue(record, str(out), "ran") == "ran"
    assert out.read_text() == "ran"


@pytest.mark.redis
def test_with_redis_a_worker_runs_the_job(app, tmp_path, monkeypatch):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set (CI sets it)")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setattr(jobs, "QUEUE_NAME", f"test-{uuid.uuid4().hex[:8]}")
    out = tmp_path / "out.txt"
    job = jobs.enqueue(record, str(out), "via redis")
    assert not out.exists()  # queued, not run
    q = jobs.queue()
    try:
        SimpleWorker([q], connection=q.connection).work(burst=True)
        job.refresh()
        assert job.get_status() == "finished" and job.return_value() == "via redis"
        assert out.read_text() == "via redis"
    finally:
        q.delete(delete_jobs=True)
