"""(c) Vote casting on PostgreSQL: one vote at a time, then 200 concurrent voters on one
motion, each beside the floor measured in the same run.

A body generated for the benchmark in a tenant made from the bundled Vejle file (the core's
one vote per seat) with 200 voting seats, each held by its own person, all present at a
meeting in session; the chair opens a motion on each of two decision items. gunicorn
(deploy/gunicorn.conf.py, 2 workers x 4 threads) on PostgreSQL, with the floor endpoint
(``/_bench/floor``, ``KOMMISSORIUM_BENCH=1``) serving a vote's answer from memory through
the same server, middleware and cookie.

* Sequential: the members vote on the first motion one at a time, each vote right after a
  request to the floor (alternating, so drift on a shared machine hits both). Target: the
  vote's p50 <= 15 x the floor's p50.
* Concurrent: 200 clients, each logged in as one member (a session cookie), request the
  floor at once (a barrier, each over its own connection), then cast their vote on the
  second motion at once. Then the same 200 try again at once, and the motion is closed.
  Targets: p99 of a vote <= 1 s; votes stored per voter exactly one per unit (checked in
  the database, the unique constraint deciding); the second wave refused with 409; the
  closed outcome counting 200 yes. Throughput (votes/s over the first wave) and the
  floor's p50/p99 in its own wave are reported.
"""

from __future__ import annotations

import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
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
#: Votes cast one at a time (each after a request to the floor).
SEQUENTIAL = 100
SLUG = "vejle"


def _request(base: str, path: str, cookie: str, body: dict | None = None,
             method: str = "POST") -> tuple[int, dict, float]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request(method, path, body=None if method == "GET" else json.dumps(body or {}),
                     headers={"Content-Type": "application/json", "Cookie": f"session={cookie}"})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, (json.loads(data) if data else {}), time.perf_counter() - started
    finally:
        conn.close()


def _post(base: str, path: str, cookie: str, body: dict | None = None) -> tuple[int, dict, float]:
    return _request(base, path, cookie, body)


def _wave(base: str, path: str, cookies: list[str], method: str = "POST") -> tuple[list, float]:
    barrier = threading.Barrier(len(cookies) + 1)
    results: list = [None] * len(cookies)

    def vote(i: int) -> None:
        barrier.wait()
        try:
            results[i] = _request(base, path, cookies[i], {"choice": "yes"}, method)
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


def _open_motion(base: str, chair: str, item_id: int) -> int:
    t = f"/api/v1/tenants/{SLUG}"
    code, motion, _ = _post(base, f"{t}/items/{item_id}/motion", chair, {"text": "Forslaget godkendes."})
    assert code == 201, (code, motion)
    if motion["phase"] != "voting":
        code, motion, _ = _post(base, f"{t}/motions/{motion['id']}/voting", chair)
        assert code == 200, (code, motion)
    return motion["id"]


def _sequential(base: str, votes_path: str, cookies: list[str]) -> dict[str, list[float]]:
    """Milliseconds of each vote cast alone, and of the floor right before it."""
    times: dict[str, list[float]] = {"floor": [], "vote": [], "codes": []}
    for cookie in cookies:
        code, _, seconds = _request(base, "/_bench/floor", cookie, method="GET")
        assert code == 200, code
        times["floor"].append(seconds * 1000)
        code, _, seconds = _post(base, votes_path, cookie, {"choice": "yes"})
        times["codes"].append(code)
        times["vote"].append(seconds * 1000)
    return times


def sitting_body(app, seats: int, *titles: str | None) -> tuple[list[str], int, list[int]]:
    """The benchmarks' body, in a tenant made from the bundled Vejle file: ``seats`` voting
    seats each held by its own person, all present at a meeting in session, with a decision
    item for each of ``titles`` (``None``: the default title). The members' e-mail
    addresses, the meeting and the items."""
    from tests.fixtures.big_meeting import add_body, big_meeting, decision_item

    sync(app, [TENANTS / f"{SLUG}.toml"])
    with app.app_context():
        emails = add_body(SLUG, "bench", seats=seats)
        meeting_id = big_meeting(SLUG, "bench", items=0, state="in_session")
        items = [decision_item(SLUG, meeting_id, *([t] if t else [])) for t in titles]
    return emails, meeting_id, items


def main() -> int:
    result = Result("votes", f"Votes on PostgreSQL: one at a time, and {VOTERS} voters at once "
                    "on one motion, beside the floor")
    print(f"{result.name}: {result.title}", flush=True)
    with fresh_database("votes") as url, tempfile.TemporaryDirectory() as tmp:
        app = make_app(url, migrate=True)
        emails, _meeting_id, (alone_item, item_id) = sitting_body(
            app, VOTERS, "Forslag, stemt et ad gangen", None)
        cookies = [session_cookie(app, e) for e in emails]
        chair = cookies[0]
        floor_file = Path(tmp) / "floor.json"
        with gunicorn(url, workers=2, threads=4, KOMMISSORIUM_BENCH=1,
                      KOMMISSORIUM_BENCH_FLOOR_FILE=floor_file) as (_, base):
            t = f"/api/v1/tenants/{SLUG}"
            alone = f"{t}/motions/{_open_motion(base, chair, alone_item)}/votes"
            # the floor answers what a vote answers, from memory
            code, answer, _ = _post(base, alone, cookies[-1], {"choice": "yes"})
            assert code == 201, (code, answer)
            floor_file.write_text(json.dumps(answer))
            seq = _sequential(base, alone, cookies[:SEQUENTIAL])
            motion_id = _open_motion(base, chair, item_id)
            votes_path = f"{t}/motions/{motion_id}/votes"
            floor_wave, _ = _wave(base, "/_bench/floor", cookies, method="GET")
            first, seconds = _wave(base, votes_path, cookies)
            again, _ = _wave(base, votes_path, cookies)
            code, closed, _ = _post(base, f"{t}/motions/{motion_id}/close", chair)
        stored, units = _stored(app, motion_id)
        dispose(app)
    codes = [r[0] for r in first]
    codes_again = [r[0] for r in again]
    latencies = [r[2] * 1000 for r in first if r[0] == 201]
    floor_latencies = [r[2] * 1000 for r in floor_wave if r[0] == 200]
    outcome = (closed.get("outcome") or {}) if code == 200 else {}
    result.details.update(voters=VOTERS, sequential_votes=SEQUENTIAL, tenant=SLUG,
                          gunicorn_workers=2, gunicorn_threads=4,
                          sequential_codes={str(c): seq["codes"].count(c) for c in set(seq["codes"])},
                          first_wave_codes={str(c): codes.count(c) for c in set(codes)},
                          second_wave_codes={str(c): codes_again.count(c) for c in set(codes_again)},
                          floor_wave_ok=len(floor_latencies),
                          first_wave_seconds=round(seconds, 3), stored_votes=stored,
                          distinct_units=units, close_status=code,
                          outcome_counts={k: v for k, v in outcome.items()
                                          if k in ("yes", "no", "abstain", "counts", "result")},
                          runs={"sequential_ms": seq, "floor_wave_ms": floor_latencies,
                                "first_wave_ms": latencies})
    seq_vote, seq_floor = median(seq["vote"]), median(seq["floor"])
    result.figure("one vote at a time: vote p50 / floor p50", seq_vote / seq_floor, "", "<= 15")
    result.figure("votes accepted one at a time (201) / votes", seq["codes"].count(201) / SEQUENTIAL,
                  "", "== 1.0")
    p99 = percentile(latencies, 0.99) if latencies else None
    result.figure(f"{VOTERS} voters at once: vote p99", p99, "ms", "<= 1000")
    result.figure("votes stored per voter (distinct units / voters)", units / VOTERS, "", "== 1.0")
    result.figure("vote rows / distinct units (no unit twice)", stored / max(units, 1), "", "== 1.0")
    result.figure("first wave accepted (201) / voters", codes.count(201) / VOTERS, "", "== 1.0")
    result.figure("second wave refused (409) / attempts", codes_again.count(409) / VOTERS, "", "== 1.0")
    counted = (outcome.get("counts") or {}).get("yes", 0) if code == 200 else 0
    result.figure("yes votes in the closed outcome / voters", counted / VOTERS, "", "== 1.0")
    result.info("one at a time: vote p50", round(seq_vote, 2), "ms")
    result.info("one at a time: vote p99", round(percentile(seq["vote"], 0.99), 2), "ms")
    result.info("one at a time: floor p50", round(seq_floor, 2), "ms")
    result.info("one at a time: floor p99", round(percentile(seq["floor"], 0.99), 2), "ms")
    result.info(f"{VOTERS} at once: vote p50", round(median(latencies), 1) if latencies else float("nan"), "ms")
    result.info(f"{VOTERS} at once: vote p99", round(p99, 1) if latencies else float("nan"), "ms")
    result.info(f"{VOTERS} at once: floor p50", round(median(floor_latencies), 1) if floor_latencies else float("nan"), "ms")
    result.info(f"{VOTERS} at once: floor p99", round(percentile(floor_latencies, 0.99), 1) if floor_latencies else float("nan"), "ms")
    result.info("vote throughput (first wave)", round(VOTERS / seconds, 1), "votes/s")
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
