"""Row-level security on PostgreSQL: the second wall (docs/decisions/0005-row-level-security.md).

Connecting as a NON-superuser application role (created here: superusers bypass RLS), a
raw SQL query scoped to tenant A returns nothing of tenant B, and the application sets the
scope per transaction from core/tenancy.py's scope. Runs in CI (TEST_DATABASE_URL).
"""

from __future__ import annotations

import contextlib
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.bodies.models import Body
from core.extensions import db
from core.tenancy import RLS_POLICY, TenantScoped, all_tenants, tenant_scope
from core.tenants.models import Tenant
from tests.fixtures.tenants import two_bodies

pytestmark = pytest.mark.postgres


def _tenant_tables() -> list[str]:
    return sorted(
        m.local_table.name for m in db.Model.registry.mappers if issubclass(m.class_, TenantScoped)
    )


@pytest.fixture
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row-level security is PostgreSQL's (set TEST_DATABASE_URL; CI does)")


@pytest.fixture
def two_tenants(postgres, sync_tenant, write_tenant_file):
    sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    sync_tenant(write_tenant_file(two_bodies("bby", "B")))
    ids = dict(db.session.execute(sa.select(Tenant.slug, Tenant.id)).all())
    db.session.commit()
    return ids["aby"], ids["bby"]


@pytest.fixture
def app_role_engine(postgres):
    """An engine logged in as a fresh application role: LOGIN, no superuser, no BYPASSRLS."""
    role = f"k_app_{uuid.uuid4().hex[:10]}"
    password = uuid.uuid4().hex
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(
            f"CREATE ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOBYPASSRLS"))
        conn.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(sa.text(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(sa.text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    url = db.engine.url.set(username=role, password=password)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text(
                "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )).scalar() is False
        yield engine
    finally:
        engine.dispose()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))


def test_every_tenant_scoped_table_has_the_tenant_policy(postgres):
    rows = db.session.execute(sa.text(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
        "  EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname "
        "          AND p.policyname = :policy) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r'"), {"policy": RLS_POLICY}).all()
    state = {name: (rls, force, policy) for name, rls, force, policy in rows}
    missing = [t for t in _tenant_tables() if state.get(t) != (True, True, True)]
    assert not missing, (
        "tenant-scoped tables without row-level security; call "
        f"core.tenancy.enable_row_level_security(op, table) in their migration: {missing}")


def test_raw_sql_as_the_application_role_scoped_to_a_sees_nothing_of_b(two_tenants, app_role_engine):
    a, b = two_tenants
    with app_role_engine.begin() as conn:
        conn.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(a)})
        for table in _tenant_tables():
            seen = set(conn.execute(sa.text(f'SELECT DISTINCT tenant_id FROM "{table}"')).scalars())
            assert b not in seen, f"{table} shows tenant B's rows to a query scoped to A"
        assert set(conn.execute(sa.text("SELECT DISTINCT tenant_id FROM seats")).scalars()) == {a}
        # nor can it write into B
        with (
            pytest.raises(sa.exc.ProgrammingError, match="row-level security"),
            conn.begin_nested(),
        ):
            conn.execute(sa.text(
                "INSERT INTO participations (tenant_id, organisation_id) "
                "SELECT :b, organisation_id FROM participations LIMIT 1"), {"b": b})


def test_without_a_scope_the_application_role_sees_no_tenant_rows(two_tenants, app_role_engine):
    with app_role_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM bodies")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM tenants")).scalar() == 2  # global


def test_the_application_sets_the_tenant_for_each_transaction(two_tenants, app_role_engine):
    """core/tenancy.py's after_begin listener (and the sync when the scope changes inside a
    transaction) make even raw SQL of the application see one tenant."""
    a, b = two_tenants
    raw = sa.text("SELECT DISTINCT tenant_id FROM bodies")
    with contextlib.closing(Session(app_role_engine)) as session:
        with tenant_scope(a):
            assert set(session.execute(raw).scalars()) == {a}
            assert {x.tenant_id for x in session.scalars(sa.select(Body))} == {a}
        session.commit()
        with tenant_scope(b):
            assert set(session.execute(raw).scalars()) == {b}
            # the scope changes inside one transaction: the next ORM statement re-syncs
            with all_tenants():
                session.scalars(sa.select(Body)).all()
                assert set(session.execute(raw).scalars()) == {a, b}
            session.scalars(sa.select(Body)).all()
            assert set(session.execute(raw).scalars()) == {b}
        session.rollback()
        assert session.execute(raw).scalars().all() == []  # no scope: nothing


def test_the_application_works_under_the_application_role(app, two_tenants, app_role_engine):
    """The same requests the suite makes as a superuser also work with RLS enforced:
    tenant routes see their tenant, the cross-tenant /me sees the user's tenants."""
    from core.identity.models import User
    from core.identity.passwords import hash_password
    from core.testing import TEST_PASSWORD
    from tests.fixtures.apps import extra_app

    user = db.session.scalar(sa.select(User).filter_by(email="formand@aby.example"))
    user.password_hash = hash_password(TEST_PASSWORD)
    db.session.commit()
    url = app_role_engine.url.render_as_string(hide_password=False)
    role_app = extra_app(app, SQLALCHEMY_DATABASE_URI=url)
    with role_app.app_context():
        client = role_app.test_client()
        body = client.get("/api/v1/tenants/bby/bodies/bestyrelse")
        assert body.status_code == 200 and len(body.get_json()["seats"]) == 3
        keys = {b["key"] for b in client.get("/api/v1/tenants/aby/bodies").get_json()}
        assert keys == {"bestyrelse", "aby-gruppe"}
        resp = client.post("/api/v1/auth/login", json={"email": user.email, "password": TEST_PASSWORD})
        assert resp.status_code == 200, resp.get_json()
        me = client.get("/api/v1/me").get_json()
        assert [t["slug"] for t in me["tenants"]] == ["aby"]
        assert me["tenants"][0]["bodies"][0]["seats"][0]["key"] == "formand"
        db.session.remove()
        sa.orm.close_all_sessions()
        for engine in db.engines.values():
            engine.dispose()
