"""The proposals tests use the fixtures in tests/fixtures/proposals.py."""

from tests.fixtures.proposals import agenda, api, plan_meeting  # noqa: F401
from tests.plugins.albertslund.fixtures import albertslund_with_standing_items  # noqa: F401
