"""The decisions fixtures (logged-in clients per person) for the bodies' tests."""

from tests.fixtures.decisions import member  # noqa: F401
