"""Albertslund's one vote per organisation under load (ALB-B2): 100 concurrent attempts by
AKB's two members store exactly one vote on the real PostgreSQL; every other attempt gets a
clean 409 citing the clause (the core's side: tests/decisions/test_concurrency.py)."""

import os
import threading

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.decisions.models import Vote
from core.extensions import db

T = "/api/v1/tenants/albertslund"
LEADER = "lise.lindholm@bo-vest.example"
AKB, AKB2 = "kamma.berthelsen@akb.example", "henrik.hedegaard@akb.example"
ATTEMPTS = 100

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                       reason="needs PostgreSQL (TEST_DATABASE_URL); CI sets it"),
]


def test_100_concurrent_votes_for_one_unit_store_exactly_one_ALB_B2(
        app, sync_tenant, decision_item, member, in_tenant):
    sync_tenant("albertslund")
    item = decision_item("albertslund", "bestyrelse")
    motion = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()
    assert member(LEADER).post(f"{T}/motions/{motion['id']}/voting").status_code == 200
    # both of AKB's members try, each from many requests at once
    cookies = {e: member(e).get_cookie("session").value for e in (AKB, AKB2)}
    db.session.commit()
    db.session.remove()  # the threads use their own sessions and connections

    barrier = threading.Barrier(ATTEMPTS)
    results = [None] * ATTEMPTS

    def attempt(i):
        client = app.test_client()
        client.set_cookie("session", cookies[AKB if i % 2 else AKB2])
        barrier.wait()
        resp = client.post(f"{T}/motions/{motion['id']}/votes",
                           json={"choice": "yes" if i % 3 else "no"})
        results[i] = (resp.status_code, resp.get_json())

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    codes = [r[0] for r in results]
    assert codes.count(201) == 1, codes
    assert codes.count(409) == ATTEMPTS - 1, codes
    refusals = [body for code, body in results if code == 409]
    assert {(b["clause"], b["rule"]) for b in refusals} == {("ALB-B2", "vote_units")}
    assert all(b["message"].startswith("AKB har allerede stemt") for b in refusals)
    with in_tenant("albertslund"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "vote.cast")) == 1
    assert all(r.ok for r in verify())
