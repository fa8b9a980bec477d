"""Fixtures for the identity tests: a real SMTP server and a real OIDC provider."""

from tests.fixtures.oidc_provider import oidc_provider  # noqa: F401
from tests.fixtures.smtp import smtp_server  # noqa: F401
