"""The notification outbox's door: a mail handed over by any feature is a row here, once per
(kind, subject, recipient), delivered by the tick (core/notifications/operations.py). It
imports nothing of the features, so a feature below notifications (the proposals' hearings)
hands its mails over without a circle (tests/test_import_structure.py)."""

from __future__ import annotations

from datetime import datetime

from core import clock
from core.extensions import db
from core.notifications.models import Notification


def _unique(emails) -> list[str]:
    seen, out = set(), []
    for e in emails:
        if e and e.lower() not in seen:
            seen.add(e.lower())
            out.append(e.lower())
    return out


def write_prepared(tenant_id: int, kind: str, subject: str, recipients: list[str], *,
                   title: str, text: str, now: datetime | None = None) -> int:
    """Put a prepared mail (``title``, ``text``) in the outbox for each recipient, once per
    (kind, subject, recipient); the next ``tick`` hands it to delivery. Returns how many
    rows were new."""
    return _write(tenant_id, kind, subject, recipients, now or clock.now(), title=title, text=text)


def write_notifications(tenant_id: int, kind: str, subject: str, recipients: list[str], *,
                        now: datetime | None = None) -> int:
    """Put a mail that is worded when it is delivered (:mod:`core.notifications.mails`
    composes it from ``kind`` and ``subject``) in the outbox for each recipient, once per
    (kind, subject, recipient). Returns how many rows were new."""
    return _write(tenant_id, kind, subject, recipients, now or clock.now())


def _write(tenant_id: int, kind: str, subject: str, recipients: list[str], now: datetime, *,
           title: str = "", text: str = "") -> int:
    """Insert the rows that do not exist yet; an existing (kind, subject, recipient) is left alone."""
    if not recipients:
        return 0
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(Notification.__table__).values([
        {"tenant_id": tenant_id, "kind": kind, "subject": subject, "recipient": r,
         "created_at": now, "attempts": 0, "last_error": "", "title": title, "text": text}
        for r in _unique(recipients)
    ]).on_conflict_do_nothing(
        index_elements=["tenant_id", "kind", "subject", "recipient"]
    ).returning(Notification.__table__.c.id)
    # RETURNING gives the rows actually inserted (rowcount is -1 for this on psycopg).
    return len(db.session.execute(stmt).all())
