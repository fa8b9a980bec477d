"""The audit log's one table: entries chained by hash, one chain per tenant."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.extensions import db
from core.models import UTCDateTime
from core.tenancy import TenantScoped


class AuditEntry(TenantScoped, db.Model):
    """One event (a vote cast, a vote changed, an outcome stored …), never changed again.

    ``hash`` is the SHA-256 of the entry's content and of ``prev_hash``, the previous
    entry's hash in the same tenant's chain; altering, removing or inserting a row breaks
    the chain at that row (docs/decisions/0006-audit-log-chained-by-hash.md).
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        # One entry per position: two writers cannot both extend the chain from one head.
        sa.UniqueConstraint("tenant_id", "seq"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The tenant whose chain this is. RESTRICT, not the CASCADE of other tenant-scoped
    #: tables: deleting a tenant must not take its audit log with it (the database refuses).
    tenant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tenants.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    #: Position in the tenant's chain, from 1, without gaps.
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: When the event happened (UTC, whole microseconds are hashed).
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: Who caused it (a user id), if a person did; kept as a plain number, not a foreign
    #: key, so removing a user cannot alter the log.
    actor_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: What happened, e.g. ``vote.cast``, ``motion.closed``.
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: What it happened to, e.g. ``motion:12``.
    subject: Mapped[str] = mapped_column(sa.String(128), nullable=False)
    #: The event's details (JSON of strings, integers, booleans, lists and objects).
    payload: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    #: The previous entry's hash ("" for the first entry of a tenant).
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: SHA-256 (hex) of this entry's content and ``prev_hash``.
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.tenant_id}/{self.seq} {self.action}>"



@sa.event.listens_for(Session, "before_flush")
def _append_only(session: Session, flush_context, instances) -> None:
    """The application only ever adds entries; changing or deleting one is a bug."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly(f"{obj!r} may not be changed or deleted")


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit entry through the ORM."""
