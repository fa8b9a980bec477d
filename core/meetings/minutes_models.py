"""The minutes of a meeting: their versions and entries, members' approvals and objections, and
the review rounds of a draft with their comments (tenant-scoped). Part of the meetings' models
(core/meetings/models.py, which names them too)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column, utcnow
from core.tenancy import TenantScoped


class MinutesVersion(TenantScoped, db.Model):
    """One version of a meeting's decision minutes (beslutningsreferat).

    Version 1 is the draft that is sent and approved; once approved it is immutable, and a
    correction is a new version carrying its reason.
    """

    __tablename__ = "minutes_versions"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "meeting_id", "number"),
        sa.CheckConstraint("number = 1 OR correction_reason <> ''", name="correction_has_reason"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting.
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: 1 for the minutes, 2… for corrections.
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: Why a correction was made (required from version 2).
    correction_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: When this version was approved (or, for a correction, issued); then it is immutable.
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Who wrote it.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    meeting = relationship("Meeting", back_populates="minutes_versions")
    entries = relationship(
        "MinutesEntry", back_populates="version", cascade="all, delete-orphan",
        order_by="MinutesEntry.id",
    )
    approvals = relationship(
        "MinutesApproval", back_populates="version", cascade="all, delete-orphan",
        order_by="MinutesApproval.id",
    )
    objections = relationship(
        "MinutesObjection", back_populates="version", cascade="all, delete-orphan",
        order_by="MinutesObjection.id",
    )


class MinutesEntry(TenantScoped, db.Model):
    """The minutes of one agenda item: the decision and any dissents (CORE-DISSENT)."""

    __tablename__ = "minutes_entries"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "version_id", "item_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The minutes version.
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The agenda item.
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The decision (beslutning) as recorded, for members.
    decision: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: For a confidential item: the decision without the confidential part, for the public
    #: (CORE-CLOSED-ITEMS).
    public_decision: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Dissents recorded on request (CORE-DISSENT): ``[{"by": "...", "text": "..."}]``.
    dissents: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: The result when a motion decided the item (adopted, rejected, not_quorate), written
    #: by the decisions feature when the motion closes; empty for a decision written by hand.
    result: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    #: The motion's explained outcome in Danish (who voted how, quorum, clauses).
    explanation: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    version = relationship("MinutesVersion", back_populates="entries")
    item = relationship("AgendaItem")


class MinutesApproval(TenantScoped, db.Model):
    """One member's approval of a minutes version (CORE-APPROVAL-MODE: by e-mail)."""

    __tablename__ = "minutes_approvals"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "version_id", "user_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The minutes version approved.
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The member who approved.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: When.
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    version = relationship("MinutesVersion", back_populates="approvals")
    user = relationship("User")


class MinutesObjection(TenantScoped, db.Model):
    """A member's objection to minutes sent for tacit approval: the minutes go back to the
    secretary, and the objection stays with the version it was made against."""

    __tablename__ = "minutes_objections"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The minutes version objected to.
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The member who objected.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: What the member objects to.
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: When the minutes objected to had been sent (each sending is a round of its own).
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: When.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    version = relationship("MinutesVersion", back_populates="objections")
    user = relationship("User")


class MinutesReview(TenantScoped, db.Model):
    """A review round of the draft minutes (gennemlæsning): the secretary sends the draft to
    the members for comments before sending it for approval. The round keeps the draft as it
    was sent (``snapshot``), so every version the members read stays readable after the
    draft changes (docs/decisions/0041-review-round-for-draft-minutes.md)."""

    __tablename__ = "minutes_reviews"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "meeting_id", "round"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting.
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The minutes version under review (the draft, version 1).
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: 1 for the first round, 2… when the secretary sends a changed draft again.
    round: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: The draft as sent: ``{item_id: {"decision": …, "public_decision": …}}``.
    snapshot: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: Optional deadline for comments.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Who sent it, and when.
    sent_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When the round ended: a new round was sent, or the minutes were sent for approval.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    meeting = relationship("Meeting", back_populates="minutes_reviews")
    comments = relationship(
        "MinutesReviewComment", back_populates="review", cascade="all, delete-orphan",
        order_by="MinutesReviewComment.id",
    )


class ReviewResolution(enum.Enum):
    #: The comment was accepted: the draft was changed.
    ACCEPTED = "accepted"
    #: The comment was answered with a reply; the draft stays.
    ANSWERED = "answered"


class MinutesReviewComment(TenantScoped, db.Model):
    """A member's comment on the draft minutes in a review round: on one item's entry, or
    (``item_id`` empty) on the minutes as a whole. The secretary resolves it: accepted (the
    draft changed; the entry before and after is kept in ``change``) or answered (a reply)."""

    __tablename__ = "minutes_review_comments"
    __table_args__ = (
        sa.Index("ix_minutes_review_comments_tenant_review", "tenant_id", "review_id"),
        sa.CheckConstraint("(resolution IS NULL) = (resolved_at IS NULL)", name="resolved_when"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting (for the walls and the meeting page).
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The round it was written in.
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes_reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The item commented on; empty for the minutes as a whole.
    item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: Who wrote it.
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: What the member wrote (emptied with the author's erasure).
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: When.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: Accepted or answered; empty while unresolved.
    resolution: Mapped[ReviewResolution | None] = mapped_column(
        enum_column(ReviewResolution, "review_resolution"), nullable=True
    )
    #: The secretary's reply (required when answered, optional when accepted).
    reply: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: For an accepted comment on an item: the entry before and after,
    #: ``{"before": {"decision": …, "public_decision": …}, "after": {…}}``.
    change: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    #: Who resolved it, and when.
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    review = relationship("MinutesReview", back_populates="comments")
    item = relationship("AgendaItem")
    author = relationship("User", foreign_keys=[author_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
