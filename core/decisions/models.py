"""Motions, votes, secret ballots, objections and dissents (tenant-scoped)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column, utcnow
from core.tenancy import TenantScoped


class MotionPhase(enum.Enum):
    #: Consensus is sought or the meeting leader's conclusion stands unless someone
    #: objects (the ``decision_procedure`` rule, CORE-PROCEDURE).
    DELIBERATION = "deliberation"
    #: Votes are being cast.
    VOTING = "voting"
    #: Decided (or lapsed); the outcome is stored and the motion takes no more votes.
    CLOSED = "closed"


class MotionResult(enum.Enum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    #: The meeting was not quorate when the motion closed: nothing was decided.
    NOT_QUORATE = "not_quorate"


class ProcedureKind(enum.Enum):
    VOTE = "vote"
    CONSENSUS_THEN_MAJORITY = "consensus_then_majority"
    NO_OBJECTION = "no_objection"


class VoteChoice(enum.Enum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class CastAs(enum.Enum):
    HOLDER = "holder"
    SUBSTITUTE = "substitute"
    DELEGATE = "delegate"


class Majority(enum.Enum):
    #: More yes than no votes; a tie fails.
    SIMPLE = "simple"
    #: At least two thirds of the yes and no votes.
    TWO_THIRDS = "two_thirds"


class Motion(TenantScoped, db.Model):
    """The proposed decision on a decision item (B), run by the body's procedure."""

    __tablename__ = "motions"
    __table_args__ = (
        # One motion per item: the item's decision (a lapsed motion is carried to a new item).
        sa.UniqueConstraint("tenant_id", "item_id"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The decision item.
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The proposed decision, or the meeting leader's stated conclusion (CORE-PROCEDURE).
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: How the body decides it, from the decision_procedure rule.
    procedure: Mapped[ProcedureKind] = mapped_column(
        enum_column(ProcedureKind, "procedure_kind"), nullable=False
    )
    #: The procedure rule's answer: reason, clause, source.
    procedure_rule: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    #: The competence rule's answer that allowed the motion.
    competence_rule: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    #: Where the motion is.
    phase: Mapped[MotionPhase] = mapped_column(
        enum_column(MotionPhase, "motion_phase"), nullable=False
    )
    #: Secret ballot: who voted is kept, how each unit voted is not (a core option).
    is_secret: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: Weighted units: the body's ``vote_weights`` apply (a core option).
    is_weighted: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: The majority required (a core option).
    majority: Mapped[Majority] = mapped_column(
        enum_column(Majority, "majority"), nullable=False, default=Majority.SIMPLE
    )
    #: The quorum rule's answer when the motion was opened.
    quorum_at_open: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    #: The quorum rule's answer when voting opened (None until it does).
    quorum_at_voting: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    #: Who opened it.
    opened_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was opened.
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When voting opened.
    voting_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Who closed it.
    closed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was closed.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Adopted, rejected or not quorate (None while open).
    result: Mapped[MotionResult | None] = mapped_column(
        enum_column(MotionResult, "motion_result"), nullable=True
    )
    #: The explained outcome: counts, units and their votes, quorum, provenance, and the
    #: explanation in Danish and English (None while open).
    outcome: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)

    item = relationship("AgendaItem")
    votes = relationship("Vote", back_populates="motion", order_by="Vote.id")
    objections = relationship("Objection", back_populates="motion", order_by="Objection.id")
    dissents = relationship("Dissent", back_populates="motion", order_by="Dissent.id")

    def __repr__(self) -> str:
        return f"<Motion {self.id} {self.phase.value}>"


class Vote(TenantScoped, db.Model):
    """A unit's vote on a motion. One per unit: a database constraint, not only a check."""

    __tablename__ = "votes"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "motion_id", "unit_key"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The motion.
    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The unit's key from the vote_units rule, e.g. ``org:AKB`` or ``seat:formand``.
    unit_key: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: The unit's label, e.g. ``AKB``.
    unit_label: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: The unit's weight when the vote was cast.
    weight: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    #: The choice; None in a secret ballot (the choice is in ``secret_ballots``, unlinked).
    choice: Mapped[VoteChoice | None] = mapped_column(
        enum_column(VoteChoice, "vote_choice"), nullable=True
    )
    #: The person who cast it.
    cast_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: In what capacity that person was present (holder, substitute, delegate).
    cast_as: Mapped[CastAs] = mapped_column(enum_column(CastAs, "cast_as"), nullable=False)
    #: The meeting leader or secretary who recorded the vote as given in the room (a show of
    #: hands); ``None`` when the representative cast it themselves.
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was cast.
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When it was last changed, if ever.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    motion = relationship("Motion", back_populates="votes")
    cast_by = relationship("User", foreign_keys=[cast_by_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    changes = relationship("VoteChange", back_populates="vote", order_by="VoteChange.id")


def _ballot_id() -> str:
    return uuid.uuid4().hex


class SecretBallot(TenantScoped, db.Model):
    """A choice in a secret ballot, with no link to the unit or person that cast it.

    The random key and the absence of a timestamp keep the row from being matched to the
    :class:`Vote` that records the unit's participation.
    """

    __tablename__ = "secret_ballots"

    #: Random primary key (no order to correlate with the votes).
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=_ballot_id)
    #: The motion.
    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The choice.
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice, "vote_choice"), nullable=False)
    #: The weight of the unit that cast it.
    weight: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)


class VoteChange(TenantScoped, db.Model):
    """A changed vote, kept with what it was before (also in the audit log)."""

    __tablename__ = "vote_changes"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The vote changed.
    vote_id: Mapped[int] = mapped_column(
        sa.ForeignKey("votes.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The choice before.
    from_choice: Mapped[VoteChoice] = mapped_column(
        enum_column(VoteChoice, "from_choice"), nullable=False
    )
    #: The choice after.
    to_choice: Mapped[VoteChoice] = mapped_column(
        enum_column(VoteChoice, "to_choice"), nullable=False
    )
    #: Who changed it.
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    vote = relationship("Vote", back_populates="changes")


class Objection(TenantScoped, db.Model):
    """An objection to a conclusion or to consensus: it turns the motion into a vote 
    (CORE-PROCEDURE)."""

    __tablename__ = "objections"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The motion.
    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The unit the objector represents.
    unit_key: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: The unit's label.
    unit_label: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Who objected.
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: Why, in the objector's words.
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: When.
    objected_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    motion = relationship("Motion", back_populates="objections")
    person = relationship("User")


class Dissent(TenantScoped, db.Model):
    """A member's dissent (særstandpunkt), recorded on request for the minutes (CORE-DISSENT)."""

    __tablename__ = "dissents"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "motion_id", "person_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The motion.
    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The member dissenting.
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The organisation of the seat the member filled.
    organisation: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    #: The dissent as it goes into the minutes.
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: The clause the ``dissent_allowed`` rule answered with (CORE-DISSENT, or the tenant's).
    clause: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: When it was recorded.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    motion = relationship("Motion", back_populates="dissents")
    person = relationship("User")


# ------------------------------------------------------------------ written procedure


class WrittenState(enum.Enum):
    #: Put to the voting units; answers are taken until the deadline.
    OPEN = "open"
    #: Decided by written procedure (the ``written_procedure_outcome`` rule).
    DECIDED = "decided"
    #: Not decided: an objection, or the deadline passed without every answer; what
    #: happens then is the ``written_procedure_fallback`` rule's (by default the next
    #: meeting's agenda, with the answers).
    NOT_DECIDED = "not_decided"


class WrittenChoice(enum.Enum):
    AGREE = "agree"
    OBJECT = "object"
    ABSTAIN = "abstain"


class WrittenProcedure(TenantScoped, db.Model):
    """A proposed decision put to a body's voting units between meetings, with a deadline
    (skriftlig behandling; docs/decisions/0039-written-procedure.md)."""

    __tablename__ = "written_procedures"
    __table_args__ = (sa.Index("ix_written_procedures_tenant_state", "tenant_id", "state"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The body whose voting units answer.
    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The matter's title.
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: The proposed decision, as it is decided if it is.
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: The case (sagsfremstilling), if any.
    case_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The recommendation (indstilling), if any.
    recommendation: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Tags the rules read (``budget``, ``sub_agreement`` …), as on an agenda item.
    topics: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: The helhedsplan concerned, where that matters to the rules.
    plan: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    #: When answers stop being taken; the tick closes it then.
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: Where it is.
    state: Mapped[WrittenState] = mapped_column(
        enum_column(WrittenState, "written_state"), nullable=False, default=WrittenState.OPEN
    )
    #: Who put it to the units.
    started_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: The answers of the rules that let it start (``written_procedure_allowed``,
    #: ``body_competence``): reason, clause, source of each.
    start_rules: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: When it closed (None while open).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The explained outcome (units and answers, the rules' answers with their clauses,
    #: the explanation in Danish and English); None while open.
    outcome: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    #: The meeting whose agenda it was put on after it closed (decided: for the minutes;
    #: not decided: to be decided there), once it is.
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The agenda item it became on that meeting.
    item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True, index=True
    )

    body = relationship("Body")
    started_by = relationship("User", foreign_keys=[started_by_id])
    meeting = relationship("Meeting")
    item = relationship("AgendaItem")
    answers = relationship("WrittenAnswer", back_populates="procedure",
                           order_by="WrittenAnswer.id")

    def __repr__(self) -> str:
        return f"<WrittenProcedure {self.id} {self.state.value}>"


class WrittenAnswer(TenantScoped, db.Model):
    """A voting unit's answer in a written procedure. One per unit: a database
    constraint, as for a vote."""

    __tablename__ = "written_answers"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "procedure_id", "unit_key"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The written procedure.
    procedure_id: Mapped[int] = mapped_column(
        sa.ForeignKey("written_procedures.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The unit's key from the vote_units rule, e.g. ``org:AKB`` or ``seat:formand``.
    unit_key: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: The unit as members know it (VA, Albertslund Kommune).
    unit_label: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Agree, object or abstain.
    choice: Mapped[WrittenChoice] = mapped_column(
        enum_column(WrittenChoice, "written_choice"), nullable=False
    )
    #: Why, in the answerer's words (required for an objection).
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Who answered for the unit.
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: In what capacity: the seat's holder, or the holder of a delegated mandate.
    answered_as: Mapped[CastAs] = mapped_column(enum_column(CastAs, "cast_as"), nullable=False)
    #: When.
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    procedure = relationship("WrittenProcedure", back_populates="answers")
    answered_by = relationship("User", foreign_keys=[answered_by_id])
