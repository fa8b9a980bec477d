"""A proposal's hearing (CORE-HEARING): the organisations asked, their answers (with how each
came: through the platform, a hearing contact's personal link, or on paper), the personal
links, and the reminders. Part of the proposals' models (core/proposals/models.py, which
names them too)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column, utcnow
from core.tenancy import TenantScoped


class ResponseKind(enum.Enum):
    #: The organisation sent comments.
    COMMENTS = "comments"
    #: The organisation has no comments ("ingen bemærkninger").
    NO_COMMENTS = "no_comments"


class ResponseChannel(enum.Enum):
    #: Given on the platform by someone who acts for the organisation (logged in).
    PLATFORM = "platform"
    #: Given through the organisation's hearing contact's personal link (no login).
    LINK = "link"
    #: Received on paper (or by mail) and recorded by the secretariat.
    PAPER = "paper"


class ReminderKind(enum.Enum):
    #: The deadline is near and the organisation has not answered.
    DEADLINE_NEAR = "deadline_near"
    #: The deadline has passed and the organisation has not answered.
    OVERDUE = "overdue"


class Hearing(TenantScoped, db.Model):
    """A hearing step: the organisations asked, and the deadline for their answers."""

    __tablename__ = "hearings"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "step_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The hearing step of the route.
    step_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal_steps.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Answers are due by then; later answers are recorded as late.
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: A reminder goes to those who have not answered this many days before the deadline.
    remind_days_before: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=3)
    #: When it was opened.
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: Who opened it.
    opened_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was closed and the answers collected.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    step = relationship("ProposalStep", back_populates="hearing")
    asked = relationship(
        "HearingOrganisation", back_populates="hearing", cascade="all, delete-orphan",
        order_by="HearingOrganisation.id",
    )
    responses = relationship(
        "HearingResponse", back_populates="hearing", cascade="all, delete-orphan",
        order_by="HearingResponse.id",
    )


class HearingOrganisation(TenantScoped, db.Model):
    """An organisation asked in a hearing."""

    __tablename__ = "hearing_organisations"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "hearing_id", "organisation_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The hearing.
    hearing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("hearings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The organisation asked.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )

    hearing = relationship("Hearing", back_populates="asked")
    organisation = relationship("Organisation", lazy="joined")


class HearingResponse(TenantScoped, db.Model):
    """An organisation's one answer in a hearing: comments, or "no comments"."""

    __tablename__ = "hearing_responses"
    # One answer per organisation per hearing, whatever races the requests run.
    __table_args__ = (sa.UniqueConstraint("tenant_id", "hearing_id", "organisation_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The hearing.
    hearing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("hearings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The organisation answering.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    #: Comments, or no comments.
    kind: Mapped[ResponseKind] = mapped_column(
        enum_column(ResponseKind, "hearing_response_kind"), nullable=False
    )
    #: The comments (empty for "no comments").
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Whether it came after the deadline.
    is_late: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    #: Who answered (for the organisation, or the secretariat recording an answer).
    responded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was received.
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: How it came: on the platform, through a hearing contact's link, or on paper.
    channel: Mapped[ResponseChannel] = mapped_column(
        enum_column(ResponseChannel, "hearing_response_channel"), nullable=False,
        default=ResponseChannel.PLATFORM, server_default=ResponseChannel.PLATFORM.value,
    )
    #: For an answer received on paper: who in the secretariat recorded it.
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: For an answer given through a personal link: the link (and so the contact) used.
    link_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("hearing_answer_links.id", ondelete="SET NULL"), nullable=True, index=True
    )

    hearing = relationship("Hearing", back_populates="responses")
    organisation = relationship("Organisation", lazy="joined")
    responded_by = relationship("User", foreign_keys=[responded_by_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    link = relationship("HearingAnswerLink", foreign_keys=[link_id])


class HearingAnswerLink(TenantScoped, db.Model):
    """A hearing contact's personal link: it answers one hearing for one organisation, and
    nothing else, without a login (docs/decisions/0037-hearing-answer-links.md).

    The token is never stored: only its SHA-256 (``token_hash``). The token is an HMAC of
    ``nonce`` under the platform's secret key, so the mail that carries it can be rendered
    again when it is delivered (or retried), while a copy of the database alone neither
    holds nor can make a working link."""

    __tablename__ = "hearing_answer_links"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "hearing_id", "organisation_id", "email"),
        sa.UniqueConstraint("token_hash"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The hearing it answers.
    hearing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("hearings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The organisation it answers for.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    #: The hearing contact's address (the tenant file's ``hearing_contacts``).
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    #: The hearing contact's name, if the tenant file gives one.
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: Random; the token is HMAC-SHA256(secret key, nonce).
    nonce: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: SHA-256 of the token, hex: what a request's token is looked up by.
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: When it was made (the hearing was opened).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: After this it opens nothing: the hearing's deadline plus the grace for late answers.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: When it was used to answer; it opens nothing afterwards.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    hearing = relationship("Hearing")
    organisation = relationship("Organisation", lazy="joined")


class HearingReminder(TenantScoped, db.Model):
    """A reminder due to an organisation that has not answered a hearing; the notification
    outbox delivers it. One per kind per organisation per hearing, so a repeated tick
    writes nothing twice."""

    __tablename__ = "hearing_reminders"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "hearing_id", "organisation_id", "kind"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The hearing.
    hearing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("hearings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The organisation reminded.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    #: Deadline near, or overdue.
    kind: Mapped[ReminderKind] = mapped_column(
        enum_column(ReminderKind, "hearing_reminder_kind"), nullable=False
    )
    #: When it became due.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: When the row was written.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When the outbox delivered it (``None`` until then).
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    hearing = relationship("Hearing")
    organisation = relationship("Organisation", lazy="joined")
