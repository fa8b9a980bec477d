"""One vote per unit under load: 100 concurrent attempts to cast the same organisation's
vote on the real PostgreSQL store exactly one vote; every other attempt gets a clean 409
citing the clause (ALB-B2). The database's unique constraint decides, not Python."""

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


def test_concurrent_votes_of_different_units_all_count_and_keep_the_chain_whole(
        app, sync_tenant, decision_item, member, in_tenant):
    """Appends to the audit chain are serialised per tenant, so parallel votes of different
    units neither fail nor fork the chain."""
    sync_tenant("albertslund")
    item = decision_item("albertslund", "bestyrelse")
    motion = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()
    assert member(LEADER).post(f"{T}/motions/{motion['id']}/voting").status_code == 200
    voters = ["vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", AKB,
              "steffen.borg@albertslund.example"]
    cookies = [member(e).get_cookie("session").value for e in voters]
    db.session.commit()
    db.session.remove()
    barrier = threading.Barrier(len(voters))
    codes = []

    def attempt(cookie):
        client = app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait()
        codes.append(client.post(f"{T}/motions/{motion['id']}/votes",
                                 json={"choice": "yes"}).status_code)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [201] * 4
    with in_tenant("albertslund"):
        seqs = db.session.scalars(sa.select(AuditEntry.seq).order_by(AuditEntry.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))
    assert all(r.ok for r in verify())
