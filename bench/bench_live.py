"""(h) The meeting leader's view polled live: 200 members each poll its live part
(``/<tenant>/moeder/<id>/moedeledelse/status``) every 2 s, as ``live.js`` does, while votes
come in, beside the floor polled the same way in the same run.

A body generated for the benchmark (as in (c): 200 voting seats, each held by its own
person, all present at a meeting in session, a motion open for voting) in a tenant made
from the bundled Vejle file; gunicorn (deploy/gunicorn.conf.py, 2 workers x 4 threads) on
PostgreSQL with the meeting cache in Redis. Each of 200 clients is one member logged in
by a session cookie and keeps the last ETag it got, sending it as ``If-None-Match``.

* Live: for ``BENCH_LIVE_SECONDS`` (20) the 200 clients poll every 2 s (started spread over
  the first 2 s), while one member after another casts a vote every second through the server;
  every vote changes what the fragment shows, so about one poll in two seconds per client
  renders it anew (once per audience) and the rest are 304s.
* Quiet: the same, with no vote: every poll but each client's first is a 304.
* Floor: the same 200 clients poll ``/_bench/floor-page`` (the same fragment's bytes from
  memory through the same server, middleware and cookie) the same way, for the same time.
  The three phases alternate twice, so drift on a shared machine hits each.

Reported: p50/p99 of a poll in each, the share answered 304, the polls made against the
polls due (a server that falls behind answers fewer). Targets: poll p50 <= 2 x the floor's
p50 with votes coming in and with nothing changing, polls made >= 0.95 of those due, and
with nothing changing >= 0.95 of the polls answered 304. With a vote every second and a
poll every two, every poll while votes come in finds the fragment changed (a 200).
"""

from __future__ import annotations

import http.client
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench_votes import SLUG, _open_motion, _post, sitting_body
from common import (
    Result,
    dispose,
    fresh_database,
    gunicorn,
    make_app,
    median,
    percentile,
    redis_url,
    session_cookie,
)

MEMBERS = 200
INTERVAL = 2.0
SECONDS = float(os.environ.get("BENCH_LIVE_SECONDS", "20"))


class _Poller:
    """One member's browser tab: a poll every ``INTERVAL`` seconds with its last ETag."""

    def __init__(self, base: str, path: str, cookie: str, offset: float):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.path, self.cookie, self.offset = path, cookie, offset
        self.etag: str | None = None
        self.times: list[float] = []
        self.codes: list[int] = []

    def run(self, until: float) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        due = time.perf_counter() + self.offset
        try:
            while due < until:
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                headers = {"Cookie": f"session={self.cookie}"}
                if self.etag:
                    headers["If-None-Match"] = self.etag
                started = time.perf_counter()
                try:
                    conn.request("GET", self.path, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                except OSError:
                    conn.close()
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                    self.codes.append(0)
                else:
                    self.times.append((time.perf_counter() - started) * 1000)
                    self.codes.append(resp.status)
                    self.etag = resp.getheader("ETag") or self.etag
                due += INTERVAL
        finally:
            conn.close()


def _phase(base: str, path: str, cookies: list[str], voter=None) -> list[_Poller]:
    until = time.perf_counter() + SECONDS
    pollers = [_Poller(base, path, c, INTERVAL * i / len(cookies)) for i, c in enumerate(cookies)]
    threads = [threading.Thread(target=p.run, args=(until,)) for p in pollers]
    if voter is not None:
        threads.append(threading.Thread(target=voter, args=(until,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 120)
    return pollers


def main() -> int:
    result = Result("live", f"The leader's view polled by {MEMBERS} members every {INTERVAL:g} s "
                    "while votes come in, beside the floor")
    print(f"{result.name}: {result.title}", flush=True)
    with fresh_database("live") as url, tempfile.TemporaryDirectory() as tmp:
        app = make_app(url, migrate=True)
        emails, meeting_id, (item_id,) = sitting_body(app, MEMBERS, None)
        cookies = [session_cookie(app, e) for e in emails]
        floor_page = Path(tmp) / "floor.html"
        path = f"/{SLUG}/moeder/{meeting_id}/moedeledelse/status"
        rendered = {"votes": 0}
        with gunicorn(url, workers=2, threads=4, KOMMISSORIUM_BENCH=1, REDIS_URL=redis_url(),
                      KOMMISSORIUM_BENCH_FLOOR_PAGE_FILE=floor_page) as (_, base):
            motion_id = _open_motion(base, cookies[0], item_id)
            votes_path = f"/api/v1/tenants/{SLUG}/motions/{motion_id}/votes"
            conn = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port)
            conn.request("GET", path, headers={"Cookie": f"session={cookies[0]}"})
            resp = conn.getresponse()
            floor_page.write_bytes(resp.read())
            assert resp.status == 200, resp.status
            conn.close()
            voters = iter(cookies)

            def vote(until: float) -> None:
                while time.perf_counter() < until:
                    time.sleep(1.0)
                    code, _answer, _seconds = _post(base, votes_path, next(voters), {"choice": "yes"})
                    assert code == 201, (code, _answer)
                    rendered["votes"] += 1

            live, quiet, floor = [], [], []
            for _ in range(2):
                live += _phase(base, path, cookies, vote)
                quiet += _phase(base, path, cookies)
                floor += _phase(base, "/_bench/floor-page", cookies)
        dispose(app)
    due = int(SECONDS / INTERVAL) * MEMBERS * 2
    live_ms = [t for p in live for t in p.times]
    floor_ms = [t for p in floor for t in p.times]
    quiet_ms = [t for p in quiet for t in p.times]
    quiet_codes = [c for p in quiet for c in p.codes]
    quiet_again = [c for p in quiet for c in p.codes[1:]]  # after each client's first poll
    live_codes = [c for p in live for c in p.codes]
    floor_codes = [c for p in floor for c in p.codes]
    result.details.update(members=MEMBERS, interval_seconds=INTERVAL, seconds_per_phase=SECONDS,
                          phases=2, gunicorn_workers=2, gunicorn_threads=4, votes_cast=rendered["votes"],
                          live_codes={str(c): live_codes.count(c) for c in set(live_codes)},
                          quiet_codes={str(c): quiet_codes.count(c) for c in set(quiet_codes)},
                          floor_codes={str(c): floor_codes.count(c) for c in set(floor_codes)})
    result.figure("poll p50 / floor p50", median(live_ms) / median(floor_ms), "", "<= 2")
    result.figure("polls made / polls due", len(live_ms) / due, "", ">= 0.95")
    result.figure("nothing changed: poll p50 / floor p50", median(quiet_ms) / median(floor_ms), "", "<= 2")
    result.figure("nothing changed: polls after the first answered 304",
                  quiet_again.count(304) / max(len(quiet_again), 1), "", ">= 0.95")
    result.info("poll p50", round(median(live_ms), 2), "ms")
    result.info("poll p99", round(percentile(live_ms, 0.99), 2), "ms")
    result.info("floor p50", round(median(floor_ms), 2), "ms")
    result.info("floor p99", round(percentile(floor_ms, 0.99), 2), "ms")
    result.info("votes cast while polled", rendered["votes"], "")
    result.info("while votes come in: polls answered 304", round(live_codes.count(304) / max(len(live_codes), 1), 3), "")
    result.info("nothing changed: poll p50", round(median(quiet_ms), 2), "ms")
    result.info("nothing changed: poll p99", round(percentile(quiet_ms, 0.99), 2), "ms")
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
