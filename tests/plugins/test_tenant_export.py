"""The tenant file stays the declarative form: ``kommissorium tenants export SLUG`` writes
each bundled tenant's current state, and a sync of what it wrote changes nothing (issue
#18, "export → sync round trip")."""

import tomllib

import pytest

from core.cli import main
from core.tenants.filespec import read_tenant_file

TENANTS = ("albertslund", "slagelse", "kobenhavn", "vejle")


@pytest.fixture
def run(app, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return lambda *args: app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def test_the_four_bundled_tenants_export_and_sync_back_without_a_change(sync_tenant, run, tmp_path, app):
    originals = {name: sync_tenant(name) for name in TENANTS}
    assert all(r.created for r in originals.values())
    for name in TENANTS:
        path = tmp_path / f"{name}.toml"
        result = run("tenants", "export", name, "-o", str(path))
        assert result.exit_code == 0 and f"wrote {path}" in result.output
        read_tenant_file(path, app.extensions["kommissorium.host"])  # valid, the plugins' checks too
        report = sync_tenant(path)
        assert report.changes == [], (name, report.changes)
        assert report.ended == [], (name, report.ended)
        assert run("tenants", "export", name).output == path.read_text(encoding="utf-8")  # stable


def test_the_export_carries_each_rule_fact_the_file_had(sync_tenant, run):
    """København's district board: its clauses, sources, grants (extra, KBH-5) and
    information recipients (KBH-2) come back as written."""
    sync_tenant("kobenhavn")
    exported = tomllib.loads(run("tenants", "export", "kobenhavn").output)
    from core.config import PROJECT_ROOT

    original = tomllib.loads((PROJECT_ROOT / "tenants" / "kobenhavn.toml").read_text(encoding="utf-8"))
    theirs_by_key = {b["key"]: b for b in exported["bodies"]}
    assert sorted(theirs_by_key) == sorted(b["key"] for b in original["bodies"])
    for mine in original["bodies"]:
        theirs = theirs_by_key[mine["key"]]
        for field in ("clauses", "sources", "extra", "approval_mode", "notice_days"):
            assert theirs.get(field) == mine.get(field), (mine["key"], field)
        assert sorted(theirs.get("information_recipients", [])) == sorted(mine.get("information_recipients", []))
        assert [s["key"] for s in theirs["seats"]] == [s["key"] for s in mine["seats"]]
