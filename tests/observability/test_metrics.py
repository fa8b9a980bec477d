"""/metrics: request latency by route rule, counts by status, queue depth, registered gauges."""

import os
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from core import jobs
from core.observability import register_gauge, unregister_gauge


def _scrape(client) -> dict:
    resp = client.get("/metrics")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def _value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_request_latency_is_by_route_rule_and_method(client, sync_tenant):
    sync_tenant("testby")
    route = "/api/v1/tenants/<tenant>/bodies/<key>"
    before = _scrape(client)
    for key in ("bestyrelse", "gruppe", "bestyrelse"):
        client.get(f"/api/v1/tenants/testby/bodies/{key}")
    after = _scrape(client)
    name = "kommissorium_http_request_duration_seconds_count"
    assert _value(after, name, route=route, method="GET") - _value(
        before, name, route=route, method="GET") == 3
    # one series per rule, not per body: no label holds the key
    assert not any("/bodies/gruppe" in dict(k[1]).get("route", "") for k in after)


def test_request_count_is_by_status(client, sync_tenant):
    sync_tenant("testby")
    route = "/api/v1/tenants/<tenant>/bodies/<key>"
    name = "kommissorium_http_requests_total"
    before = _scrape(client)
    client.get("/api/v1/tenants/testby/bodies/no-such-body")
    client.get("/api/v1/tenants/testby/bodies/bestyrelse")
    after = _scrape(client)
    for status in ("404", "200"):
        assert _value(after, name, route=route, method="GET", status=status) - _value(
            before, name, route=route, method="GET", status=status) == 1


def test_registered_gauge_is_read_at_scrape_time(client):
    backlog = [7]
    register_gauge("kommissorium_test_backlog", "A test backlog.", lambda: backlog[0])
    register_gauge("kommissorium_test_by_kind", "By kind.",
                   lambda: [(("email",), 2), (("calendar",), 1)], labels=["kind"])
    try:
        assert _value(_scrape(client), "kommissorium_test_backlog") == 7
        backlog[0] = 3
        samples = _scrape(client)
        assert _value(samples, "kommissorium_test_backlog") == 3
        assert _value(samples, "kommissorium_test_by_kind", kind="email") == 2
        assert _value(samples, "kommissorium_test_by_kind", kind="calendar") == 1
    finally:
        unregister_gauge("kommissorium_test_backlog")
        unregister_gauge("kommissorium_test_by_kind")
    assert ("kommissorium_test_backlog", ()) not in _scrape(client)


def test_a_failing_gauge_is_left_out_and_the_scrape_still_answers(client):
    def broken():
        raise RuntimeError("outbox table missing")

    register_gauge("kommissorium_test_broken", "Broken.", broken)
    register_gauge("kommissorium_test_fine", "Fine.", lambda: 1)
    try:
        samples = _scrape(client)
    finally:
        unregister_gauge("kommissorium_test_broken")
        unregister_gauge("kommissorium_test_fine")
    assert ("kommissorium_test_broken", ()) not in samples
    assert _value(samples, "kommissorium_test_fine") == 1


def test_no_queue_metrics_without_redis(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    samples = _scrape(client)
    assert not any(name.startswith("kommissorium_rq_") for name, _ in samples)


def test_redis_down_is_reported_not_raised(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    samples = _scrape(client)
    assert _value(samples, "kommissorium_redis_up") == 0


def _noop():
    return None


@pytest.mark.redis
def test_queue_depth_is_read_from_redis_at_scrape_time(app, client, monkeypatch):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set (CI sets it)")
    name = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setattr(jobs, "QUEUE_NAME", name)
    q = jobs.queue()
    try:
        assert _value(_scrape(client), "kommissorium_rq_queue_depth", queue=name) == 0
        jobs.enqueue(_noop)
        jobs.enqueue(_noop)
        samples = _scrape(client)
        assert _value(samples, "kommissorium_rq_queue_depth", queue=name) == 2
        assert _value(samples, "kommissorium_redis_up") == 1
    finally:
        q.delete(delete_jobs=True)
