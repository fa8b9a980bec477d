"""One error envelope for every API error.

flask-smorest's shape, made uniform: ``{"code": 404, "status": "Not Found", "message": "…"}``,
plus ``"errors": {location: {field: [messages]}}`` for invalid input (422).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def envelope(code: int, message: str, errors: dict | None = None, **extra):
    from http import HTTPStatus

    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return jsonify(body), code


def _rollback() -> None:
    """A refused or failed request writes nothing, even where the session outlives it."""
    from core.extensions import db

    try:
        db.session.rollback()
    except Exception:  # pragma: no cover - no session to roll back
        log.debug("no session to roll back", exc_info=True)


def _is_page() -> bool:
    """A request for a page (not the API): errors answer with an HTML page in the user's
    language, the API keeps its JSON envelope."""
    from flask import request

    return bool(request) and not request.path.startswith("/api/")


def error_page(code: int, message: str = ""):
    from flask import make_response, render_template

    try:
        return make_response(render_template("web/error.html", code=code, detail=message), code)
    except Exception:  # pragma: no cover - a broken template must not hide the error
        log.exception("error page failed")
        return make_response(envelope(code, message or "Error"))


def handle_http_exception(error: HTTPException):
    if (error.code or 500) >= 400:
        _rollback()
    data = getattr(error, "data", None) or {}
    message = data.get("message") or error.description or error.name
    if _is_page() and (error.code or 500) >= 400:
        resp = error_page(error.code or 500, message if error.code in (400, 409, 422) else "")
        for name, value in (getattr(error, "get_headers", lambda: [])() or []):
            if name.lower() not in ("content-type", "content-length"):
                resp.headers[name] = value
        return resp
    if error.code == 422 and "messages" in data:
        return envelope(422, "The input is invalid; see errors for each field.", data["messages"])
    if error.code == 422 and data.get("errors"):
        return envelope(422, message, data["errors"])
    extra = {k: v for k, v in data.items() if k in ("rule", "clause")}
    resp, code = envelope(error.code or 500, message, **extra)
    for name, value in (getattr(error, "get_headers", lambda: [])() or []):
        if name.lower() not in ("content-type", "content-length"):
            resp.headers[name] = value
    return resp, code


def handle_unexpected(error: Exception):
    log.exception("unhandled error")
    _rollback()
    if _is_page():
        return error_page(500)
    return envelope(500, InternalServerError.description)


def handle_database_unavailable(error: Exception):
    """The database did not answer (down, restarting, timed out): 503, try again shortly.

    Nothing was written: a request commits once, at its end, and this error stops it before."""
    log.error("database unavailable: %s", error)
    resp, code = envelope(503, "The database is unavailable; try again in a moment.")
    resp.headers["Retry-After"] = "5"
    return resp, code


def register(app: Flask) -> None:
    from sqlalchemy.exc import InterfaceError, OperationalError

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
