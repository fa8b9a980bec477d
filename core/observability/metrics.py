"""Prometheus metrics (prometheus_client).

Request metrics are counted as requests finish. Under gunicorn, whose workers are separate
processes, deploy/gunicorn.conf.py sets ``PROMETHEUS_MULTIPROC_DIR`` so every worker writes
its counts there and a scrape of any worker returns the sum (prometheus_client's
multiprocess mode).

Gauges that describe shared state (the job queue, the notification outbox) are read when
scraped, not counted: a feature registers a function with :func:`register_gauge`, and each
scrape of ``/metrics`` calls it inside an application context.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)

#: Holds the request metrics of this process (exposed directly outside multiprocess mode).
REQUEST_REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_LATENCY = Histogram(
    "kommissorium_http_request_duration_seconds",
    "Time to answer a request, by route rule and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REQUEST_REGISTRY,
)
REQUESTS = Counter(
    "kommissorium_http_requests",
    "Requests answered, by route rule, method and status.",
    ["route", "method", "status"],
    registry=REQUEST_REGISTRY,
)


@dataclass(frozen=True)
class RegisteredGauge:
    name: str
    doc: str
    fn: Callable[[], float | Iterable[tuple[tuple[str, ...], float]]]
    labels: tuple[str, ...] = ()


_gauges: dict[str, RegisteredGauge] = {}


def register_gauge(
    name: str,
    doc: str,
    fn: Callable[[], float | Iterable[tuple[tuple[str, ...], float]]],
    labels: Iterable[str] = (),
) -> None:
    """Expose a gauge read at scrape time.

    :param name: the metric name, e.g. ``kommissorium_outbox_backlog``.
    :param doc: one line saying what it measures.
    :param fn: called on every scrape of ``/metrics`` inside an application context (no
        tenant scope: use ``core.tenancy.all_tenants()`` to count across tenants). Returns a
        number, or with ``labels`` an iterable of ``(label_values, value)`` pairs.
    :param labels: label names, when ``fn`` returns several values.

    Registering a name again replaces the earlier function (an app rebuilt in tests). A
    function that raises is logged and its gauge left out of that scrape; the scrape
    itself still answers.
    """
    _gauges[name] = RegisteredGauge(name, doc, fn, tuple(labels))


def unregister_gauge(name: str) -> None:
    _gauges.pop(name, None)


class ScrapeTimeCollector:
    """Reads the job queue and every registered gauge when Prometheus scrapes."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        yield from self._queue()
        for gauge in list(_gauges.values()):
            try:
                value = gauge.fn()
                family = GaugeMetricFamily(gauge.name, gauge.doc, labels=gauge.labels or None)
                if gauge.labels:
                    for label_values, v in value:
                        family.add_metric([str(x) for x in label_values], float(v))
                else:
                    family.add_metric([], float(value))
            except Exception:
                log.exception("gauge %s could not be read", gauge.name)
                continue
            yield family

    def _queue(self):
        from core import jobs

        url = self.app.config.get("REDIS_URL")
        if not url:
            return
        up = GaugeMetricFamily("kommissorium_redis_up", "1 when Redis answered this scrape.")
        depth = GaugeMetricFamily(
            "kommissorium_rq_queue_depth", "Jobs waiting in the rq queue.", labels=["queue"])
        failed = GaugeMetricFamily(
            "kommissorium_rq_failed_jobs", "Jobs in the rq failed registry.", labels=["queue"])
        try:
            from redis import Redis
            from rq import Queue

            conn = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            try:
                q = Queue(jobs.QUEUE_NAME, connection=conn)
                depth.add_metric([q.name], q.count)
                failed.add_metric([q.name], q.failed_job_registry.count)
            finally:
                conn.close()
        except Exception as exc:  # Redis down: say so, keep the scrape answering
            log.warning("Redis unreachable at scrape: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield from (up, depth, failed)


def init_app(app: Flask) -> None:
    @app.after_request
    def _count(response):
        started = getattr(g, "request_started_at", None)
        if started is None:
            return response
        duration = time.perf_counter() - started
        # The rule, not the path: /bodies/<key> is one series, however many bodies exist.
        route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        REQUEST_LATENCY.labels(route, request.method).observe(duration)
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        return response


def exposition(app: Flask) -> bytes:
    """The Prometheus text for one scrape."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_Forward(REQUEST_REGISTRY))
    registry.register(ScrapeTimeCollector(app))
    return generate_latest(registry)


class _Forward:
    def __init__(self, registry: CollectorRegistry):
        self.registry = registry

    def collect(self):
        return self.registry.collect()
