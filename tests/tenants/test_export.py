"""``kommissorium tenants export``: only what is current is written (an ended seat is
history, kept in the database, not in the file), an unknown tenant is refused, and the
file written to a path is whole or not there."""

from core.cli import main
from tests.fixtures.testby import TESTBY


def _run(app, *args):
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def test_an_ended_seat_is_not_exported_and_the_export_syncs_back_unchanged(
        app, sync_tenant, write_tenant_file, tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    sync_tenant("testby")
    text = TESTBY.read_text(encoding="utf-8")
    without = text.replace('''[[bodies.seats]]
key = "adm"
title = "Administrationen (uden stemmeret)"
organisation = "TST-ADM"
role = "observer"
voting = false
holder = "dorte@adm.example"
''', "")
    assert without != text
    report = sync_tenant(write_tenant_file(without))
    assert any("ended seat bestyrelse/adm" in c for c in report.changes)
    out = tmp_path / "testby.toml"
    assert _run(app, "tenants", "export", "testby", "--output", str(out)).exit_code == 0
    exported = out.read_text(encoding="utf-8")
    assert 'key = "adm"' not in exported and 'key = "kommune"' in exported
    assert not (tmp_path / "testby.toml.partial").exists()
    assert sync_tenant(out).changes == []


def test_an_unknown_tenant_is_refused_and_nothing_is_written(app, tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "nowhere.toml"
    result = _run(app, "tenants", "export", "nowhere", "-o", str(out))
    assert result.exit_code == 1 and "no tenant 'nowhere'" in result.output
    assert not out.exists()
