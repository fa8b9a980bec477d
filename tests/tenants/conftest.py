"""Sync tests that need meetings and decisions use the decisions' factory fixtures."""

from tests.fixtures.decisions import (  # noqa: F401
    attend,
    create_item,
    create_meeting,
    decision_item,
    meeting_of,
    member,
)
