"""The project's own tests use the fixtures in core.testing (also offered to plugin authors)."""

import socket

import pytest


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

pytest_plugins = ["tests.fixtures.meetings", "tests.fixtures.mail"]
