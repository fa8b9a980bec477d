"""The ``kommissorium`` command line."""

import pytest

from core.cli import main
from tests.fixtures.tenants import two_bodies


@pytest.fixture
def run(app, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)

    def _run(*args):
        # click >= 8.2: ``output`` holds stdout and stderr interleaved
        return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)

    return _run


def test_tenants_sync_reports_then_changes_nothing(run, write_tenant_file):
    path = write_tenant_file(two_bodies("aby", "A"))
    first = run("tenants", "sync", str(path))
    assert first.exit_code == 0 and "aby:" in first.output and "created tenant aby" in first.output
    second = run("tenants", "sync", str(path))
    assert second.exit_code == 0 and "aby: up to date, nothing changed" in second.output


def test_tenants_sync_refuses_a_bad_file_with_exit_code_1(run, write_tenant_file):
    path = write_tenant_file(two_bodies("aby", "A").replace('kind = "board"', 'kind = "club"'))
    result = run("tenants", "sync", str(path))
    assert result.exit_code == 1
    assert f"{path}: bodies[bestyrelse].kind:" in result.output


def test_tenants_check_accepts_the_bundled_files(run):
    result = run("tenants", "check")
    assert result.exit_code == 0
    assert result.output.count(": ok") == 4
