"""The notification outbox: one row per (kind, subject, recipient), delivered once."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import UTCDateTime, utcnow
from core.tenancy import TenantScoped


class Delivery:
    """What delivering a mail keeps (core/notifications/tasks.py): handed over, claimed,
    sent, or failed and why."""

    #: When ``tick`` last handed it to the job queue.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When a worker took it; a claim older than the lease may be taken again.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the SMTP server accepted it.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Delivery attempts so far.
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: The last delivery error.
    last_error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class Notification(Delivery, TenantScoped, db.Model):
    """An e-mail to send. The unique key makes writing it again a no-op (docs/decisions/0004)."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "kind", "subject", "recipient"),
        sa.Index("ix_notifications_tenant_sent", "tenant_id", "sent_at"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: What happened: ``agenda_published``, ``minutes_due`` … (core/notifications/operations.py).
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    #: What it is about, e.g. ``meeting:12`` or ``minutes:12:1``.
    subject: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    #: The recipient's e-mail address.
    recipient: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    #: When the row was written.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: A prepared mail's subject line, for a feature that writes its own message (hearing
    #: reminders); empty for the meetings' kinds, which are rendered when sent.
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: A prepared mail's text (see ``title``).
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The daily digest that carries this mail, for a recipient who chose one; set when the
    #: digest is put together, and ``sent_at`` when the digest is sent.
    digest_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mail_digests.id", ondelete="SET NULL"), nullable=True, index=True
    )


class MailDigest(Delivery, db.Model):
    """One person's daily digest: the day's mails of every tenant in one message (global
    table, as the person is; docs/decisions/0035). Its notifications are marked sent only
    together with it, so a digest that fails is sent again, whole, by a later ``tick``."""

    __tablename__ = "mail_digests"
    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person it goes to.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The day (Copenhagen time) it is the digest of: one per person and day.
    day: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: When it was put together.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
