"""The bundled plugins' tests (one folder per plugin, and files that compare them) use the
core tests' factory fixtures (tests/fixtures/): meetings, items and attendance, planned
meetings for proposals. A module that drives proposals imports the proposals' ``api``
(tests/fixtures/proposals.py) itself, as it replaces the meetings' one."""

from tests.fixtures.proposals import agenda, plan_meeting  # noqa: F401
