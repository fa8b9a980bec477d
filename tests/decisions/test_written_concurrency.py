"""One answer per unit under load in a written procedure, on the real PostgreSQL: 60
concurrent attempts to answer for the same organisation store exactly one answer, every
other attempt a clean 409 citing the clause (Testby's board: one vote per organisation,
TST-2); concurrent answers of every unit all count, and the last one closes the procedure
once (the procedure's row is locked per answer)."""

import os
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.decisions.models import WrittenAnswer, WrittenProcedure
from core.extensions import db
from tests.fixtures.testby import ANNA, BENT, CHAIR, KAREN

T = "/api/v1/tenants/testby"
ATTEMPTS = 60

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                       reason="needs PostgreSQL (TEST_DATABASE_URL); CI sets it"),
]


def _start(member) -> int:
    deadline = datetime.now(timezone.utc) + timedelta(days=3)
    resp = member(CHAIR).post(f"{T}/bodies/bestyrelse/written-procedures", json={
        "title": "Tilskud", "text": "Bevilget.", "deadline_at": deadline.isoformat()})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _at_once(app, cookies: list[str], path: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    db.session.commit()
    db.session.remove()  # the threads use their own sessions and connections
    barrier = threading.Barrier(len(cookies))
    results = [None] * len(cookies)

    def attempt(i):
        client = app.test_client()
        client.set_cookie("session", cookies[i])
        barrier.wait()
        resp = client.post(path, json=bodies[i])
        results[i] = (resp.status_code, resp.get_json())

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(cookies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_concurrent_answers_for_one_unit_store_exactly_one_TST_2(app, testby, member, in_tenant):
    pid = _start(member)
    cookies = {e: member(e).get_cookie("session").value for e in (CHAIR, ANNA)}  # both for TST-A
    results = _at_once(app, [cookies[CHAIR if i % 2 else ANNA] for i in range(ATTEMPTS)],
                       f"{T}/written-procedures/{pid}/answers",
                       [{"choice": "agree"} if i % 3 else {"choice": "object", "reason": "Nej"}
                        for i in range(ATTEMPTS)])
    codes = [r[0] for r in results]
    assert codes.count(201) == 1 and codes.count(409) == ATTEMPTS - 1, codes
    assert {(b["clause"], b["rule"]) for c, b in results if c == 409} == {("TST-2", "vote_units")}
    with in_tenant("testby"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WrittenAnswer)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "written.answered")) == 1
    assert all(r.ok for r in verify())


def test_concurrent_answers_of_every_unit_close_it_once(app, testby, member, in_tenant):
    pid = _start(member)
    voters = [CHAIR, BENT, KAREN]
    results = _at_once(app, [member(e).get_cookie("session").value for e in voters],
                       f"{T}/written-procedures/{pid}/answers", [{"choice": "agree"}] * 3)
    assert [r[0] for r in results] == [201, 201, 201], results
    with in_tenant("testby"):
        procedure = db.session.get(WrittenProcedure, pid)
        assert procedure.state.value == "decided"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "written.closed")) == 1
    assert all(r.ok for r in verify())
