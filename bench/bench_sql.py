"""(b) SQL statements per request: the body detail and the bodies list at 5 vs 50 seats;
the meeting detail and the dashboard (/api/v1/me) at 5 vs 50 agenda items.

Two tenants made from the bundled Albertslund file; in one, a body with 5 seats, in the
other the same body with 50 (each seat a different holder, organisations in turn). In each,
a held meeting of that body with 5 (resp. 50) decision items, each with a submitter, an
attachment and a closed motion with every seat's vote (tests/fixtures/big_meeting.py); the
meeting detail and the dashboard are requested as a member. The statements each request
sends are counted with a SQLAlchemy ``before_cursor_execute`` listener. Target: the same
count at 50 as at 5 (ratio 1.0: no query per seat or per item).
tests/bench/test_query_counts.py pins the meeting and dashboard counts in the regular suite.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from common import Result, dispose, fresh_database, make_app, sync, tenant_copies

SIZES = (5, 50)


def _add_bench_body(app, slug: str, seats: int) -> None:
    from core.bodies.models import Body, Seat, SeatHolding, SeatRole
    from core.extensions import db
    from core.identity.models import User
    from core.tenancy import tenant_scope
    from core.tenants.models import Participation, Tenant

    with app.app_context():
        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=slug))
        with tenant_scope(tenant.id):
            model = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
            columns = {c.key: getattr(model, c.key) for c in Body.__table__.columns
                       if c.key not in ("id", "key", "tenant_id")}
            body = Body(**columns, key="bench")
            db.session.add(body)
            orgs = db.session.scalars(sa.select(Participation.organisation_id)).all()
            for i in range(seats):
                holder = User(email=f"bench-{slug}-{i}@bench.example", name=f"Bench Demo {i}")
                db.session.add(Seat(body=body, key=f"seat-{i}", position=i, title=f"Plads {i}",
                                    organisation_id=orgs[i % len(orgs)], role=SeatRole.MEMBER,
                                    is_voting=True, holdings=[SeatHolding(holder=holder)]))
            db.session.commit()


def _add_meeting(app, slug: str, items: int) -> int:
    from tests.fixtures.big_meeting import big_meeting

    with app.app_context():
        return big_meeting(slug, "bench", items=items)


def _member_client(app, slug: str):
    from common import session_cookie

    client = app.test_client()
    client.set_cookie("session", session_cookie(app, f"bench-{slug}-1@bench.example"))
    return client


def _count(app, client, path: str) -> int:
    from core.extensions import db

    with app.app_context():
        engine = db.engine
    seen = []

    def counter(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    client.get(path)  # warm: first-request work is not per-request work
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        resp = client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    assert resp.status_code == 200, (path, resp.status_code)
    return len(seen)


def main() -> int:
    result = Result("sql", "SQL statements per request at 5 vs 50 seats / agenda items (no N+1)")
    print(f"{result.name}: {result.title}", flush=True)
    with fresh_database("sql") as url, tempfile.TemporaryDirectory() as tmp:
        app = make_app(url, migrate=True)
        files = tenant_copies(len(SIZES) * 4, Path(tmp))[::4][: len(SIZES)]  # albertslund-000, -004
        sync(app, files)
        slugs = [f.stem for f in files]
        for slug, size in zip(slugs, SIZES):
            _add_bench_body(app, slug, size)
        meetings = {size: _add_meeting(app, slug, size) for slug, size in zip(slugs, SIZES)}
        client = app.test_client()
        counts = {}
        for slug, size in zip(slugs, SIZES):
            member = _member_client(app, slug)
            counts[size] = {
                "detail": _count(app, client, f"/api/v1/tenants/{slug}/bodies/bench"),
                "list": _count(app, client, f"/api/v1/tenants/{slug}/bodies"),
                "meeting": _count(app, member, f"/api/v1/tenants/{slug}/meetings/{meetings[size]}"),
                "dashboard": _count(app, member, "/api/v1/me"),
            }
        dispose(app)
    small, large = SIZES
    result.details.update(counts={str(k): v for k, v in counts.items()}, tenants=slugs)
    for what in ("detail", "list"):
        result.info(f"body {what}: statements at {small} seats", counts[small][what])
        result.info(f"body {what}: statements at {large} seats", counts[large][what])
        result.figure(f"body {what}: statements at {large} / at {small} seats",
                      counts[large][what] / counts[small][what], "", "== 1.0")
    for what, label in (("meeting", "meeting detail"), ("dashboard", "dashboard /me")):
        result.info(f"{label}: statements at {small} agenda items", counts[small][what])
        result.info(f"{label}: statements at {large} agenda items", counts[large][what])
        result.figure(f"{label}: statements at {large} / at {small} agenda items",
                      counts[large][what] / counts[small][what], "", "== 1.0")
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
