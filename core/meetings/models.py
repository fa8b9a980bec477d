"""Meetings, agenda items, attendance and delegated mandates (tenant-scoped)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column, situation_version_column, utcnow
from core.tenancy import TenantScoped


class MeetingKind(enum.Enum):
    #: Fixed in the annual plan.
    ORDINARY = "ordinary"
    #: Called outside the plan by those the rules allow (CORE-EXTRAORDINARY).
    EXTRAORDINARY = "extraordinary"


class MeetingState(enum.Enum):
    PLANNED = "planned"
    AGENDA_PUBLISHED = "agenda_published"
    #: The meeting sits: opened on its day by the meeting leader or the secretary; votes,
    #: objections and closing a motion happen only now (CORE-SESSION).
    IN_SESSION = "in_session"
    HELD = "held"
    MINUTES_SENT = "minutes_sent"
    MINUTES_APPROVED = "minutes_approved"
    CANCELLED = "cancelled"


class ItemKind(enum.Enum):
    #: B — beslutning.
    DECISION = "B"
    #: D — drøftelse.
    DISCUSSION = "D"
    #: O — orientering.
    INFORMATION = "O"


class AttendanceStatus(enum.Enum):
    #: Nothing recorded yet: the seat's holder is expected.
    EXPECTED = "expected"
    PRESENT = "present"
    #: Sent apologies (afbud).
    APOLOGIES = "apologies"
    ABSENT = "absent"


class ActingAs(enum.Enum):
    HOLDER = "holder"
    #: A substitute (suppleant) for this meeting only (CORE-SUBSTITUTE).
    SUBSTITUTE = "substitute"
    #: The holder of a delegated mandate (CORE-MANDATE).
    DELEGATE = "delegate"


class Meeting(TenantScoped, db.Model):
    """A meeting of a body."""

    __tablename__ = "meetings"
    __table_args__ = (sa.Index("ix_meetings_tenant_body_starts", "tenant_id", "body_id", "starts_at"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The body meeting.
    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Ordinary (annual plan) or extraordinary.
    kind: Mapped[MeetingKind] = mapped_column(
        enum_column(MeetingKind, "meeting_kind"), nullable=False, default=MeetingKind.ORDINARY
    )
    #: Where the meeting is in its life.
    state: Mapped[MeetingState] = mapped_column(
        enum_column(MeetingState, "meeting_state"), nullable=False, default=MeetingState.PLANNED
    )
    #: Optional title, e.g. "Budgetmøde".
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: When the meeting starts (UTC).
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: Planned length.
    duration_minutes: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=120)
    #: Place, e.g. "Rådhuset, mødelokale 2".
    location: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: Link for online participation.
    online_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    #: Who called an extraordinary meeting.
    called_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: Why it was called, and the clause that allowed it.
    call_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: When the agenda went out.
    agenda_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the meeting was opened (its session began, CORE-SESSION).
    session_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Who opened it: the meeting leader or the secretary.
    session_opened_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When the meeting was recorded as held (its session ended).
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the minutes went out.
    minutes_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the minutes were approved.
    minutes_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the meeting was cancelled.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Bumped when time or place change after the agenda went out (iCalendar SEQUENCE).
    revision: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: Why the meeting was cancelled.
    cancel_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The meeting at which these minutes were approved (CORE-APPROVAL-MODE), if approved at
    #: a meeting.
    minutes_approved_at_meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: How the minutes were approved (email, next_meeting, board), with the clause.
    minutes_approval: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    #: When the meeting was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: Changes whenever the meeting's attendance (or its body or day) changes: votes check
    #: it (core/decisions/operations/situation.py).
    situation_version: Mapped[str] = situation_version_column()

    body = relationship("Body")
    session_opened_by = relationship("User", foreign_keys=[session_opened_by_id])
    items = relationship(
        "AgendaItem", back_populates="meeting", cascade="all, delete-orphan",
        order_by="AgendaItem.position", foreign_keys="AgendaItem.meeting_id",
    )
    minutes_versions = relationship(
        "MinutesVersion", back_populates="meeting", cascade="all, delete-orphan",
        order_by="MinutesVersion.number",
    )
    minutes_reviews = relationship(
        "MinutesReview", back_populates="meeting", cascade="all, delete-orphan",
        order_by="MinutesReview.round",
    )
    breaches = relationship(
        "DeadlineBreach", back_populates="meeting", cascade="all, delete-orphan",
        order_by="DeadlineBreach.id",
    )
    attendances = relationship(
        "Attendance", back_populates="meeting", cascade="all, delete-orphan",
        order_by="Attendance.id",
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.state.value}>"


class AgendaItem(TenantScoped, db.Model):
    """An item on a meeting's agenda (dagsordenspunkt)."""

    __tablename__ = "agenda_items"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting.
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Order on the agenda, from 1.
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: B (decision), D (discussion) or O (information).
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "item_kind"), nullable=False)
    #: The item's heading.
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: Beslutningstema: what the body is asked to decide or discuss, in a few lines.
    decision_theme: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Sagsfremstilling: the case.
    case_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Økonomi: what the item costs or brings, and where the money comes from.
    economy: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Indstilling: what the administration recommends.
    recommendation: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: A closed item (lukket punkt), visible to the body's members only.
    is_confidential: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: Why it is closed (a forvaltningsloven § 27 category); required when closed.
    confidentiality_reason: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: What a closed item is called outside the platform (mails, calendars, the public
    #: pages), e.g. "Personalesag": set by the secretary, by default from the reason.
    public_title: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: The clause that puts this item on every agenda, for standing items (CORE-STANDING-ITEMS).
    standing_clause: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: Tags the rules read (``activity``, ``sub_agreement``, ``budget``, ``principle`` …).
    topics: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: The helhedsplan concerned, where that matters (rules may look at it).
    plan: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    #: The city district concerned (CORE-COMPETENCE).
    district: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    #: The member who asked for the item (CORE-SUBMISSION-DEADLINE-DAYS), if any.
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: Guests invited to this item only (CORE-GUESTS): ``[{name, organisation, email}]``.
    guests: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: For an item approving earlier minutes (CORE-APPROVAL-MODE): the meeting whose minutes
    #: it approves.
    approves_minutes_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When the item was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    meeting = relationship("Meeting", back_populates="items", foreign_keys=[meeting_id])
    #: The item's attachments as they are now: a replaced one is left out (it stays, with
    #: what was written on it, and says what replaced it).
    attachments = relationship(
        "Attachment", back_populates="item", cascade="all, delete-orphan", order_by="Attachment.id",
        primaryjoin="and_(AgendaItem.id == Attachment.item_id, Attachment.replaced_by_id.is_(None))",
    )

    def __repr__(self) -> str:
        return f"<AgendaItem {self.meeting_id}/{self.position}>"


class Attendance(TenantScoped, db.Model):
    """Who fills a seat at a meeting: the holder, a substitute, a delegate, or nobody."""

    __tablename__ = "attendances"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "meeting_id", "seat_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting.
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The seat.
    seat_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seats.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Present, sent apologies, absent, or not yet recorded.
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_column(AttendanceStatus, "attendance_status"), nullable=False,
        default=AttendanceStatus.EXPECTED,
    )
    #: The person filling the seat (the holder, a substitute or a delegate).
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: In what capacity the person fills the seat.
    acting_as: Mapped[ActingAs] = mapped_column(
        enum_column(ActingAs, "acting_as"), nullable=False, default=ActingAs.HOLDER
    )
    #: The rule's answer that allowed a substitute or delegate: reason, clause, source.
    verdict: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    #: When it was recorded.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    meeting = relationship("Meeting", back_populates="attendances")
    seat = relationship("Seat")
    person = relationship("User")


class MandateDelegation(TenantScoped, db.Model):
    """A seat's mandate handed to another organisation for a period (CORE-MANDATE)."""

    __tablename__ = "mandate_delegations"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The seat whose mandate is delegated.
    seat_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seats.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The organisation that now holds the mandate (e.g. the administering organisation).
    to_organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    #: The person who exercises it, if named.
    to_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: First day of the delegation.
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: Last day of the delegation.
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: The rule's answer that allowed it: reason, clause, source.
    verdict: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: Who recorded it.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was recorded.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    seat = relationship("Seat")
    to_organisation = relationship("Organisation")
    to_person = relationship("User", foreign_keys=[to_person_id])
    created_by = relationship("User", foreign_keys=[created_by_id])


class Disqualification(TenantScoped, db.Model):
    """A member disqualified (inhabil) on an agenda item (forvaltningsloven § 3,
    CORE-DISQUALIFIED): declared by the member, or recorded by the chair, the meeting leader
    or the secretary, with a short reason. Withdrawn before the item is decided, the row
    stays with when and by whom (nothing that has history is deleted)."""

    __tablename__ = "disqualifications"
    __table_args__ = (
        # one standing disqualification per member and item; withdrawn ones stay beside it
        sa.Index("uq_disqualifications_standing", "tenant_id", "item_id", "person_id", unique=True,
                 sqlite_where=sa.text("withdrawn_at IS NULL"),
                 postgresql_where=sa.text("withdrawn_at IS NULL")),
        sa.Index("ix_disqualifications_tenant_meeting", "tenant_id", "meeting_id"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting (for the walls, the page and the meeting's caches).
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The agenda item the member is disqualified on.
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The disqualified member.
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Why, in a few words (e.g. "Er i familie med ansøgeren").
    reason: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    #: Who declared or recorded it: the member, or the chair, meeting leader or secretary.
    declared_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was declared.
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When it was withdrawn (before the item was decided); empty while it stands.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Who withdrew it.
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )

    item = relationship("AgendaItem")
    meeting = relationship("Meeting")
    person = relationship("User", foreign_keys=[person_id])
    declared_by = relationship("User", foreign_keys=[declared_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class Attachment(TenantScoped, db.Model):
    """A file attached to an agenda item (bilag), stored on disk by its checksum."""

    __tablename__ = "attachments"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agenda item.
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The file name as uploaded.
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    #: MIME type (one of the allowed types).
    content_type: Mapped[str] = mapped_column(sa.String(127), nullable=False)
    #: Size in bytes.
    size_bytes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: SHA-256 of the content, hex; also the file's name in the store.
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: Pages: a PDF's own, 1 for an image, an Office file's rendition's once it is made.
    page_count: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: Who uploaded it.
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The attachment that replaced this one (a new version of the file), if any; a
    #: replaced attachment is no longer among its item's attachments.
    replaced_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachments.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was replaced.
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When it was uploaded.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    item = relationship("AgendaItem", back_populates="attachments")
    replaced_by = relationship("Attachment", remote_side=[id], foreign_keys=[replaced_by_id])


class BreachKind(enum.Enum):
    #: The agenda went out after the notice period started (CORE-NOTICE-DAYS).
    AGENDA_LATE = "agenda_late"
    #: The minutes went out after they were due (CORE-MINUTES-DUE-DAYS).
    MINUTES_LATE = "minutes_late"
    #: The minutes were approved after the approval deadline (CORE-APPROVAL-DUE-DAYS).
    APPROVAL_LATE = "approval_late"


class DeadlineBreach(TenantScoped, db.Model):
    """A deadline of the meeting rules that was missed, recorded when the late act happened."""

    __tablename__ = "deadline_breaches"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "meeting_id", "kind"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The meeting.
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Which deadline.
    kind: Mapped[BreachKind] = mapped_column(enum_column(BreachKind, "breach_kind"), nullable=False)
    #: When it was due.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: When the act happened.
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: The clause that sets the deadline.
    clause: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)

    meeting = relationship("Meeting", back_populates="breaches")


# The minutes' tables are in a module of their own (core/meetings/minutes_models.py); they
# belong to the meetings' models and are found here too.
from core.meetings.minutes_models import (  # noqa: E402,F401
    MinutesApproval,
    MinutesEntry,
    MinutesObjection,
    MinutesReview,
    MinutesReviewComment,
    MinutesVersion,
    ReviewResolution,
)
