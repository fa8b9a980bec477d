"""Background jobs on rq, or in-process when no Redis is configured (the embedded default).

Jobs take plain ids and load what they need (STYLE.md). The database stays the source of
truth for what is due; a lost Redis loses no work, because ``tick`` finds it again.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os

from flask import current_app, has_app_context
from redis import Redis
from rq import Queue, Retry

log = logging.getLogger(__name__)

#: The rq queue; set KOMMISSORIUM_QUEUE to run several installations on one Redis.
QUEUE_NAME = os.environ.get("KOMMISSORIUM_QUEUE", "kommissorium")
_worker_app = None


def redis_connection(url: str | None = None) -> Redis | None:
    url = url if url is not None else current_app.config.get("REDIS_URL")
    return Redis.from_url(url) if url else None


def queue(url: str | None = None) -> Queue | None:
    """The job queue, or ``None`` when jobs run in-process."""
    conn = redis_connection(url)
    return Queue(QUEUE_NAME, connection=conn) if conn is not None else None


def enqueue(func, *args, **kwargs):
    """Run ``func`` in a worker (with retries), or right here when no Redis is configured."""
    q = queue()
    if q is None:
        return func(*args, **kwargs)
    return q.enqueue(func, *args, retry=Retry(max=3, interval=[10, 60, 300]), **kwargs)


def _app_context():
    """A worker process has no Flask app: build one on first use."""
    global _worker_app
    if has_app_context():
        return contextlib.nullcontext()
    if _worker_app is None:
        from core import create_app

        _worker_app = create_app()
    return _worker_app.app_context()


def job(func):
    """Mark an rq job function: it runs inside an application context wherever it runs."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _app_context():
            return func(*args, **kwargs)

    return wrapper
