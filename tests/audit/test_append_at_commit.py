"""An event is appended to its tenant's chain when the transaction that records it commits:
the chain's head is locked for the commit only, so a transaction still at work does not
hold up another one's entries in the same tenant; an event recorded in a savepoint rolled
back, or in a transaction rolled back, is never appended
(docs/decisions/0034-a-vote-reads-what-voting-opened-with.md)."""

import threading

import sqlalchemy as sa

from core.audit import operations as audit
from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.extensions import db
from core.tenancy import tenant_scope


def _actions(in_tenant, slug):
    with in_tenant(slug):
        return db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.action.like("test.%")).order_by(AuditEntry.seq)).all()


def test_events_of_a_rolled_back_savepoint_or_transaction_are_never_appended(app, testby, in_tenant):
    with in_tenant(testby):
        audit.record("test.kept", "test:1", {"n": 1})
        with db.session.begin_nested() as savepoint:
            audit.record("test.undone", "test:2", {"n": 2})
            savepoint.rollback()
        with db.session.begin_nested():
            audit.record("test.released", "test:3", {"n": 3})
        db.session.commit()
        audit.record("test.rolled_back", "test:4", {"n": 4})
        db.session.rollback()
        db.session.commit()
    assert _actions(in_tenant, testby) == ["test.kept", "test.released"]
    assert all(r.ok for r in verify())


def test_a_transaction_at_work_does_not_hold_up_another_ones_entries(app, testby, in_tenant):
    """The first transaction records an event and is still at work; a second one in the
    same tenant records and commits without waiting for it; the first commits after it, and
    its entry follows the second's in the chain."""
    with in_tenant(testby) as tenant:
        tenant_id = tenant.id
        audit.record("test.first", "test:1", {"n": 1})
        db.session.execute(sa.select(AuditEntry.id).limit(1))  # its transaction has begun
        done = threading.Event()

        def second():
            with app.app_context(), tenant_scope(tenant_id):
                audit.record("test.second", "test:2", {"n": 2})
                db.session.commit()
                db.session.remove()
            done.set()

        worker = threading.Thread(target=second)
        worker.start()
        assert done.wait(timeout=20), "the second transaction waited for the first"
        worker.join()
        db.session.commit()
    assert _actions(in_tenant, testby) == ["test.second", "test.first"]
    assert all(r.ok for r in verify())
