"""Generated documents: a meeting's agenda, minutes and board book per audience, and an
Office attachment's PDF rendition, made once per content (tenant-scoped); the PDF itself is
in the one store for files (core/storage.py) under ``sha256``."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import UTCDateTime, utcnow
from core.tenancy import TenantScoped


class GeneratedDocument(TenantScoped, db.Model):
    """A PDF made from the data it shows, found again by the hash of that data
    (docs/decisions/0028-meeting-documents-as-pdf.md)."""

    __tablename__ = "generated_documents"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "content_key", name="uq_generated_documents_tenant_id_content_key"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``agenda``, ``minutes``, ``book`` or ``rendition``.
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    #: ``public`` or ``members`` (closed items' content); empty for a rendition.
    audience: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    #: The meeting, for an agenda, minutes or book.
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The attachment, for a rendition.
    attachment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachments.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: SHA-256 of what was rendered (the values, the templates, the attachments' checksums).
    content_key: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: SHA-256 of the PDF: its ETag.
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: Size of the PDF in bytes.
    size_bytes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: Pages.
    page_count: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: The PDF as stored before the one store (migration f002 copied it there, under
    #: ``sha256``); no longer written or read, kept so nothing of the history is dropped.
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True, deferred=True)
    #: How long rendering took, in milliseconds.
    render_ms: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: When it was made.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
