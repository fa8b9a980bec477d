"""Minutes: the draft and its entries, the decisions of motions written into it, dissents
(CORE-DISSENT), sending (CORE-MINUTES-DUE-DAYS), approval by the members or the body
(CORE-APPROVAL-MODE),
and corrections as new versions: approved minutes never change (a flush that would
change them raises :class:`MinutesImmutable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from core import clock
from core.audit import operations as audit
from core.bodies.facts import body_facts
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.meetings.models import (
    AgendaItem,
    BreachKind,
    ItemKind,
    Meeting,
    MeetingState,
    MinutesApproval,
    MinutesEntry,
    MinutesVersion,
)
from core.meetings.operations.agenda import DECIDED_BEFORE, _add_approval_item
from core.meetings.operations.compliance import _record_breach, deadlines, next_meeting
from core.meetings.operations.disqualification import DISQUALIFIED_CLAUSE, disqualified_items
from core.meetings.operations.states import HELD_STATES, _move, _refuse_transition
from core.rules.types import ItemKind as RuleItemKind
from core.rules.types import Matter, MeetingRules


class MinutesImmutable(RuntimeError):
    """An approved minutes version was changed: corrections are new versions."""


def draft(meeting: Meeting) -> MinutesVersion:
    """The minutes being written (version 1), created on first use."""
    if meeting.state is not MeetingState.HELD:
        _refuse_transition(meeting, meeting.state, "få skrevet referat (rettelser er nye versioner)")
    version = meeting.minutes_versions[0] if meeting.minutes_versions else None
    if version is None:
        version = _first_version(meeting)
    return version


def _first_version(meeting: Meeting) -> MinutesVersion:
    """The minutes' first version, begun with the decisions taken before the meeting (an
    item decided by written procedure: ``DECIDED_BEFORE``), as they were taken."""
    version = MinutesVersion(number=1)
    meeting.minutes_versions.append(version)
    for item in meeting.items:
        if DECIDED_BEFORE in (item.topics or []):
            version.entries.append(MinutesEntry(item=item, decision=item.decision_theme,
                                                public_decision="", dissents=[],
                                                explanation=item.case_text))
    db.session.flush()
    return version


def _entry(version: MinutesVersion, item: AgendaItem) -> MinutesEntry:
    entry = next((e for e in version.entries if e.item_id == item.id), None)
    if entry is None:
        entry = MinutesEntry(item=item, decision="", public_decision="", dissents=[])
        version.entries.append(entry)
    return entry


def _check_public_decision(item: AgendaItem, decision: str, public_decision: str) -> None:
    """CORE-CLOSED-ITEMS: a closed item's decision is published without the confidential part,
    so the secretary writes that public wording."""
    if item.is_confidential and decision and not public_decision:
        refuse(422, message="The input is invalid; see errors for each field.", errors={"json": {
            "public_decision": ["Et lukket punkt kræver en offentlig beslutningstekst uden det "
                                "fortrolige (CORE-CLOSED-ITEMS)."]}})


def write_entry(meeting: Meeting, item: AgendaItem, data: dict, writer=None) -> MinutesEntry:
    """Write the decision on ``item`` in the draft minutes. A ``writer`` disqualified on a
    closed item neither reads nor writes its decision (CORE-DISQUALIFIED): another of the
    secretariat writes it."""
    if writer is not None and item.is_confidential and item.id in disqualified_items(meeting.id, writer):
        refuse(403, "Du er erklæret inhabil på dette lukkede punkt; en anden i sekretariatet "
               "skriver referatet af det.", clause=DISQUALIFIED_CLAUSE, rule="disqualification",
               reason_en="You are declared disqualified on this closed item; someone else in "
               "the secretariat writes its minutes.")
    version = draft(meeting)
    existing = next((e for e in version.entries if e.item_id == item.id), None)
    decision = data.get("decision", existing.decision if existing else "")
    public_decision = data.get("public_decision", existing.public_decision if existing else "")
    _check_public_decision(item, decision, public_decision)
    entry = _entry(version, item)
    entry.decision = decision
    entry.public_decision = public_decision if item.is_confidential else ""
    if "dissents" in data:
        entry.dissents = [dict(d) for d in data["dissents"]]
    db.session.flush()
    return entry


#: The result of a motion as the minutes state it; also the public wording of a closed
#: item's decision until the secretary writes one (CORE-CLOSED-ITEMS: published without the
#: confidential part).
RESULT_DA = {
    "adopted": "Vedtaget.",
    "rejected": "Forkastet.",
    "not_quorate": "Ikke beslutningsdygtig; intet blev besluttet.",
}


#: Meeting states in which a motion's decision is written into the minutes being drafted.
#: Once the minutes are sent, they change only by the secretary's hand (a correction).
_DRAFTING_STATES = (MeetingState.IN_SESSION, MeetingState.HELD)


def record_motion_decision(
    item: AgendaItem, *, decision: str, result: str, explanation: str, dissents: list[dict],
) -> MinutesEntry | None:
    """A motion on ``item`` has closed (the decisions feature calls this): its decision —
    text, result, explanation and dissents (CORE-DISSENT) — goes into the item's minutes entry.

    The minutes draft is started if the meeting is still under way. For a closed item the
    public decision is the result alone until the secretary writes a public wording
    (CORE-CLOSED-ITEMS), so nothing confidential is published. Once the minutes are sent, the
    motion's decision is not written (``None``): the secretary corrects the minutes.
    """
    meeting = item.meeting
    if meeting.state not in _DRAFTING_STATES:
        return None
    version = meeting.minutes_versions[0] if meeting.minutes_versions else None
    if version is None:
        version = _first_version(meeting)
    entry = _entry(version, item)
    # Only an adopted motion's text is the decision; otherwise the minutes say what became
    # of the proposal, so nobody reads a rejected text as decided.
    entry.decision = decision if result == "adopted" else f"{RESULT_DA.get(result, result)} " \
        f"Forslaget var: {decision}"
    entry.result = result
    entry.explanation = explanation
    if item.is_confidential and not entry.public_decision:
        entry.public_decision = RESULT_DA.get(result, "")
    by_motion = {d.get("email") for d in dissents}
    entry.dissents = [d for d in (entry.dissents or []) if d.get("email") not in by_motion] + [
        dict(d) for d in dissents
    ]
    db.session.flush()
    return entry


def record_motion_dissent(item: AgendaItem, dissent: dict) -> MinutesEntry | None:
    """A dissent recorded on a closed motion (CORE-DISSENT) joins the item's minutes entry, while
    the minutes are being drafted."""
    meeting = item.meeting
    if meeting.state not in _DRAFTING_STATES or not meeting.minutes_versions:
        return None
    entry = _entry(meeting.minutes_versions[0], item)
    entry.dissents = [d for d in (entry.dissents or []) if d.get("email") != dissent.get("email")] + [
        dict(dissent)
    ]
    db.session.flush()
    return entry


def record_dissent(meeting: Meeting, item: AgendaItem, user: User, text: str, *, tenant,
                   hooks) -> MinutesEntry:
    """A member's dissent (særstandpunkt) is recorded in the minutes on request, as the
    ``dissent_allowed`` rule allows; the entry keeps the rule's clause (CORE-DISSENT, or
    the tenant's), the member's name and the organisation of their seat in the body."""
    facts = body_facts(meeting.body, tenant.slug, meeting.starts_at.date())
    allowed = hooks.dissent_allowed(body=facts, matter=Matter(
        title=item.title, kind=RuleItemKind(item.kind.value), topics=frozenset(item.topics or ()),
        plan=item.plan, district=item.district))
    if not allowed.ok:
        refuse(409, message=allowed.reason, clause=allowed.clause, rule="dissent_allowed")
    version = draft(meeting)
    entry = _entry(version, item)
    day = meeting.starts_at.date()
    seats = [s for s in meeting.body.seats if s.holder_id_on(day) == user.id and s.is_valid_on(day)]
    orgs = ", ".join(sorted({s.organisation.code for s in seats})
                     or sorted(a.organisation.code for a in user.affiliations))
    entry.dissents = [d for d in entry.dissents if d.get("email") != user.email] + [
        {"by": user.name, "email": user.email, "organisation": orgs, "text": text,
         "clause": allowed.clause}
    ]
    db.session.flush()
    return entry


def send_minutes(meeting: Meeting, rules: MeetingRules) -> Meeting:
    """Send the decision minutes (CORE-MINUTES-DUE-DAYS: by the deadline; late is recorded).
    Every decision item needs its decision. Where the rules set no approval, the minutes are
    final when sent; with CORE-APPROVAL-MODE they go on the next meeting's agenda for approval."""
    if meeting.state is not MeetingState.HELD:
        _move(meeting, MeetingState.MINUTES_SENT, "få udsendt referat")
    version = draft(meeting)
    decided = {e.item_id for e in version.entries if e.decision.strip()}
    missing = [i.position for i in meeting.items if i.kind is ItemKind.DECISION and i.id not in decided]
    if missing:
        refuse(422, message="Referatet mangler beslutningen på punkt "
              + ", ".join(str(p) for p in missing) + ".", rule="send_minutes", clause=None)
    from core.meetings.operations.review import before_sending

    before_sending(meeting)  # a review round's comments are resolved first; the round ends
    _move(meeting, MeetingState.MINUTES_SENT, "få udsendt referat")
    at = clock.now()
    meeting.minutes_sent_at = at
    d = deadlines(meeting, rules)
    if not version.objections:  # sent again after an objection: the first sending counts
        _record_breach(meeting, BreachKind.MINUTES_LATE, d.minutes_due_at, d.minutes_clause, at)
    if rules.approval_mode in ("none", ""):
        version.approved_at = at
        meeting.minutes_approval = {"mode": "none", "clause": None,
                                    "reason": "Kommissoriet kræver ingen godkendelse."}
    elif rules.approval_mode == "next_meeting":
        nxt = next_meeting(meeting)
        if nxt is not None and nxt.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
            _add_approval_item(nxt, meeting)
    db.session.flush()
    return meeting


def expected_approvers(meeting: Meeting, tenant, hooks) -> list[User]:
    """CORE-APPROVERS: the holders of the seats the ``minutes_approvers`` rule names (by default the
    members, the secretary aside)."""
    from core.meetings.attendees import attendees

    day = meeting.starts_at.date()
    keys = set(hooks.minutes_approvers(
        body=body_facts(meeting.body, tenant.slug, day), attendees=attendees(meeting)))
    seen, out = set(), []
    for s in meeting.body.seats:
        holder = s.holder_on(day)  # who sat on the meeting's day approves its minutes
        if holder is None or not s.is_valid_on(day) or s.key not in keys:
            continue
        if holder.id not in seen:
            seen.add(holder.id)
            out.append(holder)
    return out


def current_version(meeting: Meeting) -> MinutesVersion | None:
    return meeting.minutes_versions[-1] if meeting.minutes_versions else None


def _finish_approval(
    meeting: Meeting, rules: MeetingRules, how: dict, decided_at: datetime | None = None,
    actor_id: int | None = None,
) -> None:
    """Approve; ``decided_at`` is when the approval happened (the meeting that approved it,
    CORE-APPROVAL-MODE), which is what the approval deadline is measured against."""
    at = clock.now()
    _move(meeting, MeetingState.MINUTES_APPROVED, "få godkendt referatet")
    version = meeting.minutes_versions[0]
    version.approved_at = at
    meeting.minutes_approved_at = at
    meeting.minutes_approval = how
    d = deadlines(meeting, rules)
    _record_breach(meeting, BreachKind.APPROVAL_LATE, d.approval_due_at, d.approval_clause,
                   decided_at or at)
    # Approved minutes are final: their approval goes to the audit chain.
    audit.record("minutes.approved", f"meeting:{meeting.id}", {
        "version": version.number, "approval": how,
        "entries": {str(e.item_id): e.decision for e in version.entries},
    }, actor_id=actor_id)


@dataclass(frozen=True)
class ApprovalStanding:
    """Where a member stands with approving the minutes by e-mail, and the clause that
    says so: what the approval page shows, and what :func:`approve_by_member` refuses by
    (CORE-APPROVAL-MODE)."""

    #: ``may_approve``; ``approved_by_you`` (done, others still to approve); ``approved``
    #: (the minutes are approved); ``not_sent`` (not out for approval); ``not_by_email``
    #: (the body approves them otherwise); ``not_an_approver``.
    status: str
    #: The clause the answer comes from (the approval deadline's, or the approval mode's).
    clause: str | None = None
    #: When the member approved, if they did.
    approved_at: datetime | None = None
    #: The approval deadline (by e-mail).
    due_at: datetime | None = None
    #: Approvals so far, and how many are expected.
    approvals: int = 0
    approvers: int = 0


def approval_standing(meeting: Meeting, user: User, rules: MeetingRules, tenant, hooks) -> ApprovalStanding:
    """CORE-APPROVAL-MODE: whether ``user`` may approve the minutes by e-mail now, checked
    in the order :func:`approve_by_member` refuses in (the approval mode, the meeting's
    state, the approvers)."""
    if rules.approval_mode != "email":
        return ApprovalStanding("not_by_email", (meeting.body.sources or {}).get("approval_mode"))
    d = deadlines(meeting, rules)
    version = meeting.minutes_versions[0] if meeting.minutes_versions else None
    mine = next((a for a in version.approvals if a.user_id == user.id), None) if version else None
    approvers = expected_approvers(meeting, tenant, hooks)
    counts = {"approvals": len(version.approvals) if version else 0, "approvers": len(approvers),
              "approved_at": mine.approved_at if mine else None, "due_at": d.approval_due_at}
    if meeting.state is MeetingState.MINUTES_APPROVED:
        return ApprovalStanding("approved", d.approval_clause, **counts)
    if meeting.state is not MeetingState.MINUTES_SENT:
        return ApprovalStanding("not_sent", d.approval_clause, **counts)
    if user.id not in {u.id for u in approvers}:
        return ApprovalStanding("not_an_approver", d.approval_clause, **counts)
    return ApprovalStanding("approved_by_you" if mine else "may_approve", d.approval_clause, **counts)


def approve_by_member(
    meeting: Meeting, user: User, rules: MeetingRules, tenant, hooks
) -> MinutesApproval:
    """CORE-APPROVAL-MODE: members approve the minutes by e-mail (here: one click) by the
    deadline after the meeting; when the last member has approved, the minutes are approved.
    Approving again is no change."""
    standing = approval_standing(meeting, user, rules, tenant, hooks)
    if standing.status == "not_by_email":
        refuse(409, message="Referatet godkendes ikke af medlemmerne enkeltvis i dette organ.",
              clause=standing.clause, rule="meeting_rules")
    if standing.status in ("approved", "not_sent"):
        _refuse_transition(meeting, MeetingState.MINUTES_APPROVED, "få godkendt referatet")
    if standing.status == "not_an_approver":
        refuse(403, message="Kun organets medlemmer godkender referatet.",
              reason_en="Only the body's members approve the minutes.")
    approvers = expected_approvers(meeting, tenant, hooks)
    version = meeting.minutes_versions[0]
    approval = next((a for a in version.approvals if a.user_id == user.id), None)
    if approval is None:
        approval = MinutesApproval(user=user, approved_at=clock.now())
        version.approvals.append(approval)
        db.session.flush()
        audit.record("minutes.approval", f"meeting:{meeting.id}", {
            "version": version.number, "clause": standing.clause,
        }, actor_id=user.id)
    if {a.user_id for a in version.approvals} >= {u.id for u in approvers}:
        _finish_approval(meeting, rules, {
            "mode": "email", "clause": standing.clause,
            "approved_by": sorted(a.user.email for a in version.approvals),
        }, actor_id=user.id)
    db.session.flush()
    return approval


def approve_by_body(meeting: Meeting, at_meeting_id: int | None, rules: MeetingRules,
                    actor_id: int | None = None) -> Meeting:
    """CORE-APPROVAL-MODE: approved at the next meeting (as an item on its agenda), or
    approved by the board. The secretary records the approval."""
    mode = rules.approval_mode
    clause = (meeting.body.sources or {}).get("approval_mode")
    if mode not in ("next_meeting", "board"):
        refuse(409, message="Referatet godkendes af medlemmerne enkeltvis."
              if mode == "email" else "Kommissoriet kræver ingen godkendelse af referatet.",
              clause=clause, rule="meeting_rules")
    if meeting.state is not MeetingState.MINUTES_SENT:
        _refuse_transition(meeting, MeetingState.MINUTES_APPROVED, "få godkendt referatet")
    at_meeting = db.session.get(Meeting, at_meeting_id) if at_meeting_id else None
    if mode == "next_meeting" or at_meeting_id is not None:
        if at_meeting is None or at_meeting.body_id != meeting.body_id \
                or at_meeting.starts_at <= meeting.starts_at \
                or at_meeting.state not in (MeetingState.IN_SESSION, *HELD_STATES):
            # At the meeting while it sits, or recorded afterwards.
            refuse(409, message="Referatet godkendes på et senere møde i organet, mens det er i "
                  "gang eller efter, det er afholdt.",
                  clause=clause, rule="meeting_rules")
        if mode == "next_meeting" and not any(
            i.approves_minutes_of_id == meeting.id for i in at_meeting.items
        ):
            refuse(409, message="Godkendelsen af referatet skal være et punkt på mødets dagsorden.",
                  clause=clause, rule="meeting_rules")
        meeting.minutes_approved_at_meeting_id = at_meeting.id
    _finish_approval(meeting, rules, {
        "mode": mode, "clause": clause,
        "at_meeting": at_meeting.id if at_meeting is not None else None,
    }, decided_at=at_meeting.starts_at if at_meeting is not None else None, actor_id=actor_id)
    db.session.flush()
    return meeting


def correct_minutes(meeting: Meeting, reason: str, changes: list[dict], user: User) -> MinutesVersion:
    """Approved minutes are immutable; a correction is a new version with its reason."""
    latest = current_version(meeting)
    if latest is None or latest.approved_at is None:
        refuse(409, message="Kun et godkendt (endeligt) referat rettes med en ny version; "
              "et udkast rettes direkte.", rule="minutes", clause=None)
    if not reason.strip():
        refuse(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"reason": ["En rettelse kræver en begrundelse."]}})
    version = MinutesVersion(number=latest.number + 1, correction_reason=reason,
                             created_by_id=user.id)
    meeting.minutes_versions.append(version)
    for old in latest.entries:
        version.entries.append(MinutesEntry(
            item_id=old.item_id, decision=old.decision, public_decision=old.public_decision,
            dissents=list(old.dissents),
        ))
    by_item = {i.id: i for i in meeting.items}
    for change in changes:
        item = by_item.get(change["item_id"])
        if item is None:
            refuse(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"entries": [f"Punkt {change['item_id']} er ikke på mødet."]}})
        entry = next((e for e in version.entries if e.item_id == item.id), None)
        if entry is None:
            entry = MinutesEntry(item_id=item.id, decision="", public_decision="", dissents=[])
            version.entries.append(entry)
        entry.decision = change.get("decision", entry.decision)
        entry.public_decision = change.get("public_decision", entry.public_decision)
        if "dissents" in change:
            entry.dissents = [dict(d) for d in change["dissents"]]
        _check_public_decision(item, entry.decision, entry.public_decision)
    version.approved_at = clock.now()  # a correction is issued final
    db.session.flush()
    return version


def _was_final(version: MinutesVersion) -> bool:
    hist = sa.inspect(version).attrs.approved_at.history
    before = (hist.unchanged or hist.deleted or (None,))[0]
    return before is not None


@event.listens_for(Session, "before_flush")
def _approved_minutes_are_immutable(session, flush_context, instances) -> None:
    """The second wall behind the operations: no flush may change an approved version."""
    for obj in list(session.dirty) + list(session.new):
        if isinstance(obj, MinutesEntry) and obj.version is not None:
            changed = obj in session.new or session.is_modified(obj, include_collections=False)
            if changed and sa.inspect(obj.version).persistent and _was_final(obj.version):
                raise MinutesImmutable(f"minutes version {obj.version.id} is approved")
        elif isinstance(obj, MinutesVersion) and obj in session.dirty:
            if session.is_modified(obj, include_collections=False) and _was_final(obj):
                raise MinutesImmutable(f"minutes version {obj.id} is approved")
