"""Background jobs on rq, or in-process when no Redis is configured (the embedded default).

Jobs take plain ids and load what they need (STYLE.md). The database stays the source of
truth for what is due; a lost Redis loses no work, because ``tick`` finds it again.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading

from flask import current_app, has_app_context
from redis import Redis
import rq
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


class Worker(rq.Worker):
    """rq's worker, whose stop cannot hang on its control channel.

    On a warm shutdown rq unsubscribes from the worker's pub/sub channel and closes it; now
    and then that call does not return while the channel's listening thread sits in a read
    (rq issue 1613), and the platform waits until it kills the worker. Here the unsubscribe
    gets ``UNSUBSCRIBE_WAIT`` seconds; after that the worker stops anyway. Nothing is lost:
    the channel only carries commands for a running worker, its thread is a daemon, and the
    socket closes with the process.
    """

    UNSUBSCRIBE_WAIT = 5.0

    def unsubscribe(self):
        done = threading.Thread(target=super().unsubscribe, name="rq-unsubscribe", daemon=True)
        done.start()
        done.join(self.UNSUBSCRIBE_WAIT)
        if done.is_alive():
            log.warning("worker %s: the control channel did not close in %.0f s; stopping anyway",
                        self.name, self.UNSUBSCRIBE_WAIT)
