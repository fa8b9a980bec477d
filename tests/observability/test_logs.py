"""Structured request logs: JSON with request id, tenant, method, path, status, duration."""

import json
import logging

from core.observability.logs import json_formatter


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "kommissorium.request"]


def test_request_id_is_accepted_and_echoed(client):
    resp = client.get("/api/v1/tenants", headers={"X-Request-ID": "abc-123.def"})
    assert resp.headers["X-Request-ID"] == "abc-123.def"


def test_request_id_is_generated_when_missing_or_unsafe(client):
    made = client.get("/api/v1/tenants").headers["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()
    unsafe = client.get("/api/v1/tenants", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert unsafe.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(unsafe.headers["X-Request-ID"]) == 32
    assert client.get("/api/v1/tenants").headers["X-Request-ID"] != made


def test_one_json_line_per_request_with_tenant_and_timing(client, sync_tenant, caplog):
    sync_tenant("testby")
    caplog.set_level(logging.INFO, logger="kommissorium.request")
    resp = client.get("/api/v1/tenants/testby/bodies/bestyrelse",
                      headers={"X-Request-ID": "req-42"})
    assert resp.status_code == 200
    [record] = _request_records(caplog)
    line = json.loads(json_formatter().format(record))
    assert line["logger"] == "kommissorium.request" and line["level"] == "INFO"
    assert line["request_id"] == "req-42"
    assert line["tenant"] == "testby"
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/tenants/testby/bodies/bestyrelse"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "time" in line


def test_errors_and_unknown_tenants_are_logged_too(client, caplog):
    caplog.set_level(logging.INFO, logger="kommissorium.request")
    resp = client.get("/api/v1/tenants/nowhere/bodies")
    assert resp.status_code == 404 and resp.headers["X-Request-ID"]
    [record] = _request_records(caplog)
    assert record.status == 404 and record.tenant is None
    assert record.request_id == resp.headers["X-Request-ID"]


def test_probes_are_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="kommissorium.request")
    client.get("/healthz")
    assert _request_records(caplog) == []


def test_records_logged_inside_a_request_carry_its_id(app, client, caplog, monkeypatch):
    """Any logger used while handling a request gets the id (the filter on our handler)."""
    from core.observability.logs import RequestContextFilter

    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # not ready: warns
    caplog.handler.addFilter(RequestContextFilter())
    caplog.set_level(logging.WARNING, logger="core.observability.api")
    client.get("/readyz", headers={"X-Request-ID": "inner-1"})
    [record] = [r for r in caplog.records if r.name == "core.observability.api"]
    assert record.request_id == "inner-1"
    assert RequestContextFilter().filter(logging.makeLogRecord({})) is True  # outside: no id
