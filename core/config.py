"""Settings from the environment.

Every setting has an embedded default, so `make demo` works with nothing installed:
SQLite in ``instance/`` and background jobs run in-process.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    #: SQLAlchemy URL; the embedded default is a SQLite file beside the project.
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'instance' / 'kommissorium.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: Redis for rq; empty means jobs run in-process (the embedded default).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    #: The meeting document cache (core/meetings/cache/): "auto" (in Redis when REDIS_URL
    #: is set, else off), "on" (Redis, else in the process: only for a single process that
    #: is the database's only writer) or "off".
    MEETING_CACHE = os.environ.get("KOMMISSORIUM_MEETING_CACHE", "auto")
    #: Signs sessions; a random key per process when unset (fine for the demo, not production).
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    #: Where tenant files are read from by default.
    TENANTS_DIR = os.environ.get("KOMMISSORIUM_TENANTS_DIR", str(PROJECT_ROOT / "tenants"))
    #: The store of file contents (core/storage.py): ``local`` (files under FILE_STORE_DIR)
    #: or ``database`` (the shared database's ``file_contents``, for several instances);
    #: unset, ``database`` on a database server and ``local`` on SQLite.
    FILE_STORE = os.environ.get("KOMMISSORIUM_FILE_STORE", "")
    #: The local store's folder; default ``instance/files``.
    FILE_STORE_DIR = os.environ.get("KOMMISSORIUM_FILE_STORE_DIR", "")
    #: Where attachments were kept before the one store (read by migration f002 only);
    #: default ``instance/attachments``.
    ATTACHMENTS_DIR = os.environ.get("KOMMISSORIUM_ATTACHMENTS_DIR", "")
    #: The largest file accepted (a bilag, a proposal's attachment), in bytes.
    MAX_ATTACHMENT_BYTES = int(os.environ.get("KOMMISSORIUM_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024)))
    #: A board book with at least this many attachments is made by a worker job (when
    #: REDIS_URL is set) while the reader is told to come back (docs/documents.md).
    BOOK_JOB_ATTACHMENTS = int(os.environ.get("KOMMISSORIUM_BOOK_JOB_ATTACHMENTS", "10"))
    #: The largest JSON body the API reads, in bytes (a larger one: 413).
    API_MAX_JSON_BYTES = int(os.environ.get("KOMMISSORIUM_API_MAX_JSON_BYTES", str(1024 * 1024)))
    #: How deeply a JSON body may nest (deeper: 400); no input of the API nests beyond 4.
    API_MAX_JSON_DEPTH = int(os.environ.get("KOMMISSORIUM_API_MAX_JSON_DEPTH", "32"))
    #: How long the answer to a POST with an ``Idempotency-Key`` is replayed for the key.
    IDEMPOTENCY_KEY_HOURS = int(os.environ.get("KOMMISSORIUM_IDEMPOTENCY_KEY_HOURS", "24"))
    #: The largest request of any kind (an upload included), in bytes: the attachment
    #: limit and room for the form around it.
    MAX_CONTENT_LENGTH = int(os.environ.get("KOMMISSORIUM_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024))) + 1024 * 1024
    #: Refuse to serve on a database whose schema is behind the migrations.
    REQUIRE_MIGRATED_DATABASE = True

    #: Log level of the root logger.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    #: ``json`` (one JSON object a line, the default) or ``text``.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    #: Paths not written to the request log (probes and scrapes, every few seconds).
    LOG_SKIP_PATHS = ("/healthz", "/readyz", "/metrics")
    #: Register the benchmark floor endpoint (bench/, never in production).
    BENCH_ENDPOINTS = os.environ.get("KOMMISSORIUM_BENCH", "0") == "1"
    #: The JSON the benchmark floor endpoint serves (core/ops/bench.py).
    BENCH_FLOOR_FILE = os.environ.get("KOMMISSORIUM_BENCH_FLOOR_FILE", "")
    #: The HTML ``/_bench/floor-page`` serves (the meeting page's bytes, for its benchmark).
    BENCH_FLOOR_PAGE_FILE = os.environ.get("KOMMISSORIUM_BENCH_FLOOR_PAGE_FILE", "")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"

    API_TITLE = "Kommissorium API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_REDOC_PATH = "docs"
    OPENAPI_REDOC_URL = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"
    OPENAPI_SWAGGER_UI_PATH = "swagger"
    OPENAPI_SWAGGER_UI_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"
    JSON_SORT_KEYS = False


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` and ``postgresql://`` spellings; drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class IdentityConfig:
    """Login, mail, rate limits and security headers (docs/identity.md)."""

    #: A session ends after this many minutes without a request (idle lifetime).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    #: A session ends this many hours after the login, however busy (absolute lifetime);
    #: Flask's PERMANENT_SESSION_LIFETIME follows it (core/identity/auth.py).
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    #: Wrong passwords for one e-mail address from one client address before that address
    #: must wait (429); the limits add up to growing waits (core/identity/throttle.py).
    LOGIN_THROTTLE_PER_ADDRESS = os.environ.get(
        "LOGIN_THROTTLE_PER_ADDRESS", "5 per 15 minutes;10 per hour;20 per day")
    #: Wrong passwords for one e-mail address from all client addresses together: above
    #: what one address can reach, so one attacker cannot lock the owner out; a browser that
    #: has logged in to the account before is not held by it.
    LOGIN_THROTTLE_PER_ACCOUNT = os.environ.get(
        "LOGIN_THROTTLE_PER_ACCOUNT", "30 per hour;100 per day")
    #: How long the device cookie marks a browser as one that has logged in to an account.
    LOGIN_DEVICE_DAYS = int(os.environ.get("LOGIN_DEVICE_DAYS", "180"))
    #: Rate limit on login and reset requests per client address, whatever the e-mail.
    #: Generous: a municipality's staff often share one address; each e-mail address is
    #: protected by the throttle above.
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "60/minute;600/hour")
    #: Rate limit per personal API token.
    RATELIMIT_TOKEN = os.environ.get("RATELIMIT_TOKEN", "300/minute")
    #: Where Flask-Limiter keeps its counters; the Redis of REDIS_URL when set (create_app).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    RATELIMIT_HEADERS_ENABLED = True
    #: If Redis is down, count in memory per instance rather than refuse every login
    #: (the login throttle then counts per instance too).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: How long a password-reset link is valid.
    PASSWORD_RESET_HOURS = int(os.environ.get("PASSWORD_RESET_HOURS", "2"))
    #: How long the password link of an invitation mail is valid (days).
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))
    #: The public address of the site, for links in e-mails.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    #: The hour (the platform's local time, 0-23) from which ``tick`` sends the day's
    #: digest to those who chose one mail a day.
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))

    #: Outgoing mail (notifications, password resets): the SMTP server and the sender.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"
    #: The authorities a TLS mail server's certificate is checked against, when not the
    #: system's (a relay with a private CA); notifications verify the certificate always.
    MAIL_SSL_CAFILE = os.environ.get("MAIL_SSL_CAFILE") or None
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "kommissorium@localhost")
    MAIL_TIMEOUT = 10
    #: Run the notifications' tick after every successful write, so the mails a step causes
    #: (publishing an agenda …) go out at once instead of at the next ``kommissorium tick``.
    #: On in ``kommissorium demo`` (its mails are printed in the terminal); off in
    #: production, where ``tick`` runs every few minutes.
    NOTIFY_AT_ONCE = os.environ.get("NOTIFY_AT_ONCE", "0") == "1"

    #: CSRF is checked on every form outside /api/ (core/identity/security.py).
    WTF_CSRF_CHECK_DEFAULT = False
    #: Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    #: Redirect to https and send HSTS (on in production behind TLS).
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "0") == "1"


for _name in dir(IdentityConfig):
    if _name.isupper():
        setattr(Config, _name, getattr(IdentityConfig, _name))
