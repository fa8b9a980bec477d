"""Hook specifications: the contract between the core and the rule plugins.

Each municipality's kommissorium is a plugin implementing some of these hooks. The core
calls them with keyword arguments only, so a plugin takes just the arguments it needs.

*Rule hooks* are ``firstresult``: the first plugin to return something other than
``None`` decides, and the core's default (registered ``trylast``) answers when no plugin
does. *Collecting hooks* gather a list from every plugin of the tenant.

Every answer says why: a :class:`~core.rules.types.Verdict` (or a value object with
``reason``, ``clause`` and ``source``), so members can be told which clause applied.
Arguments may be added in later versions, never removed.

The core's own events, which its features implement for each other (what waits for a
user, a decision taken), are specified apart, in core/hooks/events.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.hooks import hookspec
from core.rules.types import (
    Attendee,
    Ballot,
    BodyFacts,
    Caller,
    Delegation,
    DisqualificationEffect,
    FollowUp,
    Matter,
    MeetingFacts,
    MeetingRules,
    Problem,
    ProcedureChoice,
    Route,
    RuleDescription,
    SeatFacts,
    StandingItem,
    Tally,
    Verdict,
    VoteUnit,
    WrittenAnswer,
    WrittenFallback,
    WrittenOutcome,
)

#: Arguments added to a hook after it was first published, with the value a caller that
#: does not pass them gets (the plugin host fills them in), so a plugin's own tests written
#: against the earlier contract keep working: arguments are added, never removed.
ADDED_ARGUMENTS: dict[str, dict[str, object]] = {
    "substitute_allowed": {"meeting": None, "requested_at": None, "substitute": None},
    "delegation_allowed": {"meeting": None, "requested_at": None},
}


# ---------------------------------------------------------------------------------------
# Membership: who sits, who may stand in, who receives material
# ---------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def substitute_allowed(
    body: BodyFacts,
    seat: SeatFacts,
    substitute_organisations: frozenset[str],
    meeting: MeetingFacts | None,
    requested_at: datetime | None,
    substitute: str | None,
) -> Verdict | None:
    """May a substitute (suppleant) fill ``seat`` at one meeting?

    :param body: the body meeting, as it stands on the meeting's day.
    :param seat: the seat whose holder cannot attend.
    :param substitute_organisations: codes of the organisations the proposed substitute
        acts for.
    :param meeting: the meeting (when it starts, its state), so that a rule can say
        "registered before the meeting starts".
    :param requested_at: the moment the substitute is registered (timezone-aware UTC):
        registering a substitute is the holder's power of attorney (fuldmagt) to them.
    :param substitute: the substitute's e-mail.
    :return: a Verdict; ``ok=False`` refuses the substitute, citing the clause.
        First non-None answer wins. Core default: allowed (CORE-SUBSTITUTE).
    """


@hookspec(firstresult=True)
def delegation_allowed(
    body: BodyFacts,
    seat: SeatFacts,
    delegation: Delegation,
    meeting: MeetingFacts | None,
    requested_at: datetime | None,
) -> Verdict | None:
    """May the seat's organisation hand its mandate to another organisation for a period?

    :param body: the body whose seat it is.
    :param seat: the seat whose mandate is delegated.
    :param delegation: to whom (an organisation, and a person where one is named), from
        when, until when; who registered it and when, once it is registered.
    :param meeting: the meeting at which the mandate is used, when it is asked about at a
        meeting (a delegate's attendance); None when the delegation itself is registered.
    :param requested_at: the moment of the request (timezone-aware UTC).
    :return: a Verdict. First non-None answer wins. Core default: refused — a mandate
        stays with its seat unless the kommissorium allows delegation (CORE-MANDATE).
    """


@hookspec
def information_recipients(body: BodyFacts) -> Sequence[str]:
    """Organisations that receive a body's agendas, material and minutes without a seat.

    :param body: the body.
    :return: organisation codes. Collected from every plugin, without duplicates. Core
        default: the tenant file's ``information_recipients`` for the body
        (CORE-INFORMATION-RECIPIENTS).
    """


# ---------------------------------------------------------------------------------------
# Competence: what a body may decide
# ---------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def body_competence(body: BodyFacts, matter: Matter) -> Verdict | None:
    """May ``body`` take a decision on ``matter``?

    :param body: the body asked to decide.
    :param matter: the item or proposal, with its topics, plan and district.
    :return: a Verdict; ``ok=False`` refuses the decision with the clause (an advisory
        body; a matter outside a limited remit; each plugin cites its own clause). First non-None
        answer wins. Core default: a deciding body may, an advising body may not
        (CORE-COMPETENCE).
    """


@hookspec(firstresult=True)
def extraordinary_meeting_allowed(body: BodyFacts, caller: Caller) -> Verdict | None:
    """May ``caller`` call an extraordinary meeting of ``body``?

    :param body: the body.
    :param caller: who asks, with their roles in the body and on whose behalf
        (``self``, ``body``, ``secretariat``, ``members_majority``).
    :return: a Verdict. First non-None answer wins. Core default: the chair, the
        secretary, the secretariat or the body itself may (CORE-EXTRAORDINARY).
    """


# ---------------------------------------------------------------------------------------
# Voting: who votes, quorum, procedure, outcome
# ---------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def vote_units(
    body: BodyFacts, attendees: Sequence[Attendee], matter: Matter
) -> Sequence[VoteUnit] | None:
    """Which units cast the votes on ``matter``, and who present may cast each.

    :param body: the deciding body.
    :param attendees: every seat of the body at this meeting and who fills it (holder,
        substitute or delegate); non-voting seats are included so rules can see them.
    :param matter: what is decided (a rule may limit the units to a plan's grant).
    :return: the units, each with its weight, eligibility, casters and clause. First
        non-None answer wins. Core default: one unit per voting seat, cast by whoever fills
        it (CORE-UNITS).
    """


@hookspec(firstresult=True)
def quorum(body: BodyFacts, units: Sequence[VoteUnit], matter: Matter) -> Verdict | None:
    """Is the meeting quorate for ``matter``, given the units and who is present?

    :param body: the deciding body.
    :param units: the vote units from :func:`vote_units` (a unit is present when it has
        casters).
    :param matter: what is decided.
    :return: a Verdict with the figures in its reason. First non-None answer wins. Core
        default: a majority of the eligible units present (CORE-QUORUM).
    """


@hookspec(firstresult=True)
def decision_procedure(body: BodyFacts, matter: Matter) -> ProcedureChoice | None:
    """How does ``body`` decide ``matter``: a vote, consensus then majority, or no objection?

    :return: a ProcedureChoice. First non-None answer wins. Core default: a vote
        (CORE-PROCEDURE).
    """


@hookspec(firstresult=True)
def tally(
    body: BodyFacts, matter: Matter, units: Sequence[VoteUnit], ballots: Sequence[Ballot]
) -> Tally | None:
    """Count the ballots: did the motion pass?

    :param units: the eligible units (with weights).
    :param ballots: one per unit that voted.
    :return: a Tally with weighted counts per choice and the reason. First non-None answer
        wins. Core default: passed when the weighted yes votes exceed the no votes;
        abstentions do not count; a tie fails (CORE-MAJORITY).
    """


@hookspec(firstresult=True)
def disqualification_effect(
    body: BodyFacts, matter: Matter, unit: VoteUnit, attendees: Sequence[Attendee],
    disqualified: frozenset[str],
) -> DisqualificationEffect | None:
    """What does a member's disqualification (inhabilitet, forvaltningsloven § 3) on
    ``matter`` do to the vote unit they would cast?

    Asked once for each unit among whose casters (from :func:`vote_units`, weighted where
    the motion is) a disqualified member is; a disqualified member never casts a vote on
    the matter, whatever the answer.

    :param body: the deciding body.
    :param matter: the agenda item.
    :param unit: the unit as :func:`vote_units` gave it, its casters still including the
        disqualified.
    :param attendees: every seat of the body at the meeting and who fills it (as for
        :func:`vote_units`), so a rule can find the unit's other representatives.
    :param disqualified: the e-mails of every member disqualified on the matter.
    :return: a DisqualificationEffect: who may cast the unit's vote now (none: the unit
        does not vote on the matter and is not present for its quorum), whether the unit
        stays eligible, and why, citing the clause. First non-None answer wins. Core
        default: the unit votes through another representative of the same organisation
        who is present on a voting seat and not disqualified; otherwise it does not vote on
        the matter; the disqualified member never counts as present for its quorum
        (CORE-DISQUALIFIED).
    """


@hookspec(firstresult=True)
def dissent_allowed(body: BodyFacts, matter: Matter) -> Verdict | None:
    """May a member present have a dissent (særstandpunkt) recorded in the minutes of
    ``matter``?

    :param body: the body that met.
    :param matter: the agenda item the dissent is on.
    :return: a Verdict; its clause is the one the recorded dissent cites in the minutes,
        and ``ok=False`` refuses it. First non-None answer wins. Core default: allowed
        (CORE-DISSENT).
    """


# ---------------------------------------------------------------------------------------
# Written procedure: decisions between meetings (skriftlig behandling)
# ---------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def written_procedure_allowed(body: BodyFacts, caller: Caller, matter: Matter) -> Verdict | None:
    """May ``caller`` put ``matter`` to ``body``'s voting units by written procedure?

    :param body: the body whose units would answer.
    :param caller: who asks, with their roles in the body (``chair``, ``meeting_leader``,
        ``secretary``, ``member`` …; ``secretariat`` for the tenant's secretariat).
    :param matter: the proposed decision.
    :return: a Verdict; ``ok=False`` refuses, citing the clause. First non-None answer
        wins. Core default: the chair or the meeting leader, with the secretary (and the
        secretariat) may (CORE-WRITTEN-START). The body's competence (``body_competence``)
        is asked as well, as for a motion.
    """


@hookspec(firstresult=True)
def written_procedure_outcome(
    body: BodyFacts, matter: Matter, units: Sequence[VoteUnit],
    answers: Sequence[WrittenAnswer], deadline_passed: bool,
) -> WrittenOutcome | None:
    """Is a written procedure settled by its answers, and is the proposal decided?

    Asked after every answer (``deadline_passed=False``: answer ``settled=False`` to wait
    for more) and once at the deadline (``deadline_passed=True``: the answer must be
    settled).

    :param body: the body whose units answer.
    :param matter: the proposed decision.
    :param units: the vote units from :func:`vote_units` (the same units and eligibility
        as a vote; every seat's holder, or the holder of a delegated mandate, may answer
        for its unit).
    :param answers: one per unit that answered (``agree``, ``object`` with a reason,
        ``abstain``).
    :param deadline_passed: whether the deadline has come.
    :return: a WrittenOutcome. First non-None answer wins. Core default: decided when
        every eligible unit has answered and none objects; an objection, or the deadline
        without every answer, means not decided (CORE-WRITTEN-DECIDED).
    """


@hookspec(firstresult=True)
def written_procedure_fallback(
    body: BodyFacts, matter: Matter, outcome: WrittenOutcome
) -> WrittenFallback | None:
    """What becomes of a proposal a written procedure did not decide?

    :param body: the body.
    :param matter: the proposed decision.
    :param outcome: the ``written_procedure_outcome`` answer that did not decide it.
    :return: a WrittenFallback: ``next_meeting`` (onto the body's next meeting's agenda,
        with the answers) or ``lapse``. First non-None answer wins. Core default: the next
        meeting's agenda (CORE-WRITTEN-FALLBACK).
    """


# ---------------------------------------------------------------------------------------
# Meetings: deadlines and standing items
# ---------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def meeting_rules(body: BodyFacts) -> MeetingRules | None:
    """The deadlines of the body's meetings: notice, submission, minutes, approval.

    :return: MeetingRules. First non-None answer wins. Core default: the tenant file's
        facts for the body (``notice_days``, ``minutes_due_days`` …), each citing the clause
        the file names for it in ``[bodies.sources]``.
    """


@hookspec(firstresult=True)
def minutes_approvers(body: BodyFacts, attendees: Sequence[Attendee]) -> Sequence[str] | None:
    """Whose approval makes a meeting's minutes approved, where members approve them one by
    one (``approval_mode = "email"``, CORE-APPROVAL-MODE)?

    :param body: the body that met.
    :param attendees: every seat of the body on the meeting's day and who filled it.
    :return: the keys of the seats whose holders must each approve. First non-None answer
        wins. Core default: every seat but the secretary's, whether or not its holder came
        (CORE-APPROVERS).
    """


@hookspec
def standing_items(body: BodyFacts, meeting_number: int, year: int) -> Sequence[StandingItem]:
    """Agenda items the rules put on a meeting of ``body``.

    :param meeting_number: the meeting's number within its year, from 1.
    :param year: the meeting's year (some items are yearly or half-yearly, CORE-STANDING-ITEMS).
    :return: standing items, collected from every plugin in order. Core default: none.
    """


# ---------------------------------------------------------------------------------------
# Proposals: routes and follow-ups
# ---------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def proposal_route(body: BodyFacts, matter: Matter, bodies: Sequence[BodyFacts]) -> Route | None:
    """Where does a proposal that starts in ``body`` go, step by step?

    :param body: the body the proposal starts in.
    :param matter: the proposal.
    :param bodies: every body of the tenant, to find targets by kind or parent.
    :return: a Route (the steps after the origin). First non-None answer wins. Core
        default: no routing — an advising body recommends to its parent, a deciding body
        decides itself (CORE-ROUTE).
    """


@hookspec(firstresult=True)
def proposal_origin_allowed(body: BodyFacts, proposer: Caller, takes_part: bool) -> Verdict | None:
    """May ``proposer`` start a proposal in ``body``?

    :param body: the body the proposal would start in.
    :param proposer: who asks, with their seat roles in ``body`` (empty when they hold no
        seat there) and the organisations they act for; ``on_behalf_of`` is ``secretariat``
        for the tenant's administrators.
    :param takes_part: whether the proposer takes part in the tenant at all (holds a seat
        in one of its bodies, or acts for an organisation that takes part).
    :return: a Verdict; ``ok=False`` refuses, citing the clause. First non-None answer
        wins. Core default: members of the body and the tenant's secretariat may, others
        may not (CORE-ORIGIN); a plugin may open a body to anyone taking part in the tenant.
    """


@hookspec
def follow_ups(body: BodyFacts, matter: Matter, passed: bool) -> Sequence[FollowUp]:
    """Tasks a decision creates elsewhere (a decision of principle goes on to the city
    council and the organisations' boards, CORE-FOLLOW-UPS).

    :param body: the body that decided.
    :param matter: what was decided.
    :param passed: whether it was adopted.
    :return: follow-up tasks, collected from every plugin. Core default: none.
    """


# ---------------------------------------------------------------------------------------
# Tenant data
# ---------------------------------------------------------------------------------------


@hookspec
def validate_body(body: BodyFacts) -> Sequence[Problem]:
    """Check a body of a tenant file against the kommissorium's limits before it is loaded.

    :param body: the body as the file describes it, with its seats.
    :return: problems (empty when fine), collected from every plugin; any problem makes
        the sync refuse the whole file (e.g. a limit on a body's seats). Core default: none
        (the core's own checks of a tenant file run before the hook).
    """


@hookspec
def describe_rules(body: BodyFacts) -> Sequence[RuleDescription]:
    """The rules that apply to a body, in plain Danish, for its kommissorium page
    (``GET /api/v1/tenants/<t>/bodies/<key>/kommissorium`` and the body's web page), so
    members can see what the software will do before it does it.

    A plugin describes each rule it enforces for this body (one
    :class:`~core.rules.types.RuleDescription` per clause, ``source`` = the plugin's name).

    :param body: the body.
    :return: rule descriptions, collected from every plugin, without duplicates. Core
        default: the body's competence and the kommissorium facts of the tenant file
        (meetings a year, notice, submission deadline, minutes deadline, approval of the
        minutes, information recipients), each with the clause the file gives in
        ``[bodies.sources]`` (or a ``CORE-*`` clause) and ``tenants/<slug>.toml`` as source,
        and the core's rule on closed items.
    """
