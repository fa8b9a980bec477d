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
    #: Signs sessions; a random key per process when unset (fine for the demo, not production).
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    #: Where tenant files are read from by default.
    TENANTS_DIR = os.environ.get("KOMMISSORIUM_TENANTS_DIR", str(PROJECT_ROOT / "tenants"))
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
