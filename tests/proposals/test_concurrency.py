"""Two moves on one proposal at once: the row lock serialises them (PostgreSQL)."""

import os
import threading

import pytest
import sqlalchemy as sa

from core.extensions import db
from tests.fixtures.testby import GROUP_MEMBER, SECRETARY


@pytest.mark.postgres
def test_a_second_decision_on_the_same_step_waits_for_the_first_and_is_refused(
    app, testby, api, in_tenant
):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("row locks need PostgreSQL (TEST_DATABASE_URL)")
    from core.bodies.models import Body
    from core.proposals import operations
    from core.proposals.models import Proposal
    from core.tenancy import tenant_scope

    tst = api(testby).as_(GROUP_MEMBER)
    pid = tst.post(body="gruppe", title="x", text="y", decision_sought="z").get_json()["id"]
    tst.as_(SECRETARY)  # the board's secretary
    with in_tenant(testby) as tenant:
        tenant_id, plugins = tenant.id, list(tenant.plugins)

    locked, release, results = threading.Event(), threading.Event(), {}

    def first():
        # Another request holds the lock while it records the board's decision.
        with app.app_context(), tenant_scope(tenant_id):
            from core.tenants.models import Tenant

            t = db.session.get(Tenant, tenant_id)
            proposal = db.session.get(Proposal, pid)
            board = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
            operations.lock(proposal)
            locked.set()
            release.wait(10)
            operations.record_decision(
                app.extensions["kommissorium.host"].for_tenant(plugins), t, proposal, board,
                passed=True, text="Først.", provenance={"by": "test"})
            db.session.commit()
            db.session.remove()

    def second():
        results["resp"] = tst.post(f"/{pid}/decision", body="bestyrelse", outcome="rejected", text="Anden.")

    a = threading.Thread(target=first)
    a.start()
    assert locked.wait(10)
    b = threading.Thread(target=second)
    b.start()
    b.join(1.0)
    assert b.is_alive(), "the second decision did not wait for the lock"
    release.set()
    a.join(10)
    b.join(10)
    resp = results["resp"]
    assert resp.status_code == 409, resp.get_json()
    p = tst.get(f"/{pid}").get_json()
    assert p["state"] == "adopted" and p["steps"][0]["decision_text"] == "Først."
