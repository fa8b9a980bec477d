"""Proposals (indstillinger) routed between bodies, their hearings and follow-ups.

A proposal starts in a body with its text, attachments and the decision it asks for. Its
route comes from the tenant's rules when it starts and is stored as steps; each step lands
as an agenda item on a meeting of the target body, or as a hearing in organisations. The
history keeps every move: who made it, when, and the decision at each body.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column, utcnow
from core.tenancy import TenantScoped


class ProposalState(enum.Enum):
    #: On its way along the route.
    IN_PROGRESS = "in_progress"
    #: The deciding body adopted it.
    ADOPTED = "adopted"
    #: The deciding body rejected it.
    REJECTED = "rejected"
    #: A body on the way did not carry it on (did not recommend or forward it).
    STOPPED = "stopped"


class StepKind(enum.Enum):
    #: Handled by a body, as an item on one of its meetings.
    BODY = "body"
    #: A hearing in organisations.
    HEARING = "hearing"


class StepState(enum.Enum):
    #: Not reached yet.
    WAITING = "waiting"
    #: Where the proposal is now.
    ACTIVE = "active"
    #: Dealt with.
    DONE = "done"
    #: Never reached: the proposal ended earlier.
    NOT_REACHED = "not_reached"


class StepOutcome(enum.Enum):
    #: A decision: adopted.
    ADOPTED = "adopted"
    #: A decision: rejected.
    REJECTED = "rejected"
    #: A position (recommend, revise, forward): carried on.
    CARRIED_ON = "carried_on"
    #: A position: not carried on; the proposal stops here.
    NOT_CARRIED_ON = "not_carried_on"
    #: A hearing closed with the answers collected.
    HEARD = "heard"


class FollowUpState(enum.Enum):
    OPEN = "open"
    DONE = "done"


class Proposal(TenantScoped, db.Model):
    """A proposal (indstilling) from one body to others, along a route from the rules."""

    __tablename__ = "proposals"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The body the proposal starts in.
    origin_body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Who raised it (a member, the secretariat, or anyone where the rules allow, CORE-ORIGIN).
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The heading.
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: The case: what the proposal is about (sagsfremstilling).
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: The decision it asks for (indstilling: "… indstiller, at …").
    decision_sought: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: Tags the rules read (``sub_agreement``, ``activity``, ``principle``, an effort area …).
    topics: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: The helhedsplan concerned, where that matters (CORE-COMPETENCE).
    plan: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    #: The city district concerned (CORE-COMPETENCE).
    district: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    #: Where it is in its life.
    state: Mapped[ProposalState] = mapped_column(
        enum_column(ProposalState, "proposal_state"), nullable=False,
        default=ProposalState.IN_PROGRESS,
    )
    #: Why the route is as it is (the rule's reason, Danish).
    route_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The clause the route comes from (CORE-ROUTE, or the tenant's).
    route_clause: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: The plugin that gave the route (``core`` for the default).
    route_source: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="core")
    #: The rule's answer that allowed the proposer to start it: reason, clause, source.
    origin_verdict: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: When it started.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When it was adopted, rejected or stopped.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    origin_body = relationship("Body")
    proposed_by = relationship("User")
    steps = relationship(
        "ProposalStep", back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalStep.position",
    )
    events = relationship(
        "ProposalEvent", back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalEvent.id",
    )
    attachments = relationship(
        "ProposalAttachment", back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalAttachment.id",
    )
    follow_ups = relationship(
        "FollowUpTask", back_populates="proposal", cascade="all, delete-orphan",
        order_by="FollowUpTask.id",
    )

    @property
    def current_step(self) -> ProposalStep | None:
        return next((s for s in self.steps if s.state is StepState.ACTIVE), None)

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.state.value}>"


class ProposalStep(TenantScoped, db.Model):
    """One step of a proposal's route, as the rules gave it when the proposal started."""

    __tablename__ = "proposal_steps"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "proposal_id", "position"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The proposal.
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Order along the route, from 1.
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: A body's handling or a hearing.
    kind: Mapped[StepKind] = mapped_column(enum_column(StepKind, "proposal_step_kind"), nullable=False)
    #: What the body does: decide, recommend, revise, forward; ``hear`` for a hearing.
    action: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    #: The body that handles the step (``None`` for a hearing).
    body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: For a hearing: the codes of the organisations the rules say are asked.
    organisations: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: The clause that puts this step on the route.
    clause: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: Waiting, active, done, or never reached.
    state: Mapped[StepState] = mapped_column(
        enum_column(StepState, "proposal_step_state"), nullable=False, default=StepState.WAITING
    )
    #: What came of it.
    outcome: Mapped[StepOutcome | None] = mapped_column(
        enum_column(StepOutcome, "proposal_step_outcome"), nullable=True
    )
    #: The body's decision or position, in its own words (beslutning).
    decision_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: How the decision was taken: the secretary's record, or a motion on the agenda item,
    #: with the competence rule's answer.
    provenance: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    #: The meeting the step was placed on, if any.
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The agenda item created for the step, if any.
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The standing item for incoming recommendations it sits under, where one exists.
    standing_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When the proposal reached this step.
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the step was dealt with.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Who moved the proposal on from this step.
    completed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )

    proposal = relationship("Proposal", back_populates="steps")
    body = relationship("Body")
    meeting = relationship("Meeting")
    agenda_item = relationship("AgendaItem", foreign_keys=[agenda_item_id])
    standing_item = relationship("AgendaItem", foreign_keys=[standing_item_id])
    completed_by = relationship("User")
    hearing = relationship("Hearing", back_populates="step", uselist=False)

    def __repr__(self) -> str:
        return f"<ProposalStep {self.proposal_id}/{self.position} {self.action}>"


class ProposalEvent(TenantScoped, db.Model):
    """The proposal's history, one row per move; never changed afterwards."""

    __tablename__ = "proposal_events"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The proposal.
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The step concerned, if any.
    step_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposal_steps.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: What happened: started, arrived, placed, decided, hearing_opened, answered …
    kind: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    #: Who made the move (``None`` for the system).
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: What happened, in Danish, for the history view.
    message: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The clause that applied.
    clause: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: Details (the decision, the body, the organisation …).
    data: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: When it happened.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    proposal = relationship("Proposal", back_populates="events")
    step = relationship("ProposalStep")
    actor = relationship("User")


class ProposalAttachment(TenantScoped, db.Model):
    """A file attached to a proposal (bilag): its content in the one store (core/storage.py)
    under its checksum, which every read checks."""

    __tablename__ = "proposal_attachments"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "proposal_id", "sha256"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The proposal.
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The file name as uploaded, made safe.
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    #: The media type detected from the content (not the one the client claimed).
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: Size in bytes.
    size_bytes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: SHA-256 of the content, hex.
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: The content as stored before the one store (migration f002 copied it there); no
    #: longer written or read, kept so nothing of the history is dropped.
    content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary, nullable=True))
    #: Who uploaded it.
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: When it was uploaded.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    proposal = relationship("Proposal", back_populates="attachments")


class FollowUpTask(TenantScoped, db.Model):
    """A task a decision creates for a body or an organisation (CORE-FOLLOW-UPS), tracked until done."""

    __tablename__ = "follow_up_tasks"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The proposal decided.
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The step whose decision created it.
    step_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal_steps.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: ``body`` or ``organisation``.
    assignee_kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    #: The body key or organisation code the rule named (``byraadet``, ``AAB``).
    assignee: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: The body, where the assignee is a body of the tenant.
    body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The organisation, where the assignee is one.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=True, index=True
    )
    #: What is to be done.
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: The clause that creates it.
    clause: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    #: The plugin that gave it.
    source: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="core")
    #: Open or done.
    state: Mapped[FollowUpState] = mapped_column(
        enum_column(FollowUpState, "follow_up_state"), nullable=False, default=FollowUpState.OPEN
    )
    #: What came of it (e.g. "Behandlet i byrådet 3. marts").
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When it was marked done.
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Who marked it done.
    done_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )

    proposal = relationship("Proposal", back_populates="follow_ups")
    body = relationship("Body")
    organisation = relationship("Organisation")
    done_by = relationship("User")


# The hearing's tables are in a module of their own (core/proposals/hearing_models.py);
# they belong to the proposals' models and are found here too.
from core.proposals.hearing_models import (  # noqa: E402,F401
    Hearing,
    HearingAnswerLink,
    HearingOrganisation,
    HearingReminder,
    HearingResponse,
    ReminderKind,
    ResponseChannel,
    ResponseKind,
)
