"""Observability: health and readiness, structured request logs, Prometheus metrics.

* ``GET /healthz`` — the process answers (no database);
* ``GET /readyz`` — the database answers and is migrated to head, Redis answers when
  ``REDIS_URL`` is set; 503 naming the failed check otherwise;
* ``GET /metrics`` — Prometheus text: request latency and counts, job queue depth, and
  every gauge a feature registered with :func:`register_gauge`;
* one JSON log line per request with its request id (``X-Request-ID``, accepted or made,
  and echoed), tenant, method, path, status and duration.

Features add a gauge read at scrape time (docs/operations.md, "Observe")::

    from core.observability import register_gauge

    register_gauge("kommissorium_outbox_backlog", "Notifications not yet delivered.",
                   lambda: count_undelivered())
"""

from __future__ import annotations

from core.observability.metrics import register_gauge, unregister_gauge

__all__ = ["init_app", "register_gauge", "unregister_gauge"]


def init_app(app) -> None:
    """Wire logging, request ids and metrics into ``app`` and register the ops routes."""
    from core.observability import logs, metrics
    from core.observability.api import bp

    logs.configure(app)
    logs.init_request_ids(app)
    metrics.init_app(app)
    app.register_blueprint(bp)
