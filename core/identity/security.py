"""Security basics for the whole app: CSRF on forms, security headers, rate-limit storage,
declared access checked first, and a log filter that keeps secrets and personal data out
of the logs (docs/identity.md, docs/decisions/0004-csrf-and-api-authentication.md)."""

from __future__ import annotations

import logging
import re

from flask import Flask, request

from core.extensions import csrf, limiter, oauth, talisman
from core.identity.permissions import enforce_declared_access

#: The pages' own policy: everything from us, nothing inline (no style or script in the
#: markup; the design system's stylesheet, fonts and icons are served from /static/dkfds).
CSP = {
    "default-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
#: The API documentation viewers load ReDoc / Swagger UI from jsDelivr (core/config.py).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' data: https://fonts.gstatic.com; img-src 'self' data: https://cdn.jsdelivr.net; "
    "worker-src 'self' blob:; frame-ancestors 'none'; object-src 'none'"
)


def init_security(app: Flask) -> None:
    cfg = app.config
    if cfg.get("PROXY_COUNT"):
        # Behind N reverse proxies: the client address (rate limits) and the scheme and
        # host (OIDC redirect URIs) come from their X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(cfg["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    if not cfg.get("RATELIMIT_STORAGE_URI"):
        cfg["RATELIMIT_STORAGE_URI"] = cfg.get("REDIS_URL") or "memory://"
    limiter.init_app(app)
    oauth.init_app(app)
    csrf.init_app(app)

    # Registered before Talisman's, so it runs after it (after_request runs in reverse).
    @app.after_request
    def _docs_csp(response):
        if request.endpoint and request.endpoint.startswith("api-docs."):
            response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    talisman.init_app(
        app,
        force_https=cfg["FORCE_HTTPS"],
        strict_transport_security=cfg["FORCE_HTTPS"],
        session_cookie_secure=cfg["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CSP,
        referrer_policy="strict-origin-when-cross-origin",
    )

    # Order matters: who may call the route first (401/403/404), then the form's CSRF token.
    app.before_request(enforce_declared_access)

    @app.before_request
    def _csrf_on_forms():
        # The JSON API is exempt: it is called with a SameSite=Lax session cookie and JSON
        # bodies (a cross-site form cannot send those), or with a bearer token, which a
        # browser never adds by itself (docs/decisions/0004-csrf-and-api-authentication.md).
        if not request.path.startswith("/api/"):
            csrf.protect()

    install_log_filter()


# --- logs without secrets or personal data -------------------------------------------------

_PATTERNS = [
    (re.compile(r"km[trc]_[A-Za-z0-9_\-]{8,}"), "km?_[redacted]"),
    (re.compile(r"(?i)(bearer\s+)[^\s'\"]+"), r"\1[redacted]"),
    (re.compile(r"(?i)(\"?(?:password|passwd|secret|token|client_secret|code)\"?\s*[=:]\s*)"
                r"(\"[^\"]*\"|'[^']*'|[^\s&,;}]+)"), r"\1[redacted]"),
    (re.compile(r"(/adgangskode/)[^\s?\"']+"), r"\1[redacted]"),
    # a hearing contact's personal link (docs/decisions/0037-hearing-answer-links.md)
    (re.compile(r"(/hoeringssvar/|/answer-links/)[A-Za-z0-9_\-]{16,}"), r"\1[redacted]"),
    # a calendar address's secret, even one mistyped (without its prefix)
    (re.compile(r"(/calendar/)[^\s/?\"']+?(\.ics)"), r"\1[redacted]\2"),
    (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), "[email]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


#: What every log record has; anything else is an extra field a handler may write.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "request_id", "tenant"}


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, and the extra fields a structured record carries
    (the request log's ``path``), with tokens, passwords, secrets and e-mail addresses
    replaced, so no handler ever writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: the handler reports it
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        for name, value in list(vars(record).items()):
            # the fields a structured log adds (the request log's ``path``) are written too
            if name not in _RECORD_FIELDS and isinstance(value, str):
                setattr(record, name, redact(value))
        if record.exc_info and not record.exc_text:
            # format the traceback now, redacted; handlers reuse the cached text
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactingFilter()


def install_log_filter() -> RedactingFilter:
    """Put the filter on every handler of the root logger (where records end up) and on
    the loggers that log requests."""
    root = logging.getLogger()
    for handler in root.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    for name in ("", "werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    return _FILTER
