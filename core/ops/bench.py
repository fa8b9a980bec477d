"""The benchmark floor (bench/, ``KOMMISSORIUM_BENCH=1`` only, never in production).

``GET /_bench/floor`` answers with the JSON in ``KOMMISSORIUM_BENCH_FLOOR_FILE`` (and
``GET /_bench/floor-page`` with the HTML in ``KOMMISSORIUM_BENCH_FLOOR_PAGE_FILE``), read once
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
    return Response(_payload("BENCH_FLOOR_FILE"), mimetype="application/json")


@bp.route("/_bench/floor-page")
@access(Role.PUBLIC)
def floor_page():
    return Response(_payload("BENCH_FLOOR_PAGE_FILE"), mimetype="text/html")


def _payload(setting: str) -> bytes:
    path = current_app.config[setting]
    payload = _payloads.get(path)
    if payload is None:
        payload = _payloads[path] = Path(path).read_bytes()
    return payload


def init_app(app) -> None:
    if app.config.get("BENCH_ENDPOINTS"):
        app.register_blueprint(bp)
