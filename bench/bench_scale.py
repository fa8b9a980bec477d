"""(d) Scale: the same requests on a database of 1 tenant and of 100 tenants.

Both databases hold the tenant measured (``albertslund-000``, made from the bundled
Albertslund file); the second also holds 99 more made from the four bundled files under
new slugs. The body detail and the bodies list are requested in alternation against both
(in-process, Flask test client, real PostgreSQL), so machine noise hits both alike.
Target: p50 with 100 tenants <= 1.2 x p50 with 1.
The lead adds 5 years of meetings per tenant when meetings land.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import Result, dispose, fresh_database, make_app, percentile, sync, tenant_copies

TENANTS_MANY = 100
REQUESTS = 300
WARMUP = 30
SLUG = "albertslund-000"
PATHS = {
    "body detail": f"/api/v1/tenants/{SLUG}/bodies/bestyrelse",
    "bodies list": f"/api/v1/tenants/{SLUG}/bodies",
}


def main() -> int:
    result = Result("scale", f"1 tenant vs {TENANTS_MANY} tenants: p50 of the same requests")
    print(f"{result.name}: {result.title}", flush=True)
    with (fresh_database("scale1") as url_one, fresh_database("scale100") as url_many,
          tempfile.TemporaryDirectory() as tmp):
        files = tenant_copies(TENANTS_MANY, Path(tmp))
        assert files[0].stem == SLUG
        one, many = make_app(url_one, migrate=True), make_app(url_many, migrate=True)
        sync(one, files[:1])
        started = time.perf_counter()
        sync(many, files)
        result.details["sync_seconds_100"] = round(time.perf_counter() - started, 1)
        clients = {"1": one.test_client(), str(TENANTS_MANY): many.test_client()}
        timings = {k: {name: [] for name in PATHS} for k in clients}
        for i in range(WARMUP + REQUESTS):
            for name, path in PATHS.items():
                for key, client in clients.items():
                    t = time.perf_counter()
                    resp = client.get(path)
                    elapsed = (time.perf_counter() - t) * 1000
                    assert resp.status_code == 200, (key, path, resp.status_code)
                    if i >= WARMUP:
                        timings[key][name].append(elapsed)
        dispose(one)
        dispose(many)
    n = str(TENANTS_MANY)
    for name in PATHS:
        p50_one = percentile(timings["1"][name], 0.5)
        p50_many = percentile(timings[n][name], 0.5)
        result.info(f"{name}: p50 with 1 tenant", round(p50_one, 2), "ms")
        result.info(f"{name}: p50 with {n} tenants", round(p50_many, 2), "ms")
        result.info(f"{name}: p99 with 1 tenant", round(percentile(timings['1'][name], 0.99), 2), "ms")
        result.info(f"{name}: p99 with {n} tenants", round(percentile(timings[n][name], 0.99), 2), "ms")
        result.figure(f"{name}: p50 {n} tenants / 1 tenant", p50_many / p50_one, "", "<= 1.2")
    result.details.update(requests=REQUESTS, warmup=WARMUP, tenant=SLUG, paths=PATHS)
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
