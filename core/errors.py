"""One error envelope for every API error.

flask-smorest's shape, made uniform: ``{"code": 404, "status": "Not Found", "message": "…"}``,
plus ``"errors": {location: {field: [messages]}}`` for invalid input (422).
"""

from __future__ import annotations

import logging
from typing import NoReturn

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


def refuse(code: int, message: str, **extra) -> NoReturn:
    """Refuse an operation: roll back whatever it wrote so far, then answer ``code`` with
    the one envelope (``message``, and ``clause``/``rule``/``errors``/``reason_en`` where
    given). The one refusal every operation raises (issue #19), so a caller that goes on
    after a refusal, a test, the CLI or the demo, finds nothing half-written either."""
    from flask_smorest import abort

    if extra.get("reason_en", "") is None:  # no English reason: the pages show the Danish one
        del extra["reason_en"]
    _rollback()
    abort(code, message=message, **extra)


def _is_page() -> bool:
    """A request for a page (not the API): errors answer with an HTML page in the user's
    language, the API keeps its JSON envelope."""
    from flask import request

    return bool(request) and not request.path.startswith("/api/")


def _reading() -> bool:
    """Whether the refused request only reads (a page to see) rather than acts."""
    from flask import request

    return request.method in ("GET", "HEAD")


def _who_may(role: str, body: str | None) -> str:
    """Who holds ``role`` (a :class:`~core.identity.permissions.Role` by name), in words a
    board member knows, in the reader's language."""
    from flask_babel import gettext as _

    if role == "information_recipient":
        return (_("Kun medlemmer af %(body)s og de organisationer, der modtager organets materiale,", body=body)
                if body else _("Kun organets medlemmer og de organisationer, der modtager organets materiale,"))
    if role == "member":
        return _("Kun medlemmer af %(body)s", body=body) if body else _("Kun organets medlemmer")
    if role == "body_secretary":
        return (_("Kun sekretæren for %(body)s og sekretariatet", body=body) if body
                else _("Kun organets sekretær og sekretariatet"))
    if role == "tenant_admin":
        return _("Kun sekretariatet")
    if role == "platform_admin":
        return _("Kun platformens administratorer")
    return ""


def refusal_reason(code: int, data: dict) -> str:
    """Why a page was refused, for the error page in the reader's language.

    401: log in first. 403: who may (from the role the refusal names, core.identity.
    permissions.refuse), or the refusal's own reason and clause (a rule's answer, an
    operation's narrower check: ``reason``/``reason_en``). Nothing for other codes: a 404
    says nothing, so another tenant's resource stays unknown."""
    from flask_babel import get_locale
    from flask_babel import gettext as _

    if code == 401:
        return (_("Du skal være logget ind for at se denne side.") if _reading()
                else _("Du skal være logget ind for at gøre dette."))
    if code != 403:
        return ""
    english = str(get_locale() or "da") == "en"
    if data.get("reason") or data.get("reason_en") or data.get("rule"):
        said = (data.get("reason_en") if english and data.get("reason_en")
                else data.get("reason") or data.get("message") or "")
        return f"{said} ({data['clause']})" if data.get("clause") else said
    who = _who_may(data.get("role") or "", data.get("body"))
    if not who:
        return _("Du har ikke den rolle, der skal til.")
    return (_("%(who)s kan se denne side.", who=who) if _reading()
            else _("%(who)s kan gøre dette.", who=who))


def _login_next() -> str | None:
    """Where the login page sends the user back to: the refused page itself (a read), or
    the page a refused form was sent from (same site only)."""
    from urllib.parse import urlsplit

    from flask import request

    if _reading():
        return request.full_path.rstrip("?")
    ref = urlsplit(request.referrer or "")
    if ref.netloc and ref.netloc != request.host:
        return None
    return (ref.path + (f"?{ref.query}" if ref.query else "")) or None


def error_page(code: int, message: str = "", reason: str = ""):
    from flask import make_response, render_template

    try:
        return make_response(render_template(
            "web/error.html", code=code, detail=message, reason=reason,
            login_next=_login_next() if code == 401 else None), code)
    except Exception:  # pragma: no cover - a broken template must not hide the error
        log.exception("error page failed")
        return make_response(envelope(code, message or "Error"))


def handle_http_exception(error: HTTPException):
    _rollback()  # a refusal writes nothing, and its page must not trip over a failed transaction
    data = getattr(error, "data", None) or {}
    message = data.get("message") or error.description or error.name
    if _is_page() and (error.code or 500) >= 400:
        code = error.code or 500
        resp = error_page(code, message if code in (400, 409, 422) else "",
                          refusal_reason(code, data) if code in (401, 403) else "")
        for name, value in (getattr(error, "get_headers", lambda: [])() or []):
            if name.lower() not in ("content-type", "content-length"):
                resp.headers[name] = value
        return resp
    if error.code == 422 and "messages" in data:
        return envelope(422, "The input is invalid; see errors for each field.", data["messages"])
    # the fields core.openapi.ErrorSchema documents: a rule's refusal names its rule and
    # clause and says it in English too
    extra = {k: v for k, v in data.items() if k in ("rule", "clause", "reason_en")}
    if error.code in (400, 409, 422) and data.get("errors"):  # each field (or header) named
        return envelope(error.code, message, data["errors"], **extra)  # and the clause, if one
    retry_after = _retry_after(error) if error.code == 429 else None
    if retry_after is not None:
        extra["retry_after"] = retry_after
    resp, code = envelope(error.code or 500, message, **extra)
    for name, value in (getattr(error, "get_headers", lambda: [])() or []):
        if name.lower() not in ("content-type", "content-length"):
            resp.headers[name] = value
    if retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after)
    return resp, code


def _retry_after(error: HTTPException) -> int | None:
    """Seconds until a throttled client may try again: the refusal's own (the login
    throttle), or the reset of the Flask-Limiter limit that was hit."""
    import math
    import time

    seconds = getattr(error, "retry_after", None)
    if isinstance(seconds, int):
        return seconds
    from flask_limiter.errors import RateLimitExceeded

    if isinstance(error, RateLimitExceeded):
        from core.extensions import limiter

        current = limiter.current_limit
        if current is not None:
            return max(1, math.ceil(current.reset_at - time.time()))
    return None


def handle_unexpected(error: Exception):
    _rollback()  # first: a failed transaction must not fail the error page or envelope too
    log.exception("unhandled error")
    if _is_page():
        return error_page(500)
    return envelope(500, InternalServerError.description)


def handle_database_unavailable(error: Exception):
    """The database did not answer (down, restarting, timed out): 503, try again shortly.

    Nothing was written: a request commits once, at its end, and this error stops it before."""
    _rollback()
    log.error("database unavailable: %s", error)
    resp, code = envelope(503, "The database is unavailable; try again in a moment.")
    resp.headers["Retry-After"] = "5"
    return resp, code


def handle_damaged_file(error: Exception):
    """A stored file that is missing from the platform's store or no longer matches its
    checksum (core/storage.py): never served; 404 to the reader, an error for the operator."""
    _rollback()
    log.error("stored file not served: %s", error)
    if _is_page():
        return error_page(404)
    return envelope(404, "The file is not in the platform's file store.")


def register(app: Flask) -> None:
    from sqlalchemy.exc import InterfaceError, OperationalError

    from core.storage import Damaged

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(Damaged, handle_damaged_file)
    app.register_error_handler(Exception, handle_unexpected)
