"""The proposals tests use the fixtures in tests/fixtures/proposals.py."""

from tests.fixtures.proposals import agenda, api, plan_meeting  # noqa: F401
