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
    first = run("tenants", "sync", str(path), "--yes")
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


def test_demo_sets_up_the_four_tenants_and_prints_a_login_each(run, client):
    result = run("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    logins = result.output.split("Demo logins (password: demo):")[1].strip().splitlines()
    secretaries = [line for line in logins if line.endswith("(sekretariatet)")]
    assert len(secretaries) == 4
    email = next(word for word in secretaries[0].split() if "@" in word)
    resp = client.post("/api/v1/auth/login", json={"email": email, "password": "demo"})
    assert resp.status_code == 200
    assert resp.get_json()["tenants"][0]["is_admin"] is True
