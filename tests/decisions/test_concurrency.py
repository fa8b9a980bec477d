"""One vote per unit under load: 100 concurrent attempts to cast the same organisation's
vote on the real PostgreSQL store exactly one vote; every other attempt gets a clean 409
citing the clause (Testby's board: one vote per organisation, TST-2). The database's unique
constraint decides, not Python."""

import os
import threading

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.decisions.models import Vote
from core.extensions import db

from tests.fixtures.testby import ANNA, BENT, CHAIR, KAREN
from tests.fixtures.testby import SECRETARY as LEADER

T = "/api/v1/tenants/testby"
A, A2 = CHAIR, ANNA  # the two members for TST-A, one vote between them
ATTEMPTS = 100

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                       reason="needs PostgreSQL (TEST_DATABASE_URL); CI sets it"),
]


def test_100_concurrent_votes_for_one_unit_store_exactly_one(
        app, testby, decision_item, member, in_tenant):
    item = decision_item(testby, "bestyrelse")
    motion = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()
    assert motion["phase"] == "voting"  # the core's procedure: a plain vote from the start
    # both of TST-A's members try, each from many requests at once
    cookies = {e: member(e).get_cookie("session").value for e in (A, A2)}
    db.session.commit()
    db.session.remove()  # the threads use their own sessions and connections

    barrier = threading.Barrier(ATTEMPTS)
    results = [None] * ATTEMPTS

    def attempt(i):
        client = app.test_client()
        client.set_cookie("session", cookies[A if i % 2 else A2])
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
    assert {(b["clause"], b["rule"]) for b in refusals} == {("TST-2", "vote_units")}
    assert all(b["message"].startswith("TST-A har allerede stemt") for b in refusals)
    with in_tenant("testby"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "vote.cast")) == 1
    assert all(r.ok for r in verify())


def test_concurrent_votes_of_different_units_all_count_and_keep_the_chain_whole(
        app, testby, decision_item, member, in_tenant):
    """Appends to the audit chain are serialised per tenant, so parallel votes of different
    units neither fail nor fork the chain."""
    item = decision_item(testby, "bestyrelse")
    motion = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "x"}).get_json()
    assert motion["phase"] == "voting"  # the core's procedure: a plain vote from the start
    voters = [CHAIR, BENT, KAREN]  # TST-A, TST-B and the municipality
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
    assert codes == [201] * 3
    with in_tenant("testby"):
        seqs = db.session.scalars(sa.select(AuditEntry.seq).order_by(AuditEntry.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))
    assert all(r.ok for r in verify())
