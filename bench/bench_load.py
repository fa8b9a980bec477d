"""(a) Meeting detail under load vs a floor endpoint returning the same JSON from memory.

A held meeting of Albertslund's bestyrelse with 30 decision items, each with a submitter, an
attachment, and a closed motion with every present seat's vote (tests/fixtures/big_meeting.py).
gunicorn (deploy/gunicorn.conf.py, 2 workers x 4 threads) on PostgreSQL; wrk on loopback,
logged in as a member (a session cookie, verified on every request; the role in the body
from the cached access decision while nothing is written, docs/decisions/0009), with Redis
for the meeting document cache (core/meetings/cache.py), drives
``GET /api/v1/tenants/albertslund/meetings/<id>`` and ``GET /_bench/floor`` (the same
bytes, from memory, through the same server and middleware, with the same cookie) in
alternating rounds. Target: the endpoint's throughput >= 0.5 of the floor's. p50 and p99
are reported.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import (
    TENANTS,
    Result,
    dispose,
    fresh_database,
    gunicorn,
    have_wrk,
    http_get,
    make_app,
    median,
    redis_url,
    session_cookie,
    sync,
    wrk,
)

ITEMS = 30
ROUNDS, SECONDS, CONNECTIONS = 3, 5, 8


def _seed(app) -> tuple[int, str]:
    import sqlalchemy as sa

    from core.bodies.models import Body, Seat
    from core.extensions import db
    from core.identity.models import User
    from core.tenancy import all_tenants
    from tests.fixtures.big_meeting import big_meeting

    with app.app_context():
        meeting_id = big_meeting("albertslund", "bestyrelse", items=ITEMS)
        with all_tenants():
            email = db.session.scalar(
                sa.select(User.email).join(Seat, Seat.holder_id == User.id)
                .join(Body, Body.id == Seat.body_id).where(Body.key == "bestyrelse")
                .order_by(Seat.position).limit(1))
    return meeting_id, email


def main() -> int:
    result = Result("load", f"Meeting detail ({ITEMS} items) under load vs the floor (same JSON from memory)")
    print(f"{result.name}: {result.title}", flush=True)
    if not have_wrk():
        result.figure("throughput endpoint / floor", None, "", ">= 0.5",
                      note="wrk not installed: apt-get install wrk")
        result.write()
        return 0
    with fresh_database("load") as url, tempfile.TemporaryDirectory() as tmp:
        app = make_app(url, migrate=True)
        sync(app, [TENANTS / "albertslund.toml"])
        meeting_id, email = _seed(app)
        headers = {"Cookie": f"session={session_cookie(app, email)}"}
        dispose(app)
        path = f"/api/v1/tenants/albertslund/meetings/{meeting_id}"
        floor_file = Path(tmp) / "floor.json"
        # With Redis, as in production: the meeting document cache is shared by the
        # workers (without Redis, several workers run without it).
        with gunicorn(url, workers=2, threads=4, KOMMISSORIUM_BENCH=1,
                      KOMMISSORIUM_BENCH_FLOOR_FILE=floor_file,
                      REDIS_URL=redis_url()) as (_, base):
            payload = http_get(base + path, headers=headers)
            assert payload.count(b'"attachments"') == ITEMS, "every item in the payload"
            floor_file.write_bytes(payload)
            assert http_get(base + "/_bench/floor", headers=headers) == payload, \
                "the floor must serve the same JSON"
            wrk(base + path, 2, CONNECTIONS, headers=headers)
            wrk(base + "/_bench/floor", 2, CONNECTIONS, headers=headers)
            real, floor = [], []
            for _ in range(ROUNDS):  # alternate, so drift on a shared machine hits both
                real.append(wrk(base + path, SECONDS, CONNECTIONS, headers=headers))
                floor.append(wrk(base + "/_bench/floor", SECONDS, CONNECTIONS, headers=headers))
    rps_real = sum(r["requests"] for r in real) / (ROUNDS * SECONDS)
    rps_floor = sum(r["requests"] for r in floor) / (ROUNDS * SECONDS)
    errors = sum(r["errors"] for r in real + floor)
    result.details.update(path="/api/v1/tenants/albertslund/meetings/<id>", items=ITEMS,
                          payload_bytes=len(payload), rounds=ROUNDS, seconds=SECONDS,
                          connections=CONNECTIONS, gunicorn_workers=2, gunicorn_threads=4, redis=True,
                          runs={"endpoint": real, "floor": floor}, errors=errors)
    result.figure("throughput endpoint / floor", rps_real / rps_floor, "", ">= 0.5")
    result.figure("non-2xx responses and socket errors", errors, "", "== 0")
    result.info("endpoint requests/s", round(rps_real, 1))
    result.info("floor requests/s", round(rps_floor, 1))
    result.info("endpoint p50", round(median([r["p50_ms"] for r in real]), 2), "ms")
    result.info("endpoint p99", round(median([r["p99_ms"] for r in real]), 2), "ms")
    result.info("floor p50", round(median([r["p50_ms"] for r in floor]), 2), "ms")
    result.info("floor p99", round(median([r["p99_ms"] for r in floor]), 2), "ms")
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
