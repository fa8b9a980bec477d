"""(g) Search: p50/p99 of a search against the bodies list, in the same run, on a database
of many tenants with 5 years of history each.

The tenants (``BENCH_SEARCH_TENANTS``, default 100, made from the four bundled files under
new slugs) get the history of bench/history.py written in bulk, which bypasses the session
hook that indexes each write; ``core.search.index.reindex`` then indexes every meeting and
proposal (its time is reported: what ``kommissorium search reindex`` costs for such a
database). Requests, in alternation so machine noise hits both alike, in-process (Flask test
client, real PostgreSQL): the bodies list (anonymous) as the floor, and searches across all
tenants — anonymous (the public rows of every tenant) and as a member of one board (their
body's rows too) — for a word in every item ("sagsfremstilling": the most hits, ranked), a
word in half the minutes ("godkendt"), a title word with a year filter, and a word in no
row. Target: search p50 <= 3 x the bodies list's p50.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from common import Result, dispose, fresh_database, make_app, percentile, session_cookie, sync, tenant_copies
from history import YEARS, add_history

TENANTS = int(os.environ.get("BENCH_SEARCH_TENANTS", "100"))  # fewer: a quick try
REQUESTS = int(os.environ.get("BENCH_SEARCH_REQUESTS", "200"))
WARMUP = 20
SLUG = "albertslund-000"
MEMBER = "vibeke.vestergaard@va.example"  # a board member of albertslund(-000)
FLOOR = ("bodies list", f"/api/v1/tenants/{SLUG}/bodies", False)
SEARCHES = [
    ("search: every item (anonymous)", "/api/v1/search?q=sagsfremstilling", False),
    ("search: every item (member)", "/api/v1/search?q=sagsfremstilling", True),
    ("search: half the minutes (member)", "/api/v1/search?q=godkendt", True),
    ("search: title, one year (member)", f"/api/v1/search?q=punkt&year={2021}&tenant={SLUG}", True),
    ("search: no hit (member)", "/api/v1/search?q=helikopterlandingsplads", True),
]


def main() -> int:
    result = Result("search", f"search vs the bodies list, {TENANTS} tenants with {YEARS} years each: "
                              "p50/p99 of the same run")
    print(f"{result.name}: {result.title}", flush=True)
    with fresh_database("search") as url, tempfile.TemporaryDirectory() as tmp:
        files = tenant_copies(TENANTS, Path(tmp), own_people=True)
        app = make_app(url, migrate=True, MEETING_CACHE="off")
        sync(app, files)
        from core.extensions import db
        from core.search import index

        with app.app_context():
            rows = add_history(db.engine)
            started = time.perf_counter()
            indexed = index.reindex()
            seconds = time.perf_counter() - started
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                documents = conn.exec_driver_sql("SELECT count(*) FROM search_documents").scalar()
        result.details.update(history_rows=rows, indexed_roots=indexed, index_rows=documents,
                              reindex_seconds=round(seconds, 1), years=YEARS, tenants=TENANTS)
        result.info("reindex: meetings and proposals per second", round(indexed / seconds, 1))
        print(f"  history {rows}; indexed {indexed} meetings and proposals ({documents} rows) "
              f"in {seconds:.0f} s", flush=True)
        anonymous, member = app.test_client(), app.test_client()
        member.set_cookie("session", session_cookie(app, MEMBER))
        paths = [FLOOR, *SEARCHES]
        timings = {name: [] for name, _, _ in paths}
        hits = {}
        for i in range(WARMUP + REQUESTS):
            for name, path, as_member in paths:
                client = member if as_member else anonymous
                t = time.perf_counter()
                resp = client.get(path)
                elapsed = (time.perf_counter() - t) * 1000
                assert resp.status_code == 200, (path, resp.status_code, resp.get_data(as_text=True)[:300])
                if i == 0 and name.startswith("search"):
                    hits[name] = resp.get_json()["total"]
                if i >= WARMUP:
                    timings[name].append(elapsed)
        dispose(app)
    floor = percentile(timings[FLOOR[0]], 0.5)
    for name, _, _ in paths:
        result.info(f"{name}: p50", round(percentile(timings[name], 0.5), 2), "ms")
        result.info(f"{name}: p99", round(percentile(timings[name], 0.99), 2), "ms")
        if name != FLOOR[0]:
            result.info(f"{name}: hits", hits[name])
            result.figure(f"{name}: p50 / bodies list p50", percentile(timings[name], 0.5) / floor, "", "<= 3")
    result.details.update(requests=REQUESTS, warmup=WARMUP, paths={n: p for n, p, _ in paths}, member=MEMBER)
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
