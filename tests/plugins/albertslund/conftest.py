"""Albertslund's tests may load it with the ALB-B10 standing items (fixtures.py)."""

from tests.plugins.albertslund.fixtures import albertslund_with_standing_items  # noqa: F401
