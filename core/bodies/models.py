"""Bodies (organs) and their seats: tenant-scoped, loaded from the tenant files."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.extensions import db
from core.models import enum_column, situation_version_column
from core.tenancy import TenantScoped


class BodyKind(enum.Enum):
    BOARD = "board"
    RESOURCE_GROUP = "resource_group"
    STEERING_GROUP = "steering_group"
    SECRETARIAT = "secretariat"
    FOLLOW_GROUP = "follow_group"
    COORDINATION_GROUP = "coordination_group"
    FORUM = "forum"
    DISTRICT_BOARD = "district_board"
    LOCAL_GROUP = "local_group"
    POLITICAL_COMMITTEE = "political_committee"
    THEME_GROUP = "theme_group"
    AREA_GROUP = "area_group"
    SUB_GROUP = "sub_group"
    EXECUTIVE_COMMITTEE = "executive_committee"


class Competence(enum.Enum):
    #: The body takes decisions.
    DECIDES = "decides"
    #: The body only prepares and recommends.
    ADVISES = "advises"
    #: The body decides within a narrow remit that its rules define.
    LIMITED = "limited"


class ApprovalMode(enum.Enum):
    #: Members approve the minutes by e-mail within a deadline (CORE-APPROVAL-MODE).
    EMAIL = "email"
    #: The minutes are approved at the next meeting (CORE-APPROVAL-MODE).
    NEXT_MEETING = "next_meeting"
    #: The board approves the minutes (CORE-APPROVAL-MODE).
    BOARD = "board"
    #: The minutes are approved tacitly when no member objects within ``approval_due_days``
    #: of their being sent (stiltiende godkendelse); an objection sends them back.
    TACIT = "tacit"
    #: The rules say nothing of approval.
    NONE = "none"


class SeatRole(enum.Enum):
    MEMBER = "member"
    CHAIR = "chair"
    MEETING_LEADER = "meeting_leader"
    SECRETARY = "secretary"
    OBSERVER = "observer"


def seat_valid_on(valid_from: date | None, valid_to: date | None, ended_on: date | None,
                  day: date) -> bool:
    """Whether a seat counts on ``day``: within its validity from the tenant file, and
    before the day it was ended (a seat ended today no longer counts today)."""
    return ((valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)
            and (ended_on is None or day < ended_on))


def seat_valid_on_sql(seat, day: date):
    """:func:`seat_valid_on` as an SQL condition on ``seat`` (the class or an alias)."""
    return sa.and_(
        sa.or_(seat.valid_from.is_(None), seat.valid_from <= day),
        sa.or_(seat.valid_to.is_(None), seat.valid_to >= day),
        sa.or_(seat.ended_on.is_(None), seat.ended_on > day),
    )


class Body(TenantScoped, db.Model):
    """A governance body: a board, a group, a forum or a committee of one tenant."""

    __tablename__ = "bodies"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "key"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Key within the tenant, from the tenant file (``bestyrelse``).
    key: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: Danish name, e.g. "Bestyrelsen".
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: What kind of body it is.
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"), nullable=False)
    #: Whether it decides, only advises, or decides within a limited remit.
    competence: Mapped[Competence] = mapped_column(
        enum_column(Competence, "competence"), nullable=False
    )
    #: The remit in one sentence, where it is limited.
    competence_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The body this one reports to, if any.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: First day the body works.
    period_start: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Last day the body works.
    period_end: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The day the body stopped counting, because its tenant file no longer names it
    #: (``tenants sync`` ends, never deletes); ``None`` while it is current.
    ended_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Minimum ordinary meetings a year (0: as needed).
    meetings_per_year: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: The agenda goes out at least this many days before a meeting.
    notice_days: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: The minutes go out at most this many days after a meeting.
    minutes_due_days: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: How the minutes are approved.
    approval_mode: Mapped[ApprovalMode] = mapped_column(
        enum_column(ApprovalMode, "approval_mode"), nullable=False, default=ApprovalMode.NONE
    )
    #: With e-mail approval: days after the meeting by which members approve.
    approval_due_days: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: Members may add agenda items until this many days before a meeting.
    submission_deadline_days: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: Typical length of a meeting.
    meeting_duration_minutes: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: The rule IDs (DOMAIN.md) that describe this body.
    clauses: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: Which clause each parameter comes from, e.g. ``{"notice_days": "<the kommissorium's clause>"}``.
    sources: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: Free-form facts that the tenant's rule plugins read (districts, grants …).
    extra: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: The rules chosen from the core's building blocks (``[bodies.rules]``; core/rules/configured.py).
    rules: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict, server_default="{}")
    #: Changes whenever the body, its seats or its information recipients change: votes
    #: check it (core/decisions/operations/situation.py).
    situation_version: Mapped[str] = situation_version_column()

    parent = relationship("Body", remote_side=[id])
    seats = relationship(
        "Seat",
        back_populates="body",
        cascade="all, delete-orphan",
        order_by="Seat.position",
    )
    information_recipients = relationship(
        "BodyRecipient", cascade="all, delete-orphan", order_by="BodyRecipient.id"
    )

    @property
    def decides(self) -> bool:
        return self.competence is not Competence.ADVISES

    def is_current_on(self, day: date) -> bool:
        """Not ended by that day: an ended body takes no new meetings and leaves the
        lists, while its past meetings keep it."""
        return self.ended_on is None or day < self.ended_on

    @property
    def is_ended(self) -> bool:
        return not self.is_current_on(clock.today())

    @property
    def current_seats(self) -> list[Seat]:
        """The seats not ended today (the body's page, its lists, its rules' facts)."""
        today = clock.today()
        return [s for s in self.seats if s.ended_on is None or today < s.ended_on]

    def seats_on(self, day: date) -> list[Seat]:
        """The seats valid on ``day`` (a meeting's seats: its attendance, its members)."""
        return [s for s in self.seats if s.is_valid_on(day)]

    @classmethod
    def current_sql(cls, day: date):
        """:meth:`is_current_on` as an SQL condition."""
        return sa.or_(cls.ended_on.is_(None), cls.ended_on > day)

    def __repr__(self) -> str:
        return f"<Body {self.key}>"


class Seat(TenantScoped, db.Model):
    """A position in a body, held by a person on behalf of an organisation."""

    __tablename__ = "seats"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "body_id", "key"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The body the seat belongs to.
    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Key within the body, from the tenant file (``va-formand``).
    key: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: Order of the seat in the body's list.
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: Danish title, e.g. "Formand for VA's organisationsbestyrelse".
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: The organisation the seat represents.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    #: The seat's role in the body.
    role: Mapped[SeatRole] = mapped_column(enum_column(SeatRole, "seat_role"), nullable=False)
    #: Whether the seat carries a vote.
    is_voting: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    #: First day the seat is valid.
    valid_from: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Last day the seat is valid.
    valid_to: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The day the seat stopped counting, because its tenant file no longer names it (or
    #: its body was ended); ``None`` while it is current. Unlike ``valid_to`` it is set by
    #: ``tenants sync``, not by the file, and the seat's past stays as it was.
    ended_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    body = relationship("Body", back_populates="seats")
    organisation = relationship("Organisation", lazy="joined")
    #: Who held the seat from when to when, oldest first (docs/decisions/0038-seat-holdings.md).
    holdings = relationship(
        "SeatHolding", back_populates="seat", cascade="all, delete-orphan", lazy="selectin",
        order_by="(SeatHolding.valid_from.is_not(None), SeatHolding.valid_from, SeatHolding.id)",
    )

    def is_valid_on(self, day: date) -> bool:
        return seat_valid_on(self.valid_from, self.valid_to, self.ended_on, day)

    def holding_on(self, day: date) -> SeatHolding | None:
        """The holding valid on ``day`` (a meeting's day: who sat then), or ``None`` while
        the seat was vacant. Holdings never overlap (core/bodies/seats.py refuses it)."""
        return next((h for h in self.holdings if h.is_valid_on(day)), None)

    def holder_on(self, day: date):
        """The person who held the seat on ``day``, or ``None``."""
        holding = self.holding_on(day)
        return holding.holder if holding is not None else None

    def holder_id_on(self, day: date) -> int | None:
        holding = self.holding_on(day)
        return holding.holder_id if holding is not None else None

    @property
    def current_holder(self):
        """Today's holder: the body's page, its lists, the tenant file's export."""
        return self.holder_on(clock.today())

    @property
    def current_holder_id(self) -> int | None:
        return self.holder_id_on(clock.today())

    @classmethod
    def held_by_sql(cls, user_id, day: date):
        """The seat is held by ``user_id`` on ``day``, as an SQL condition on ``Seat``."""
        return cls.id.in_(
            sa.select(SeatHolding.seat_id).where(SeatHolding.holder_id == user_id,
                                                 SeatHolding.valid_on_sql(day))
        )

    @classmethod
    def not_ended_sql(cls, day: date):
        """Not ended by ``day``, as an SQL condition."""
        return sa.or_(cls.ended_on.is_(None), cls.ended_on > day)

    def __repr__(self) -> str:
        return f"<Seat {self.key}>"


class SeatHolding(TenantScoped, db.Model):
    """Who held a seat from when to when: a seat's holder changes from a day, and a past
    meeting reads the holding valid on its day (its attendance, votes, minutes and
    compliance), never today's (docs/decisions/0038-seat-holdings.md). A period with no
    holding is a vacancy. Holdings are never deleted: a change closes the current one."""

    __tablename__ = "seat_holdings"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to",
                           name="to_after_from"),
        sa.Index("ix_seat_holdings_tenant_holder", "tenant_id", "holder_id"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The seat held.
    seat_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seats.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The person holding it.
    holder_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    #: First day held; ``None``: since the seat began (a holder the tenant file named
    #: before holdings had dates).
    valid_from: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Last day held; ``None`` while it lasts.
    valid_to: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    seat = relationship("Seat", back_populates="holdings")
    holder = relationship("User", lazy="joined")

    def is_valid_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))

    @classmethod
    def valid_on_sql(cls, day: date):
        """:meth:`is_valid_on` as an SQL condition."""
        return sa.and_(sa.or_(cls.valid_from.is_(None), cls.valid_from <= day),
                       sa.or_(cls.valid_to.is_(None), cls.valid_to >= day))

    def __repr__(self) -> str:
        return f"<SeatHolding {self.seat_id} {self.holder_id} {self.valid_from}–{self.valid_to}>"


class BodyRecipient(TenantScoped, db.Model):
    """An organisation that receives a body's agendas and minutes without a seat
    (CORE-INFORMATION-RECIPIENTS)."""

    __tablename__ = "body_recipients"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "body_id", "organisation_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The body whose material is received.
    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The receiving organisation.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )

    organisation = relationship("Organisation", lazy="joined")
