"""(d) Scale: the same requests on a database of 1 tenant and of 100 tenants, each with 5
years of history.

Both databases hold the tenant measured (``albertslund-000``, made from the bundled
Albertslund file); the second also holds 99 more made from the four bundled files under
new slugs, each with people of its own. Every tenant in both databases then gets 5 years
of history written in bulk (bench/history.py: each body's meetings with items, attendance,
closed motions with every voting seat's vote, approved minutes, and proposals, per year).

Requests, in alternation against both (in-process, Flask test client, real PostgreSQL), so
machine noise hits both alike: the body detail and the bodies list (anonymous), and, logged
in as a member of the board (a session cookie), the detail of the board's latest meeting and
the dashboard (``/api/v1/me``). The meeting document cache is off here: it would hide what
the database does with more rows. Target: p50 with 100 tenants <= 1.2 x p50 with 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from common import (
    Result,
    dispose,
    fresh_database,
    make_app,
    percentile,
    session_cookie,
    sync,
    tenant_copies,
)
from history import YEARS, add_history

TENANTS_MANY = int(os.environ.get("BENCH_SCALE_TENANTS", "100"))  # fewer: a quick try
REQUESTS = int(os.environ.get("BENCH_SCALE_REQUESTS", "200"))
WARMUP = 20
SLUG = "albertslund-000"
PUBLIC = {
    "body detail": f"/api/v1/tenants/{SLUG}/bodies/bestyrelse",
    "bodies list": f"/api/v1/tenants/{SLUG}/bodies",
}
MEMBER = "vibeke.vestergaard@va.example"  # a board member of albertslund(-000)


def _latest_meeting(app) -> int:
    import sqlalchemy as sa

    from core.bodies.models import Body
    from core.extensions import db
    from core.meetings.models import Meeting
    from core.tenancy import all_tenants
    from core.tenants.models import Tenant

    with app.app_context(), all_tenants():
        return db.session.scalar(
            sa.select(Meeting.id).join(Body, Body.id == Meeting.body_id)
            .join(Tenant, Tenant.id == Body.tenant_id)
            .where(Tenant.slug == SLUG, Body.key == "bestyrelse")
            .order_by(Meeting.starts_at.desc()).limit(1))


def _history(app) -> tuple[dict, float]:
    from core.extensions import db

    started = time.perf_counter()
    with app.app_context():
        counts = add_history(db.engine)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    return counts, time.perf_counter() - started


def main() -> int:
    result = Result("scale", f"1 tenant vs {TENANTS_MANY} tenants, {YEARS} years of history each: "
                             "p50 of the same requests")
    print(f"{result.name}: {result.title}", flush=True)
    with (fresh_database("scale1") as url_one, fresh_database("scale100") as url_many,
          tempfile.TemporaryDirectory() as tmp):
        files = tenant_copies(TENANTS_MANY, Path(tmp), own_people=True)
        assert files[0].stem == SLUG
        one = make_app(url_one, migrate=True, MEETING_CACHE="off")
        many = make_app(url_many, migrate=True, MEETING_CACHE="off")
        sync(one, files[:1])
        started = time.perf_counter()
        sync(many, files)
        result.details["sync_seconds_100"] = round(time.perf_counter() - started, 1)
        rows_one, _ = _history(one)
        rows_many, seconds = _history(many)
        result.details.update(history_rows_1=rows_one, history_rows_100=rows_many,
                              history_seconds_100=round(seconds, 1), years=YEARS)
        print(f"  history: 1 tenant {rows_one}; {TENANTS_MANY} tenants {rows_many} "
              f"in {seconds:.0f} s", flush=True)
        paths = dict(PUBLIC)
        clients = {}
        for key, app in (("1", one), (str(TENANTS_MANY), many)):
            client = app.test_client()
            member = app.test_client()
            member.set_cookie("session", session_cookie(app, MEMBER))
            clients[key] = (client, member, _latest_meeting(app))
        paths["meeting detail"] = "/api/v1/tenants/{slug}/meetings/{meeting}"
        paths["dashboard"] = "/api/v1/me"
        timings = {k: {name: [] for name in paths} for k in clients}
        for i in range(WARMUP + REQUESTS):
            for name, path in paths.items():
                for key, (client, member, meeting) in clients.items():
                    use = client if name in PUBLIC else member
                    url = path.format(slug=SLUG, meeting=meeting)
                    t = time.perf_counter()
                    resp = use.get(url)
                    elapsed = (time.perf_counter() - t) * 1000
                    assert resp.status_code == 200, (key, url, resp.status_code)
                    if i >= WARMUP:
                        timings[key][name].append(elapsed)
        dispose(one)
        dispose(many)
    n = str(TENANTS_MANY)
    for name in paths:
        p50_one = percentile(timings["1"][name], 0.5)
        p50_many = percentile(timings[n][name], 0.5)
        result.info(f"{name}: p50 with 1 tenant", round(p50_one, 2), "ms")
        result.info(f"{name}: p50 with {n} tenants", round(p50_many, 2), "ms")
        result.info(f"{name}: p99 with 1 tenant", round(percentile(timings['1'][name], 0.99), 2), "ms")
        result.info(f"{name}: p99 with {n} tenants", round(percentile(timings[n][name], 0.99), 2), "ms")
        result.figure(f"{name}: p50 {n} tenants / 1 tenant", p50_many / p50_one, "", "<= 1.2")
    result.details.update(requests=REQUESTS, warmup=WARMUP, tenant=SLUG, paths=paths,
                          member=MEMBER, meeting_cache="off")
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
