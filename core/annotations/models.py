"""Notes and comments on agenda items and their attachments (tenant-scoped)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column, utcnow
from core.tenancy import TenantScoped


class AnnotationKind(enum.Enum):
    #: A private note: read by its author only.
    NOTE = "note"
    #: A comment: read by the body's members and its secretariat, with replies.
    COMMENT = "comment"


class Annotation(TenantScoped, db.Model):
    """A note or a comment on an agenda item, or on a page of one of its attachments.

    It belongs to the item, not to a version of the agenda, so it stays while the agenda
    changes; on an attachment it belongs to that file, so when the file is replaced it stays
    with the old version, which names the new one."""

    __tablename__ = "annotations"
    __table_args__ = (
        sa.Index("ix_annotations_tenant_item", "tenant_id", "item_id"),
        sa.CheckConstraint("page IS NULL OR page >= 1", name="page_from_one"),
        sa.CheckConstraint("page IS NULL OR attachment_id IS NOT NULL", name="page_of_an_attachment"),
        sa.CheckConstraint("reply_to_id IS NULL OR kind = 'comment'", name="only_comments_reply"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: A private note or a comment.
    kind: Mapped[AnnotationKind] = mapped_column(
        enum_column(AnnotationKind, "annotation_kind"), nullable=False
    )
    #: The meeting of the item (what the meeting page's cache is invalidated by).
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The agenda item written on.
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The attachment written on, if any (the version it was written on).
    attachment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachments.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The attachment's page, from 1, if on a page.
    page: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: For a reply: the comment it answers (the first of its thread).
    reply_to_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("annotations.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: Who wrote it.
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: What was written; empty once removed.
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: When it was written.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When its text was last changed.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When a comment was removed (by its author, or with the author's erasure): its place
    #: in the thread stays, its text is gone.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    item = relationship("AgendaItem")
    attachment = relationship("Attachment")
    author = relationship("User")
    replies = relationship(
        "Annotation", order_by="Annotation.id", cascade="all, delete-orphan",
        back_populates="reply_to",
    )
    reply_to = relationship("Annotation", remote_side=[id], back_populates="replies")

    @property
    def where(self) -> dict:
        """Where it was written, as plain values: the attachment (and whether that version
        was replaced since, and by which), the page; all ``None`` for the item itself."""
        att = self.attachment
        if att is None:
            return {"attachment_id": None, "filename": None, "page": None, "replaced": False,
                    "replaced_by_id": None}
        return {"attachment_id": att.id, "filename": att.filename, "page": self.page,
                "replaced": att.replaced_by_id is not None, "replaced_by_id": att.replaced_by_id}

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def __repr__(self) -> str:
        return f"<Annotation {self.id} {self.kind.value} item {self.item_id}>"
