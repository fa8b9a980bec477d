"""rq jobs for notifications: deliver one outbox row. Jobs take plain ids (STYLE.md)."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from core import clock
from core.extensions import db
from core.jobs import job
from core.tenancy import tenant_scope

log = logging.getLogger(__name__)

#: A worker's claim on a row; after this a crashed worker's row may be taken again.
LEASE = timedelta(minutes=10)


@job
def deliver(tenant_id: int, notification_id: int) -> str:
    """Send one notification, at most once at a time: the row is claimed with a conditional
    UPDATE, so two jobs for the same row (a repeated tick, an rq retry) cannot both send.

    On failure the error is recorded and the exception re-raised, so rq retries the job; if
    every retry fails, or Redis loses the job, a later ``tick`` hands the row over again.
    """
    from core.notifications.models import Notification
    from core.notifications.operations import render, send_email
    from core.tenants.models import Tenant

    with tenant_scope(tenant_id):
        if not claim(Notification, notification_id):
            return "skipped"
        notification = db.session.get(Notification, notification_id)
        try:
            tenant = db.session.get(Tenant, tenant_id)
            send_email(render(notification, tenant))
        except Exception as exc:
            record_failure(Notification, notification_id, exc)
            raise
        notification.sent_at = clock.now()
        notification.last_error = ""
        db.session.commit()
        return "sent"


def claim(model, row_id: int) -> bool:
    """Take an unsent row of ``model`` (an outbox row, a digest) for sending, unless another
    worker holds it within the lease: a conditional UPDATE, committed. Counts the attempt."""
    now = clock.now()
    claimed = db.session.execute(
        sa.update(model)
        .where(
            model.id == row_id,
            model.sent_at.is_(None),
            sa.or_(model.claimed_at.is_(None), model.claimed_at < now - LEASE),
        )
        .values(claimed_at=now, attempts=model.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def record_failure(model, row_id: int, exc: Exception) -> None:
    """Keep why sending failed, and let the row be claimed again (nothing else it did stays)."""
    db.session.rollback()
    row = db.session.get(model, row_id)
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    row.claimed_at = None
    db.session.commit()
