"""The meetings' clock: the one ``now()`` every meeting operation reads.

The other modules call it as ``clock.now()`` (never ``from … import now``), so a test or
the demo that sets the clock (``monkeypatch.setattr(clock, "now", …)``; tests/fixtures/
meetings.py's ``clock``, core/demo.py's ``at``) is seen everywhere at once.
"""

from __future__ import annotations

from datetime import datetime

from core.models import utcnow


def now() -> datetime:
    """The current time; one function, so tests can set the clock."""
    return utcnow()
