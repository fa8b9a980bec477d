"""The value objects that rules take and return.

Rules work on these plain, immutable values rather than on database rows, so the same
rule answers a real meeting, a dry run ("what if these units voted so?") and a plugin
author's unit test alike. Every answer carries its reason and the clause it comes from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class SeatFacts:
    """A seat as rules see it."""

    key: str
    title: str
    organisation: str
    role: str
    is_voting: bool
    holder: str | None = None


@dataclass(frozen=True)
class BodyFacts:
    """A body as rules see it: its tenant-file facts, no database row.

    ``extra`` holds the free-form facts of the tenant file (districts, grants …);
    treat it as read-only.
    """

    tenant: str
    key: str
    name: str
    kind: str
    competence: str
    parent: str | None = None
    meetings_per_year: int = 0
    notice_days: int | None = None
    minutes_due_days: int | None = None
    approval_mode: str = "none"
    approval_due_days: int | None = None
    submission_deadline_days: int | None = None
    clauses: tuple[str, ...] = ()
    #: The clause each parameter comes from, e.g. ``{"notice_days": "<the kommissorium's clause>"}``.
    sources: dict = field(default_factory=dict, hash=False, compare=False)
    information_recipients: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, hash=False, compare=False)
    seats: tuple[SeatFacts, ...] = ()
    #: First day of the body's plan period (the tenant's unless the body has its own):
    #: "year 1" for rules about a body's first year.
    period_start: date | None = None
    #: Last day of the body's plan period.
    period_end: date | None = None
    #: The code of the tenant's own municipality as an organisation (``ALB-KOM``), for rules
    #: such as "the municipality must be present"; None where the tenant file names none.
    municipality: str | None = None
    #: The rules the tenant file chooses from the core's building blocks (``[bodies.rules]``,
    #: core/rules/configured.py): block name → its fields, each block with its clause.
    rules: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def decides(self) -> bool:
        return self.competence != "advises"


@dataclass(frozen=True)
class Verdict:
    """A rule's yes or no, with why: the reason (Danish, shown to members), the clause
    (a rule ID of the tenant's kommissorium, or ``CORE-…`` for the core's defaults) and the
    plugin that gave it."""

    ok: bool
    reason: str
    clause: str | None = None
    source: str = "core"
    reason_en: str | None = None

    def __bool__(self) -> bool:
        return self.ok

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "reason": self.reason,
            "reason_en": self.reason_en or self.reason,
            "clause": self.clause,
            "source": self.source,
        }


class Rulebook:
    """A plugin's pen for answers: ``rule = Rulebook("kobenhavn")`` then
    ``rule.refuse("XYZ-6", "Der sendes ikke vikarer.")``."""

    def __init__(self, source: str):
        self.source = source

    def allow(self, clause: str | None, reason: str, reason_en: str | None = None) -> Verdict:
        return Verdict(True, reason, clause, self.source, reason_en)

    def refuse(self, clause: str | None, reason: str, reason_en: str | None = None) -> Verdict:
        return Verdict(False, reason, clause, self.source, reason_en)


class Procedure(enum.Enum):
    #: A plain vote: yes / no / abstain.
    VOTE = "vote"
    #: Consensus is sought first; where it fails, a majority vote (CORE-PROCEDURE).
    CONSENSUS_THEN_MAJORITY = "consensus_then_majority"
    #: The meeting leader concludes; decided unless someone objects, then a vote (CORE-PROCEDURE).
    NO_OBJECTION = "no_objection"


class Choice(enum.Enum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class ItemKind(enum.Enum):
    DECISION = "B"
    DISCUSSION = "D"
    INFORMATION = "O"


@dataclass(frozen=True)
class Matter:
    """What a body is asked to handle: an agenda item or a proposal, as rules see it.

    ``topics`` are free tags the rules read (``sub_agreement``, ``budget``, ``activity``,
    ``principle`` …); ``plan`` names the helhedsplan concerned and ``district`` the city
    district, where that matters (a rule may look at them).
    """

    title: str
    kind: ItemKind = ItemKind.DECISION
    topics: frozenset[str] = frozenset()
    plan: str | None = None
    district: str | None = None
    #: The majority the motion needs: ``simple`` (more yes than no) or ``two_thirds``
    #: (at least two thirds of the yes and no votes) — a core option set on the motion.
    majority: str = "simple"


@dataclass(frozen=True)
class Attendee:
    """A seat at a meeting and who fills it.

    ``person`` is whoever is present for the seat: the holder, a substitute, or the holder
    of a delegated mandate (``acting_as`` says which); ``None`` when nobody came.
    ``organisation`` is the code of the organisation the seat represents.
    """

    seat_key: str
    organisation: str
    role: str
    is_voting: bool
    person: str | None
    acting_as: str = "holder"  # holder | substitute | delegate
    weight: int = 1

    @property
    def present(self) -> bool:
        return self.person is not None


@dataclass(frozen=True)
class VoteUnit:
    """One vote: a person's seat by default, or a whole organisation (CORE-UNITS).

    ``casters`` are the people present who may cast this unit's vote (any one of them,
    once). ``eligible`` is false for a unit that may not vote on this matter.
    """

    key: str
    label: str
    weight: int = 1
    eligible: bool = True
    casters: frozenset[str] = frozenset()
    clause: str | None = None
    reason: str = ""
    #: Who gave the unit (the plugin's name, or ``core``), for the outcome's provenance.
    source: str = "core"

    @property
    def present(self) -> bool:
        return bool(self.casters)


@dataclass(frozen=True)
class Ballot:
    """The vote a unit cast."""

    unit: str
    choice: Choice
    cast_by: str | None = None


@dataclass(frozen=True)
class Tally:
    """A vote's result: counts per choice (weighted), whether it passed, and why."""

    passed: bool
    counts: dict[str, int]
    reason: str
    clause: str | None = None
    source: str = "core"
    reason_en: str | None = None


@dataclass(frozen=True)
class ProcedureChoice:
    """How a body decides a matter, and the clause that says so."""

    procedure: Procedure
    reason: str
    clause: str | None = None
    source: str = "core"


@dataclass(frozen=True)
class Deadline:
    """A number of days a meeting rule sets, and the clause that sets it."""

    days: int
    clause: str | None = None


@dataclass(frozen=True)
class MeetingRules:
    """The deadlines of a body's meetings. ``None`` means the rules set no such deadline."""

    meetings_per_year: int = 0
    notice: Deadline | None = None
    minutes_due: Deadline | None = None
    approval_mode: str = "none"
    approval_due: Deadline | None = None
    submission_deadline: Deadline | None = None
    clause: str | None = None
    source: str = "core"


@dataclass(frozen=True)
class StandingItem:
    """An agenda item the rules put on every (or some) meeting(s) of a body."""

    title: str
    kind: ItemKind = ItemKind.INFORMATION
    clause: str | None = None
    source: str = "core"
    #: Receives incoming recommendations from other bodies (CORE-STANDING-ITEMS, "indkomne indstillinger").
    receives_proposals: bool = False


@dataclass(frozen=True)
class RouteStep:
    """One step of a proposal's route: to a body (by key) or a hearing in organisations."""

    kind: str  # "body" | "hearing" | "follow_up"
    target: str  # a body key, or a comma-free label for a hearing
    action: str = "decide"  # decide | recommend | forward | hear | follow_up
    organisations: tuple[str, ...] = ()
    clause: str | None = None


@dataclass(frozen=True)
class Route:
    """Where a proposal goes from the body it starts in, step by step."""

    steps: tuple[RouteStep, ...]
    reason: str = ""
    clause: str | None = None
    source: str = "core"


@dataclass(frozen=True)
class FollowUp:
    """A task a decision creates for a body or an organisation (CORE-FOLLOW-UPS)."""

    assignee_kind: str  # "body" | "organisation"
    assignee: str
    title: str
    clause: str | None = None
    source: str = "core"


@dataclass(frozen=True)
class Delegation:
    """A mandate handed from a seat's organisation to another organisation (CORE-MANDATE),
    and, where it is named, to a person who exercises it; with who registered it and when
    (None for a delegation being asked about, not yet registered)."""

    seat_key: str
    from_organisation: str
    to_organisation: str
    starts_on: date
    ends_on: date
    #: The e-mail of the person who exercises the mandate, if one is named.
    to_person: str | None = None
    #: The e-mail of whoever registered it (the seat's holder, the secretary).
    registered_by: str | None = None
    #: When it was registered (timezone-aware UTC).
    registered_at: datetime | None = None


@dataclass(frozen=True)
class MeetingFacts:
    """A meeting as rules see it: which one, when it starts (timezone-aware UTC) and in
    what state, so that a rule can say "before the meeting starts"."""

    id: int
    body: str
    starts_at: datetime
    state: str
    is_extraordinary: bool = False

    @property
    def has_started(self) -> bool:
        """It sits or has sat (opened on its day; a cancelled meeting never started)."""
        return self.state in ("in_session", "held", "minutes_sent", "minutes_approved")


@dataclass(frozen=True)
class Caller:
    """Who asks for something at a body: a person, their seat roles there, and whether they
    act for the secretariat or the body as a whole (a decision of the body)."""

    person: str | None
    roles: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    on_behalf_of: str = "self"  # self | body | secretariat | members_majority
    #: With ``members_majority``: how many of the body's members back the call (the caller
    #: included), and how many members the body has (its secretary not counted).
    supporters: int = 0
    members: int = 0


@dataclass(frozen=True)
class WrittenAnswer:
    """A unit's answer in a written procedure (skriftlig behandling): ``agree``, ``object``
    (with a reason) or ``abstain``, and who gave it."""

    unit: str
    choice: str  # agree | object | abstain
    reason: str = ""
    answered_by: str | None = None


@dataclass(frozen=True)
class WrittenOutcome:
    """The ``written_procedure_outcome`` rule's answer: whether the written procedure is
    settled now, and if so whether the proposal is decided, with why."""

    #: Settled: it closes now (before the deadline where the answers already settle it).
    settled: bool
    #: Decided by written procedure (only meaningful when settled).
    decided: bool
    reason: str
    clause: str | None = None
    source: str = "core"
    reason_en: str | None = None

    def as_dict(self) -> dict:
        return {"settled": self.settled, "decided": self.decided, "reason": self.reason,
                "reason_en": self.reason_en or self.reason, "clause": self.clause,
                "source": self.source}


@dataclass(frozen=True)
class WrittenFallback:
    """The ``written_procedure_fallback`` rule's answer: what becomes of a proposal not
    decided by written procedure. ``action`` is ``next_meeting`` (onto the body's next
    meeting's agenda, with the answers) or ``lapse`` (it falls; nothing more happens)."""

    action: str
    reason: str
    clause: str | None = None
    source: str = "core"
    reason_en: str | None = None

    def as_dict(self) -> dict:
        return {"action": self.action, "reason": self.reason,
                "reason_en": self.reason_en or self.reason, "clause": self.clause,
                "source": self.source}


@dataclass(frozen=True)
class DisqualificationEffect:
    """The ``disqualification_effect`` rule's answer: what a member's disqualification
    (inhabilitet, forvaltningsloven § 3) on a matter does to a vote unit they would cast.

    ``casters`` are the people who may cast the unit's vote on this matter now (another
    representative of the unit, for instance); empty, the unit does not vote on it and is
    not present for its quorum. ``eligible=False`` takes the unit out of the matter
    altogether (it counts neither for the votes nor for the quorum's whole)."""

    casters: frozenset[str]
    reason: str
    clause: str | None = None
    source: str = "core"
    reason_en: str | None = None
    eligible: bool = True

    def as_dict(self) -> dict:
        return {"casters": sorted(self.casters), "eligible": self.eligible,
                "reason": self.reason, "reason_en": self.reason_en or self.reason,
                "clause": self.clause, "source": self.source}


@dataclass(frozen=True)
class Problem:
    """Something wrong in a tenant file, found by a rule."""

    entry: str
    field: str
    message: str
    clause: str | None = None
    source: str = "core"


__all__ = [
    "Attendee",
    "BodyFacts",
    "SeatFacts",
    "Ballot",
    "Caller",
    "Choice",
    "Deadline",
    "Delegation",
    "DisqualificationEffect",
    "FollowUp",
    "ItemKind",
    "Matter",
    "MeetingFacts",
    "MeetingRules",
    "Problem",
    "Procedure",
    "ProcedureChoice",
    "Route",
    "RouteStep",
    "Rulebook",
    "StandingItem",
    "Tally",
    "Verdict",
    "VoteUnit",
    "WrittenAnswer",
    "WrittenFallback",
    "WrittenOutcome",
    "RuleDescription",
    "DecisionTaken",
    "PendingItem",
    "TenantFacts",
]


@dataclass(frozen=True)
class TenantFacts:
    """A tenant as hooks see it."""

    id: int
    slug: str
    name: str
    #: The code of the tenant's own municipality as an organisation, if the file names one.
    municipality: str | None = None


@dataclass(frozen=True)
class PendingItem:
    """Something waiting for a user: an agenda to read, a vote to cast, minutes to approve …

    ``kind`` is a short key (``agenda_to_read``, ``vote_to_cast``, ``minutes_to_approve``,
    ``hearing_answer_due``, ``minutes_to_write``); ``title`` is Danish, ``title_en`` English;
    ``url`` a path in the app (the core's features give the API path that acts on it);
    ``due`` the last day, if any; ``clause`` the rule that set it; ``page_url`` the page
    where a person does it (a meeting's agenda, a proposal's hearing). Without a
    ``page_url`` the dashboard links ``url`` if it is a page, else the body's page.
    """

    kind: str
    title: str
    title_en: str = ""
    body: str | None = None
    url: str | None = None
    due: date | None = None
    clause: str | None = None
    page_url: str | None = None


@dataclass(frozen=True)
class RuleDescription:
    """One rule of a body's kommissorium, told to its members before it applies.

    ``text`` is plain Danish for the kommissorium page, ``text_en`` the English for logs and
    foreign readers; ``clause`` is the rule ID (``CORE-QUORUM`` or the tenant's) and ``source`` who enforces it:
    the plugin's name, ``tenants/<slug>.toml`` for a fact of the tenant file, or ``core``.
    """

    clause: str
    text: str
    text_en: str
    source: str = "core"


@dataclass(frozen=True)
class DecisionTaken:
    """A decision a body has taken on an agenda item by a motion, as event hooks see it.

    ``result`` is ``adopted``, ``rejected`` or ``not_quorate`` (nothing was decided);
    ``passed`` is true only for ``adopted``; ``text`` is the motion's text (the decision as
    proposed or concluded); ``explanation``/``explanation_en`` say why, with the clauses;
    ``outcome`` is the full explained outcome as stored on the motion; ``user_id`` is who
    closed the motion.
    """

    motion_id: int
    item_id: int
    result: str
    passed: bool
    text: str
    explanation: str = ""
    explanation_en: str = ""
    outcome: dict = field(default_factory=dict, hash=False, compare=False)
    user_id: int | None = None
