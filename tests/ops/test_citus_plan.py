"""`kommissorium ops citus-plan`: distribute every table with tenant_id, reference the rest,
with tenant_id in every key; generated from the models, so new tables are covered."""

import os
import re
import uuid

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.ops.citus import CitusPlanError, plan


def _calls(sql: str, fn: str) -> list[str]:
    return re.findall(rf"SELECT {fn}\('([a-z_]+)'", sql)


def test_every_tenant_scoped_table_is_distributed_and_every_other_referenced(app):
    sql = plan(db.metadata).sql()
    # a nullable tenant_id is an owner, not the scope: identity_providers is global
    scoped = {t.name for t in db.metadata.sorted_tables
              if "tenant_id" in t.c and not t.c["tenant_id"].nullable}
    global_ = {t.name for t in db.metadata.sorted_tables} - scoped
    distributed = _calls(sql, "create_distributed_table")
    referenced = _calls(sql, "create_reference_table")
    assert sorted(distributed) == sorted(scoped) and len(distributed) == len(set(distributed))
    assert sorted(referenced) == sorted(global_) and len(referenced) == len(set(referenced))
    assert {"bodies", "seats", "meetings"} <= scoped
    assert {"users", "tenants", "identity_providers"} <= global_
    # all co-located with the first, by tenant_id
    first = distributed[0]
    for line in sql.splitlines():
        if "create_distributed_table" in line and f"('{first}'" not in line:
            assert line.endswith(f"'tenant_id', colocate_with => '{first}');")


def test_keys_include_tenant_id_and_references_are_made_first(app):
    sql = plan(db.metadata).sql()
    assert ('ALTER TABLE "seats" DROP CONSTRAINT "pk_seats", ADD CONSTRAINT "pk_seats" '
            'PRIMARY KEY ("tenant_id", "id");') in sql
    assert ('ALTER TABLE "seats" ADD CONSTRAINT "fk_seats_body_id_bodies" FOREIGN KEY '
            '("tenant_id", "body_id") REFERENCES "bodies" ("tenant_id", "id") ON DELETE CASCADE;'
            ) in sql
    assert 'ON DELETE SET NULL ("parent_id")' in sql
    # FKs to reference tables stay as they are
    assert "fk_seat_holdings_holder_id_users" not in sql
    pos = {line: i for i, line in enumerate(sql.splitlines())}
    drop = pos['ALTER TABLE "seats" DROP CONSTRAINT "fk_seats_body_id_bodies";']
    rekey = next(i for line, i in pos.items() if 'DROP CONSTRAINT "pk_bodies"' in line)
    first = _calls(sql, "create_distributed_table")[0]
    distribute = pos[f"SELECT create_distributed_table('seats', 'tenant_id', colocate_with => '{first}');"]
    readd = next(i for line, i in pos.items() if 'ADD CONSTRAINT "fk_seats_body_id_bodies"' in line)
    assert drop < rekey < distribute < readd
    last_reference = max(i for line, i in pos.items() if "create_reference_table" in line)
    first_distribute = min(i for line, i in pos.items() if "create_distributed_table" in line)
    assert last_reference < first_distribute


def _toy_metadata():
    from core.extensions import NAMING_CONVENTION

    md = sa.MetaData(naming_convention=NAMING_CONVENTION)
    sa.Table("tenants", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("notes", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("tenant_id", sa.ForeignKey("tenants.id"), nullable=False),
             sa.Column("token", sa.String(20)),
             sa.UniqueConstraint("token", name="uq_notes_token"),
             sa.Index("ix_notes_slug", "token", unique=True))
    return md


def test_a_new_table_is_covered_without_editing_a_list():
    sql = plan(_toy_metadata()).sql()
    assert _calls(sql, "create_distributed_table") == ["notes"]
    assert _calls(sql, "create_reference_table") == ["tenants"]
    assert "-- notes.uq_notes_token becomes unique per tenant" in sql
    assert 'ADD CONSTRAINT "uq_notes_token" UNIQUE ("tenant_id", "token");' in sql
    assert 'CREATE UNIQUE INDEX "ix_notes_slug" ON "notes" ("tenant_id", "token");' in sql


def test_a_global_table_pointing_into_a_tenant_table_is_refused():
    md = _toy_metadata()
    sa.Table("pins", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("note_id", sa.ForeignKey("notes.id")))
    with pytest.raises(CitusPlanError, match="global table pins refers to tenant-scoped notes"):
        plan(md)


def test_the_cli_prints_the_plan(app):
    runner = app.test_cli_runner()
    from core.cli import main

    result = runner.invoke(main, ["ops", "citus-plan"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("-- Citus: distribute")
    assert "for migration head" in result.output
    first = _calls(result.output, "create_distributed_table")[0]
    assert f"SELECT create_distributed_table('{first}', 'tenant_id');" in result.output
    assert "SELECT create_distributed_table('bodies', 'tenant_id', colocate_with" in result.output


RECORDERS = """
CREATE TABLE citus_calls (n serial, fn text, tbl text, col text, colocate text);
CREATE FUNCTION create_reference_table(t regclass) RETURNS void LANGUAGE sql AS
  $$ INSERT INTO citus_calls (fn, tbl) VALUES ('reference', t::text) $$;
CREATE FUNCTION create_distributed_table(t regclass, c text, colocate_with text DEFAULT 'default')
  RETURNS void LANGUAGE sql AS
  $$ INSERT INTO citus_calls (fn, tbl, col, colocate) VALUES ('distributed', t::text, c, colocate_with) $$;
"""


@pytest.mark.postgres
def test_the_plan_runs_on_postgresql_and_the_app_works_on_the_rekeyed_schema(tmp_path):
    """Citus is not installed here: its two functions are replaced by recorders; every other
    statement (keys, foreign keys) runs for real, then the application loads a tenant."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL not set (CI sets it)")
    from flask_migrate import upgrade

    from core import create_app
    from core.config import normalise_database_url
    from core.hooks.host import PluginHost
    from core.tenants.operations import sync_tenant_file
    from core.testing import _dispose
    from tests.fixtures.testby import NABOBY

    url = sa.engine.make_url(normalise_database_url(base))
    name = f"k_citus_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url.set(database=name).render_as_string(
                             hide_password=False), "REDIS_URL": ""},
                         host=PluginHost(), check_schema=False)
        try:
            with app.app_context():
                upgrade(revision="heads")
                sql = plan(db.metadata).sql()
                with db.engine.begin() as conn:
                    conn.exec_driver_sql(RECORDERS)
                    conn.exec_driver_sql(sql)
                    calls = conn.execute(sa.text(
                        "SELECT fn, tbl, col, colocate FROM citus_calls ORDER BY n")).all()
                    pk = conn.execute(sa.text(
                        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conname = 'pk_seats'")).scalar()
                sync_tenant_file(NABOBY, app.extensions["kommissorium.host"])
                db.session.commit()
            resp = app.test_client().get("/api/v1/tenants/naboby/bodies/bestyrelse")
        finally:
            _dispose(app)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    assert pk == "PRIMARY KEY (tenant_id, id)"
    assert [c.tbl for c in calls if c.fn == "reference"] == _calls(sql, "create_reference_table")
    assert [c.tbl for c in calls if c.fn == "distributed"] == _calls(sql, "create_distributed_table")
    assert {c.col for c in calls if c.fn == "distributed"} == {"tenant_id"}
    assert resp.status_code == 200 and resp.get_json()["seats"]
