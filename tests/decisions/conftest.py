"""The decisions tests use the factory fixtures in tests/fixtures/decisions.py."""

from tests.fixtures.decisions import (  # noqa: F401
    attend,
    create_item,
    create_meeting,
    decision_item,
    meeting_of,
    member,
)
