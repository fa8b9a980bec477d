"""Operations routes: liveness, readiness and metrics (public; keep /metrics off the ingress)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify

from core.errors import envelope
from core.extensions import db
from core.identity.permissions import Role, access
from core.observability import metrics

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
@access(Role.PUBLIC)
def healthz():
    """The process is alive. Touches nothing else, so a slow database never kills a pod."""
    return jsonify(status="ok")


@bp.route("/readyz")
@access(Role.PUBLIC)
def readyz():
    """Ready for traffic: database answers and is migrated to head; Redis answers if set."""
    checks: dict[str, str] = {}
    checks.update(_check_database())
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _check_redis(current_app.config["REDIS_URL"])
    failed = sorted(k for k, v in checks.items() if v != "ok")
    if failed:
        log.warning("not ready: %s", checks)
        return envelope(503, "Not ready: " + ", ".join(failed) + ".", checks=checks)
    return jsonify(status="ready", checks=checks)


def _check_database() -> dict[str, str]:
    from core.schema import heads

    try:
        with db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SET LOCAL statement_timeout = '2s'"))
            conn.execute(sa.text("SELECT 1"))
            # Read alembic_version directly: alembic's MigrationContext logs on every call.
            have = set()
            if sa.inspect(conn).has_table("alembic_version"):
                have = set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    except Exception as exc:
        return {"database": f"failed: {type(exc).__name__}", "migrations": "unknown"}
    want = _heads_cached(heads)
    if have != want:
        at = ", ".join(sorted(have)) or "empty"
        return {"database": "ok", "migrations": f"failed: at {at}, head is {', '.join(sorted(want))}"}
    return {"database": "ok", "migrations": "ok"}


def _heads_cached(heads) -> set[str]:
    cache = current_app.extensions.setdefault("kommissorium.ops", {})
    if "heads" not in cache:
        cache["heads"] = heads()
    return cache["heads"]


def _check_redis(url: str) -> str:
    from redis import Redis

    try:
        conn = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            conn.ping()
        finally:
            conn.close()
    except Exception as exc:
        return f"failed: {type(exc).__name__}"
    return "ok"


@bp.route("/metrics")
@access(Role.PUBLIC)
def metrics_endpoint():
    """Prometheus text exposition."""
    from prometheus_client import CONTENT_TYPE_LATEST

    return Response(metrics.exposition(current_app), mimetype=None,
                    headers={"Content-Type": CONTENT_TYPE_LATEST})
