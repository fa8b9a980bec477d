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

The meeting page (``GET /albertslund/moeder/<id>``, the HTML members open) the same way
under wrk, served from its cache (docs/decisions/0032-meeting-page-cache.md): >= 0.3 of the
floor serving the same HTML (``/_bench/floor-page``; the page is about three times the
JSON's size). Then, one request at a time, each right after a write made in-process (the meeting's
place changed through the ORM, which bumps its generation in the same Redis): the meeting
detail after a write to another meeting of the tenant (served from the cache,
docs/decisions/0033-invalidate-the-meeting-written.md: >= 0.5 of the floor's sequential
median), after a write to the same meeting (rendered anew: >= 0.1), and the page after a
write to its meeting (>= 0.03); the floor is timed in the same loop, between them.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
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
#: Requests each made right after a write, per kind.
COLD_REQUESTS = 30


def _seed(app) -> tuple[int, int, str]:
    import sqlalchemy as sa

    from core.bodies.models import Body, Seat, SeatHolding
    from core.extensions import db
    from core.identity.models import User
    from core.tenancy import all_tenants
    from tests.fixtures.big_meeting import big_meeting

    with app.app_context():
        meeting_id = big_meeting("albertslund", "bestyrelse", items=ITEMS)
        # the tenant's other meeting, written while the first is read
        other_id = big_meeting("albertslund", "bestyrelse", items=3,
                               starts_at=datetime(2020, 11, 1, 14, tzinfo=UTC))
        with all_tenants():
            email = db.session.scalar(
                sa.select(User.email).join(SeatHolding, SeatHolding.holder_id == User.id)
                .join(Seat, Seat.id == SeatHolding.seat_id)
                .join(Body, Body.id == Seat.body_id).where(Body.key == "bestyrelse")
                .order_by(Seat.position).limit(1))
    return meeting_id, other_id, email


def _move(app, meeting_id: int, n: int) -> None:
    """A write to one meeting, as the application makes it (its generation is bumped)."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.meetings.models import Meeting
    from core.tenancy import tenant_scope
    from core.tenants.models import Tenant

    with app.app_context():
        tenant_id = db.session.scalar(sa.select(Tenant.id).filter_by(slug="albertslund"))
        with tenant_scope(tenant_id):
            db.session.get(Meeting, meeting_id).location = f"Lokale {n}"
            db.session.commit()
        db.session.remove()


def _timed(url: str, headers: dict) -> float:
    start = time.perf_counter()
    http_get(url, headers=headers)
    return (time.perf_counter() - start) * 1000


def _cold(app, base: str, headers: dict, meeting_id: int, other_id: int) -> dict[str, list[float]]:
    """Milliseconds of each request right after a write, and of the floor between them."""
    page = f"{base}/albertslund/moeder/{meeting_id}"
    detail = f"{base}/api/v1/tenants/albertslund/meetings/{meeting_id}"
    times = {"floor": [], "detail_other": [], "detail_same": [], "page_same": []}
    for n in range(COLD_REQUESTS):
        times["floor"].append(_timed(base + "/_bench/floor", headers))
        http_get(detail, headers=headers)  # cached again before the next write
        _move(app, other_id, n)
        times["detail_other"].append(_timed(detail, headers))
        _move(app, meeting_id, n)
        times["detail_same"].append(_timed(detail, headers))
        _move(app, meeting_id, n + COLD_REQUESTS)
        times["page_same"].append(_timed(page, headers))
    return times


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
        meeting_id, other_id, email = _seed(app)
        headers = {"Cookie": f"session={session_cookie(app, email)}"}
        dispose(app)
        writer = make_app(url, REDIS_URL=redis_url())  # writes bump the server's generations
        path = f"/api/v1/tenants/albertslund/meetings/{meeting_id}"
        page_path = f"/albertslund/moeder/{meeting_id}"
        floor_file = Path(tmp) / "floor.json"
        floor_page_file = Path(tmp) / "floor.html"
        # With Redis, as in production: the meeting document cache is shared by the
        # workers (without Redis, several workers run without it).
        with gunicorn(url, workers=2, threads=4, KOMMISSORIUM_BENCH=1,
                      KOMMISSORIUM_BENCH_FLOOR_FILE=floor_file,
                      KOMMISSORIUM_BENCH_FLOOR_PAGE_FILE=floor_page_file,
                      REDIS_URL=redis_url()) as (_, base):
            payload = http_get(base + path, headers=headers)
            assert payload.count(b'"attachments"') == ITEMS, "every item in the payload"
            floor_file.write_bytes(payload)
            assert http_get(base + "/_bench/floor", headers=headers) == payload, \
                "the floor must serve the same JSON"
            wrk(base + path, 2, CONNECTIONS, headers=headers)
            wrk(base + "/_bench/floor", 2, CONNECTIONS, headers=headers)
            html = http_get(base + page_path, headers=headers)
            assert html.count(b'<li id="punkt-') == ITEMS, "every item on the page"
            floor_page_file.write_bytes(html)
            wrk(base + page_path, 2, CONNECTIONS, headers=headers)
            wrk(base + "/_bench/floor-page", 2, CONNECTIONS, headers=headers)
            real, floor, pages, page_floor = [], [], [], []
            for _ in range(ROUNDS):  # alternate, so drift on a shared machine hits both
                real.append(wrk(base + path, SECONDS, CONNECTIONS, headers=headers))
                floor.append(wrk(base + "/_bench/floor", SECONDS, CONNECTIONS, headers=headers))
                pages.append(wrk(base + page_path, SECONDS, CONNECTIONS, headers=headers))
                page_floor.append(wrk(base + "/_bench/floor-page", SECONDS, CONNECTIONS,
                                      headers=headers))
            cold = _cold(writer, base, headers, meeting_id, other_id)
        dispose(writer)
    rps_real = sum(r["requests"] for r in real) / (ROUNDS * SECONDS)
    rps_floor = sum(r["requests"] for r in floor) / (ROUNDS * SECONDS)
    rps_page = sum(r["requests"] for r in pages) / (ROUNDS * SECONDS)
    rps_page_floor = sum(r["requests"] for r in page_floor) / (ROUNDS * SECONDS)
    errors = sum(r["errors"] for r in real + floor + pages + page_floor)
    seq = {k: median(v) for k, v in cold.items()}
    result.details.update(path="/api/v1/tenants/albertslund/meetings/<id>", items=ITEMS,
                          payload_bytes=len(payload), rounds=ROUNDS, seconds=SECONDS,
                          connections=CONNECTIONS, gunicorn_workers=2, gunicorn_threads=4, redis=True,
                          runs={"endpoint": real, "floor": floor, "page": pages,
                                "page_floor": page_floor},
                          page_bytes=len(html), cold_requests=COLD_REQUESTS,
                          cold_ms={k: [round(x, 2) for x in v] for k, v in cold.items()},
                          errors=errors)
    result.figure("throughput endpoint / floor", rps_real / rps_floor, "", ">= 0.5")
    result.figure("throughput meeting page (cached) / floor serving the page's HTML",
                  rps_page / rps_page_floor, "", ">= 0.3")
    result.figure("detail right after a write to another meeting: floor / it (median ms)",
                  seq["floor"] / seq["detail_other"], "", ">= 0.5")
    result.figure("detail right after a write to the same meeting: floor / it (median ms)",
                  seq["floor"] / seq["detail_same"], "", ">= 0.1")
    result.figure("meeting page right after a write to it: floor / it (median ms)",
                  seq["floor"] / seq["page_same"], "", ">= 0.03")
    result.figure("non-2xx responses and socket errors", errors, "", "== 0")
    result.info("endpoint requests/s", round(rps_real, 1))
    result.info("floor requests/s", round(rps_floor, 1))
    result.info("endpoint p50", round(median([r["p50_ms"] for r in real]), 2), "ms")
    result.info("endpoint p99", round(median([r["p99_ms"] for r in real]), 2), "ms")
    result.info("floor p50", round(median([r["p50_ms"] for r in floor]), 2), "ms")
    result.info("floor p99", round(median([r["p99_ms"] for r in floor]), 2), "ms")
    result.info("meeting page requests/s", round(rps_page, 1))
    result.info("meeting page / floor serving the JSON", round(rps_page / rps_floor, 4))
    result.info("floor serving the page's HTML requests/s", round(rps_page_floor, 1))
    result.info("meeting page p50", round(median([r["p50_ms"] for r in pages]), 2), "ms")
    for name, ms in seq.items():
        result.info(f"one request at a time, median: {name}", round(ms, 2), "ms")
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
