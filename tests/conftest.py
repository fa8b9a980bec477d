"""The project's own tests use the fixtures in core.testing (also offered to plugin authors)."""

import socket
from pathlib import Path

import pytest

HERE = Path(__file__).parent
#: Tests that `make test` (pytest-xdist, ``--dist loadgroup``) runs in one worker, one after
#: another: those that start a stack of their own (a PostgreSQL cluster, redis-server,
#: gunicorn, rq workers) and the browser tests (one Chromium per run, not per worker).
SERIAL_GROUPS = {
    HERE / "faults": "stack",
    HERE / "test_production_run.py": "stack",
    HERE / "e2e": "browser",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for where, group in SERIAL_GROUPS.items():
            if item.path == where or where in item.path.parents:
                item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch):
    """Tests talk to loopback services only; any other address fails the test."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host in ("localhost", "::1") or host.startswith("127.") or host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach {address!r}; only loopback is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def kommissorium_plugins():
    """The tests' own rule plugin ``testby`` (tests/fixtures/testby_plugin.py): registered
    here only, never installed, and seen only by the tenant that names it (Testby)."""
    from tests.fixtures import testby_plugin

    return {testby_plugin.NAME: testby_plugin}


@pytest.fixture(scope="session")
def kommissorium_tenant_dirs():
    """``sync_tenant("testby")`` finds the tests' own tenant files before the bundled ones."""
    from core.config import PROJECT_ROOT

    return [HERE / "fixtures", PROJECT_ROOT / "tenants"]


pytest_plugins = [
    "tests.fixtures.meetings", "tests.fixtures.mail", "tests.fixtures.testby", "tests.fixtures.browser",
]
