"""The benchmark floor (bench/, ``KOMMISSORIUM_BENCH=1`` only, never in production).

``GET /_bench/floor`` answers with the JSON in ``KOMMISSORIUM_BENCH_FLOOR_FILE``, read once
per process and then served from memory, through the same server, middleware, logging and
metrics as every other route. The load benchmark compares a real endpoint with it: the
difference is what the handler, its queries and its rules cost.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app

from core.identity.permissions import Role, access

bp = Blueprint("bench", __name__)
_payloads: dict[str, bytes] = {}


@bp.route("/_bench/floor")
@access(Role.PUBLIC)
def floor():
    path = current_app.config["BENCH_FLOOR_FILE"]
    payload = _payloads.get(path)
    if payload is None:
        payload = _payloads[path] = Path(path).read_bytes()
    return Response(payload, mimetype="application/json")


def init_app(app) -> None:
    if app.config.get("BENCH_ENDPOINTS"):
        app.register_blueprint(bp)
