"""The core's browser tests (tests/fixtures/browser.py has the browser, the served app and
the visitor that checks every page with axe and for sideways scrolling)."""

from tests.fixtures.decisions import (  # noqa: F401
    attend,
    create_item,
    create_meeting,
    decision_item,
    meeting_of,
)
