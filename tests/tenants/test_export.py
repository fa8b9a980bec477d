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


def test_a_person_whose_data_was_erased_is_not_exported_and_their_seat_reads_vacant(
        app, sync_tenant, tmp_path, database_url, monkeypatch):
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import User
    from core.identity.operations import erase_user

    monkeypatch.setenv("DATABASE_URL", database_url)
    sync_tenant("testby")
    erase_user(db.session.scalar(sa.select(User).filter_by(email="anna@testby.example")))
    db.session.commit()
    out = tmp_path / "testby.toml"
    assert _run(app, "tenants", "export", "testby", "-o", str(out)).exit_code == 0
    exported = out.read_text(encoding="utf-8")
    assert "anna@testby.example" not in exported and "erased-" not in exported and "Slettet" not in exported
    assert 'key = "a2"' in exported  # the seat stays, without a holder
    assert sync_tenant(out).changes == []
