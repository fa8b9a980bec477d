"""Structured JSON logs (python-json-logger) carrying the request id and tenant.

Every record logged while a request is handled gets ``request_id`` and ``tenant``; one
record per request (logger ``kommissorium.request``) adds method, path, status and
duration. ``LOG_FORMAT=text`` switches to plain lines for a developer's terminal.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from flask import Flask, g, has_request_context, request, request_started
from pythonjsonlogger.json import JsonFormatter

#: What we accept as an incoming request id; anything else is replaced by a fresh one.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_HEADER = "X-Request-ID"
_HANDLER_NAME = "kommissorium"

_request_id: ContextVar[str | None] = ContextVar("kommissorium_request_id", default=None)
request_log = logging.getLogger("kommissorium.request")


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``tenant`` to every record logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        if not hasattr(record, "tenant"):
            tenant = getattr(g, "tenant", None) if has_request_context() else None
            # What the row holds already, never a load: an error logged while the database
            # is away (an expired row) must not raise from its own log line.
            record.tenant = vars(tenant).get("slug") if tenant is not None else None
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, extras."""
    return JsonFormatter(
        "{levelname}{name}{message}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )


def configure(app: Flask) -> None:
    """Install one stderr handler on the root logger (once per process)."""
    root = logging.getLogger()
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    if any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.set_name(_HANDLER_NAME)
    if app.config.get("LOG_FORMAT", "json") == "json":
        handler.setFormatter(json_formatter())
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(tenant)s] %(message)s"))
    handler.addFilter(RequestContextFilter())
    root.addHandler(handler)


def init_request_ids(app: Flask) -> None:
    # request_started fires before URL preprocessing (tenant lookup), so even a 404 for an
    # unknown tenant is timed and logged with its id.
    def _start(sender, **extra):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_id = rid
        g.request_started_at = time.perf_counter()
        g.request_id_token = _request_id.set(rid)

    request_started.connect(_start, app, weak=False)

    @app.after_request
    def _finish(response):
        rid = getattr(g, "request_id", None)
        if rid is None:
            return response
        response.headers[REQUEST_ID_HEADER] = rid
        duration = time.perf_counter() - g.request_started_at
        if request.path not in app.config.get("LOG_SKIP_PATHS", ()):
            request_log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 2),
                },
            )
        return response

    @app.teardown_request
    def _forget(exc=None):
        token = g.pop("request_id_token", None)
        if token is not None:
            _request_id.reset(token)
