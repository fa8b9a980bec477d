"""(c) Vote casting on PostgreSQL: 200 concurrent voters on one motion.

A body generated for the benchmark in a tenant made from the bundled Vejle file (the core's
one vote per seat) with 200 voting seats, each held by its own person, all present at a
meeting; the chair opens a motion on a decision item. gunicorn (deploy/gunicorn.conf.py,
2 workers x 4 threads) on PostgreSQL; 200 clients, each logged in as one member (a session
cookie), cast their vote at once (a barrier), each over its own connection. Then the same
200 try again at once, and the motion is closed.

Figures: votes stored per voter (exactly one per unit: == 1.0, checked in the database,
the unique constraint deciding), the second wave refused with 409 (== 1.0), the closed
outcome counting 200 yes; throughput (votes/s over the first wave) and p50/p99 of a vote
are reported.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit

from common import (
    TENANTS,
    Result,
    dispose,
    fresh_database,
    gunicorn,
    make_app,
    median,
    percentile,
    session_cookie,
    sync,
)

VOTERS = 200
SLUG = "vejle"


def _post(base: str, path: str, cookie: str, body: dict | None = None) -> tuple[int, dict, float]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request("POST", path, body=json.dumps(body or {}),
                     headers={"Content-Type": "application/json", "Cookie": f"session={cookie}"})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, (json.loads(data) if data else {}), time.perf_counter() - started
    finally:
        conn.close()


def _wave(base: str, path: str, cookies: list[str]) -> tuple[list, float]:
    barrier = threading.Barrier(len(cookies) + 1)
    results: list = [None] * len(cookies)

    def vote(i: int) -> None:
        barrier.wait()
        try:
            results[i] = _post(base, path, cookies[i], {"choice": "yes"})
        except OSError as exc:
            results[i] = (0, {"error": str(exc)}, 0.0)

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(len(cookies))]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join(timeout=300)
    return results, time.perf_counter() - started


def _stored(app, motion_id: int) -> tuple[int, int]:
    import sqlalchemy as sa

    from core.decisions.models import Vote
    from core.extensions import db
    from core.tenancy import all_tenants

    with app.app_context(), all_tenants():
        rows = db.session.execute(sa.select(Vote.unit_key).where(Vote.motion_id == motion_id)).all()
    return len(rows), len({r.unit_key for r in rows})


def main() -> int:
    result = Result("votes", f"{VOTERS} concurrent voters on one motion (PostgreSQL)")
    print(f"{result.name}: {result.title}", flush=True)
    from tests.fixtures.big_meeting import add_body, big_meeting, decision_item

    with fresh_database("votes") as url:
        app = make_app(url, migrate=True)
        sync(app, [TENANTS / f"{SLUG}.toml"])
        with app.app_context():
            emails = add_body(SLUG, "bench", seats=VOTERS)
            meeting_id = big_meeting(SLUG, "bench", items=0, state="agenda_published")
            item_id = decision_item(SLUG, meeting_id)
        cookies = [session_cookie(app, e) for e in emails]
        chair = cookies[0]
        with gunicorn(url, workers=2, threads=4) as (_, base):
            t = f"/api/v1/tenants/{SLUG}"
            code, motion, _ = _post(base, f"{t}/items/{item_id}/motion", chair, {"text": "Forslaget godkendes."})
            assert code == 201, (code, motion)
            if motion["phase"] != "voting":
                code, motion, _ = _post(base, f"{t}/motions/{motion['id']}/voting", chair)
                assert code == 200, (code, motion)
            votes_path = f"{t}/motions/{motion['id']}/votes"
            first, seconds = _wave(base, votes_path, cookies)
            again, _ = _wave(base, votes_path, cookies)
            code, closed, _ = _post(base, f"{t}/motions/{motion['id']}/close", chair)
        stored, units = _stored(app, motion["id"])
        dispose(app)
    codes = [r[0] for r in first]
    codes_again = [r[0] for r in again]
    latencies = [r[2] * 1000 for r in first if r[0] == 201]
    outcome = (closed.get("outcome") or {}) if code == 200 else {}
    result.details.update(voters=VOTERS, tenant=SLUG, gunicorn_workers=2, gunicorn_threads=4,
                          first_wave_codes={str(c): codes.count(c) for c in set(codes)},
                          second_wave_codes={str(c): codes_again.count(c) for c in set(codes_again)},
                          first_wave_seconds=round(seconds, 3), stored_votes=stored,
                          distinct_units=units, close_status=code,
                          outcome_counts={k: v for k, v in outcome.items()
                                          if k in ("yes", "no", "abstain", "counts", "result")})
    result.figure("votes stored per voter (distinct units / voters)", units / VOTERS, "", "== 1.0")
    result.figure("vote rows / distinct units (no unit twice)", stored / max(units, 1), "", "== 1.0")
    result.figure("first wave accepted (201) / voters", codes.count(201) / VOTERS, "", "== 1.0")
    result.figure("second wave refused (409) / attempts", codes_again.count(409) / VOTERS, "", "== 1.0")
    counted = (outcome.get("counts") or {}).get("yes", 0) if code == 200 else 0
    result.figure("yes votes in the closed outcome / voters", counted / VOTERS, "", "== 1.0")
    result.info("vote throughput (first wave)", round(VOTERS / seconds, 1), "votes/s")
    result.info("vote p50", round(median(latencies), 1) if latencies else float("nan"), "ms")
    result.info("vote p99", round(percentile(latencies, 0.99), 1) if latencies else float("nan"), "ms")
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
