"""The test fixtures' shortcuts (core/testing.py, core/testing_db.py; decision 0023) leave
the database exactly as the long way would: a tenant file restored from a snapshot is the
rows a real load wrote, a load the snapshot cannot vouch for is real, and a cleared
database starts its ids from 1 again."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.testing_db import TenantSnapshots, clear
from tests.fixtures.testby import NABOBY, TESTBY


def _dump() -> dict[str, list[tuple]]:
    """Every row of every table, in id order."""
    with db.engine.connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT set_config('app.bypass_rls', 'on', true)"))
        return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key))]
                for t in db.metadata.sorted_tables}


def _fresh(app):
    """A snapshot store of this test's own, so its first load is a real one."""
    return TenantSnapshots(app.extensions["kommissorium.host"])


def _restart(snapshots) -> None:
    db.session.remove()
    clear(db)
    snapshots.begin_test()


def test_a_restored_tenant_file_is_the_rows_its_real_load_wrote(app):
    from core.audit.operations import verify

    snapshots = _fresh(app)
    try:
        host = app.extensions["kommissorium.host"]
        real = snapshots.sync(db, TESTBY, host)
        real_nabo = snapshots.sync(db, NABOBY, host)
        assert snapshots.loads == {"real": 2, "restored": 0}
        written = _dump()
        assert written["tenants"] and written["audit_entries"] and written["seats"]

        _restart(snapshots)
        assert all(rows == [] for rows in _dump().values())
        again = snapshots.sync(db, TESTBY, host)
        again_nabo = snapshots.sync(db, NABOBY, host)
        assert snapshots.loads == {"real": 2, "restored": 2}
        assert _dump() == written
        assert (again.created, again.changes, again_nabo.changes) == (
            True, real.changes, real_nabo.changes)
        assert str(again) == str(real)
        assert all(r.broken_at_seq is None for r in verify())  # the audit chains hold
    finally:
        snapshots.close()


def test_a_write_between_loads_makes_the_next_load_real(app):
    from core.organisations.models import Organisation
    from core.tenancy import all_tenants

    snapshots = _fresh(app)
    try:
        host = app.extensions["kommissorium.host"]
        snapshots.sync(db, TESTBY, host)
        snapshots.sync(db, NABOBY, host)
        _restart(snapshots)
        snapshots.sync(db, TESTBY, host)
        with all_tenants():
            org = db.session.scalars(sa.select(Organisation).order_by(Organisation.id)).first()
            org.name = "Omdøbt"
            db.session.commit()
        snapshots.sync(db, NABOBY, host)
        assert snapshots.loads == {"real": 3, "restored": 1}
        with all_tenants():
            db.session.expire_all()
            assert db.session.get(Organisation, org.id).name == "Omdøbt"
    finally:
        snapshots.close()


def test_a_pending_write_and_another_plugin_host_make_real_loads(app):
    from core.hooks.host import PluginHost
    from core.identity.models import User

    snapshots = _fresh(app)
    try:
        host = app.extensions["kommissorium.host"]
        snapshots.sync(db, NABOBY, host)
        _restart(snapshots)
        db.session.add(User(email="ny@example.org", name="Ny"))  # not flushed yet
        snapshots.sync(db, NABOBY, host)
        assert snapshots.loads == {"real": 2, "restored": 0}
        assert db.session.scalar(sa.select(User).filter_by(email="ny@example.org")) is not None

        _restart(snapshots)
        other = PluginHost(plugins={"extra": object()})
        snapshots.sync(db, NABOBY, other)
        assert snapshots.loads == {"real": 3, "restored": 0}
    finally:
        snapshots.close()


def test_a_cleared_database_is_empty_and_counts_ids_from_one(app, sync_tenant):
    from core.identity.models import User

    sync_tenant("naboby")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) > 0
    db.session.remove()
    clear(db)
    assert all(rows == [] for rows in _dump().values())
    user = User(email="first@example.org", name="Først")
    db.session.add(user)
    db.session.commit()
    assert user.id == 1


def test_a_restored_load_that_changes_rows_changes_them(app, write_tenant_file):
    from tests.fixtures.tenants import two_bodies

    first = write_tenant_file(two_bodies("aby", "A"))
    renamed = write_tenant_file(two_bodies("aby", "A", name="Aby Kommune"))
    snapshots = _fresh(app)
    try:
        host = app.extensions["kommissorium.host"]
        snapshots.sync(db, first, host)
        report = snapshots.sync(db, renamed, host)
        assert any("updated tenant aby: name" in c for c in report.changes)
        written = _dump()
        _restart(snapshots)
        snapshots.sync(db, first, host)
        snapshots.sync(db, renamed, host)
        assert snapshots.loads == {"real": 2, "restored": 2}
        assert _dump() == written
    finally:
        snapshots.close()
