"""(a) Body detail under load vs a floor endpoint returning the same JSON from memory.

gunicorn (deploy/gunicorn.conf.py, 2 workers x 4 threads) on PostgreSQL; wrk on loopback drives
``GET /api/v1/tenants/albertslund/bodies/bestyrelse`` and ``GET /_bench/floor`` (the same
bytes, from memory, through the same server and middleware) in alternating rounds.
Target: the endpoint's throughput >= 0.5 of the floor's. p50 and p99 are reported.
The lead re-points this at the meeting detail (30 agenda items) when meetings land.
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
    sync,
    wrk,
)

PATH = "/api/v1/tenants/albertslund/bodies/bestyrelse"
ROUNDS, SECONDS, CONNECTIONS = 3, 5, 8


def main() -> int:
    result = Result("load", "Body detail under load vs the floor (same JSON from memory)")
    print(f"{result.name}: {result.title}", flush=True)
    if not have_wrk():
        result.figure("throughput endpoint / floor", None, "", ">= 0.5",
                      note="wrk not installed: apt-get install wrk")
        result.write()
        return 0
    with fresh_database("load") as url, tempfile.TemporaryDirectory() as tmp:
        app = make_app(url, migrate=True)
        sync(app, [TENANTS / "albertslund.toml"])
        dispose(app)
        floor_file = Path(tmp) / "floor.json"
        with gunicorn(url, workers=2, threads=4, KOMMISSORIUM_BENCH=1,
                      KOMMISSORIUM_BENCH_FLOOR_FILE=floor_file) as (_, base):
            payload = http_get(base + PATH)
            floor_file.write_bytes(payload)
            assert http_get(base + "/_bench/floor") == payload, "the floor must serve the same JSON"
            wrk(base + PATH, 2, CONNECTIONS)
            wrk(base + "/_bench/floor", 2, CONNECTIONS)
            real, floor = [], []
            for _ in range(ROUNDS):  # alternate, so drift on a shared machine hits both
                real.append(wrk(base + PATH, SECONDS, CONNECTIONS))
                floor.append(wrk(base + "/_bench/floor", SECONDS, CONNECTIONS))
    rps_real = sum(r["requests"] for r in real) / (ROUNDS * SECONDS)
    rps_floor = sum(r["requests"] for r in floor) / (ROUNDS * SECONDS)
    errors = sum(r["errors"] for r in real + floor)
    result.details.update(path=PATH, payload_bytes=len(payload), rounds=ROUNDS,
                          seconds=SECONDS, connections=CONNECTIONS, gunicorn_workers=2, gunicorn_threads=4,
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
