"""Background work for proposals: writing the hearing reminders that are due.

The periodic tick enqueues :func:`write_due_hearing_reminders`; the rows it writes are the
notification outbox's to deliver (one per kind per organisation per hearing, so repeating
the job writes nothing twice).
"""

from __future__ import annotations

from datetime import datetime

from core import clock
from core.extensions import db
from core.jobs import job
from core.proposals import operations
from core.tenancy import all_tenants


@job
def write_due_hearing_reminders(now_iso: str | None = None) -> int:
    """Write every tenant's due hearing reminders; returns how many were written."""
    now = datetime.fromisoformat(now_iso) if now_iso else clock.now()
    with all_tenants():
        rows = operations.write_hearing_reminders(now)
        db.session.commit()
    return len(rows)
