"""Meetings as each reader may see them: members see closed items, others a padlock, the
public only published agendas and final minutes without the confidential part
(CORE-CLOSED-ITEMS). Builds plain values for the schemas; changes nothing."""

from __future__ import annotations

from types import SimpleNamespace

from core.identity.permissions import Role
from core.meetings import operations as ops
from core.meetings.models import Meeting, MeetingState


def _redacted_item(item) -> SimpleNamespace:
    return SimpleNamespace(
        id=item.id, position=item.position, kind=item.kind, title=public_title(item), case_text="",
        decision_theme="", economy="", recommendation="", is_confidential=True,
        confidentiality_reason=item.confidentiality_reason, public_title=public_title(item),
        standing_clause=item.standing_clause, topics=[], plan=None, district=None, guests=[],
        submitted_by_email=None, approves_minutes_of_id=None, attachments=[],
    )


def visible_items(meeting: Meeting, role: Role, hidden: frozenset[int] = frozenset()) -> list:
    """The agenda as ``role`` reads it: a closed item redacted for those below the body's
    members, and for a member standing disqualified on it (``hidden``,
    :func:`core.meetings.operations.hidden_items`; CORE-DISQUALIFIED)."""
    out = []
    see_closed = ops.can_see_confidential(role)

    def closed(i) -> bool:
        return i.is_confidential and (not see_closed or i.id in hidden)

    emails = _emails({i.submitted_by_id for i in meeting.items
                      if i.submitted_by_id is not None and not closed(i)})
    for item in meeting.items:
        if closed(item):
            out.append(_redacted_item(item))
            continue
        item.submitted_by_email = emails.get(item.submitted_by_id)
        out.append(item)
    return out


def _emails(user_ids: set[int]) -> dict[int, str]:
    """The submitters' e-mails in one statement (not one per item)."""
    if not user_ids:
        return {}
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import User

    from sqlalchemy.orm.util import identity_key

    found, missing = {}, set()
    for user_id in user_ids:  # seat holders are usually loaded already
        user = db.session.identity_map.get(identity_key(User, user_id))
        if user is not None:
            found[user_id] = user.email
        else:
            missing.add(user_id)
    if missing:
        found.update(db.session.execute(
            sa.select(User.id, User.email).where(User.id.in_(missing))).all())
    return found


def meeting_view(meeting: Meeting, role: Role, rules,
                 hidden: frozenset[int] = frozenset()) -> SimpleNamespace:
    view = SimpleNamespace(**{c: getattr(meeting, c) for c in (
        "id", "body", "kind", "state", "title", "starts_at", "duration_minutes", "location",
        "online_url", "call_reason", "agenda_published_at", "session_opened_at",
        "session_opened_by", "held_at", "minutes_sent_at",
        "minutes_approved_at", "cancelled_at", "cancel_reason", "minutes_approval", "breaches",
    )})
    view.deadlines = ops.deadlines(meeting, rules)
    view.items = visible_items(meeting, role, hidden)
    #: the closed items the reader is disqualified on, for the page's other parts
    view.hidden = hidden
    view.attendance = list(meeting.attendances) if role >= Role.MEMBER else []
    return view


def minutes_view(meeting: Meeting, role: Role, rules, tenant, hooks,
                 hidden: frozenset[int] = frozenset(), disqualified_rows: dict | None = None) -> dict:
    items = {i.id: i for i in meeting.items}
    see_closed = ops.can_see_confidential(role)
    versions = []
    # A draft is the members' business; others receive the minutes when they are sent.
    # (A motion closed during the meeting starts the draft before the meeting is recorded held.)
    drafting = meeting.state in (
        MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED, MeetingState.IN_SESSION,
        MeetingState.HELD,
    ) and role < Role.MEMBER
    versions_shown = [] if drafting else meeting.minutes_versions
    # who took no part in an item for disqualification (CORE-DISQUALIFIED): public, named
    lines = ops.minutes_lines(meeting, disqualified_rows) if versions_shown else {}
    for v in versions_shown:
        entries = []
        for e in sorted(v.entries, key=lambda e: items[e.item_id].position if e.item_id in items else 0):
            item = items.get(e.item_id)
            if item is None:
                continue
            closed = item.is_confidential and (not see_closed or item.id in hidden)
            entries.append({
                "item_id": item.id, "position": item.position,
                "title": ops_title(item, closed), "is_confidential": item.is_confidential,
                "decision": e.public_decision if closed else e.decision,
                "public_decision": e.public_decision,
                "dissents": [] if closed else [_dissent(d) for d in e.dissents],
                "disqualifications": lines.get(item.id, []),
                # A motion's result is public; its explanation may name the confidential.
                "result": e.result,
                "explanation": "" if closed else e.explanation,
            })
        versions.append({
            "number": v.number, "correction_reason": v.correction_reason,
            "approved_at": v.approved_at, "created_at": v.created_at, "entries": entries,
            "approved_by": sorted(a.user.email for a in v.approvals),
        })
    awaiting = []
    if rules.approval_mode == "email" and meeting.state is MeetingState.MINUTES_SENT and meeting.minutes_versions:
        done = {a.user_id for a in meeting.minutes_versions[0].approvals}
        awaiting = [u.email for u in ops.expected_approvers(meeting, tenant, hooks) if u.id not in done]
    objections, objections_due, objections_clause = [], None, None
    if rules.approval_mode == "tacit" and meeting.minutes_versions:
        objections_clause = ops.deadlines(meeting, rules).approval_clause
        if meeting.state is MeetingState.MINUTES_SENT:
            objections_due = ops.deadlines(meeting, rules).approval_due_at
        if role >= Role.MEMBER:
            objections = [{"id": o.id, "by": o.user.name, "text": o.text, "sent_at": o.sent_at,
                           "created_at": o.created_at} for o in meeting.minutes_versions[0].objections]
    return {
        "meeting_id": meeting.id, "state": meeting.state.value, "approval_mode": rules.approval_mode,
        "approval": meeting.minutes_approval, "awaiting_approval_from": awaiting,
        "objections_due_at": objections_due, "objections_clause": objections_clause,
        "objections": objections,
        "versions": versions,
    }


def ops_title(item, closed: bool) -> str:
    return public_title(item) if closed else item.title


def public_title(item) -> str:
    """What a closed item is called outside the platform: its public title."""
    return ops.closed_title(item)


def reason_text(item) -> str:
    """A closed item's § 27 reason as the public reads it."""
    return ops.CONFIDENTIALITY_REASONS.get(item.confidentiality_reason, "forvaltningslovens § 27")


# --------------------------------------------------------------------------- public


PUBLIC_AGENDA_STATES = {
    MeetingState.AGENDA_PUBLISHED, MeetingState.IN_SESSION, MeetingState.HELD,
    MeetingState.MINUTES_SENT, MeetingState.MINUTES_APPROVED,
}


def minutes_are_public(meeting: Meeting) -> bool:
    """Approved minutes, or final ones where the rules require no approval."""
    v = ops.current_version(meeting)
    return (
        meeting.state in (MeetingState.MINUTES_APPROVED, MeetingState.MINUTES_SENT)
        and v is not None and v.approved_at is not None
    )


def public_meeting(meeting: Meeting) -> dict:
    """A published agenda and, once final, its minutes: never a closed item's content."""
    final = ops.current_version(meeting) if minutes_are_public(meeting) else None
    decisions = {e.item_id: e for e in final.entries} if final else {}
    lines = ops.minutes_lines(meeting) if final else {}  # public in Danish practice
    items = []
    for item in meeting.items:
        e = decisions.get(item.id)
        closed = item.is_confidential
        items.append({
            "position": item.position, "kind": item.kind.value,
            "title": public_title(item) if closed else item.title, "is_confidential": closed,
            "confidentiality_reason": reason_text(item) if closed else "",
            "case_text": "" if closed else item.case_text,
            "recommendation": "" if closed else item.recommendation,
            "decision": None if e is None else (e.public_decision if closed else e.decision),
            "result": None if e is None else e.result,
            "explanation": None if e is None or closed else e.explanation,
            "disqualifications": lines.get(item.id, []),
        })
    return {
        "id": meeting.id, "body": meeting.body.key, "body_name": meeting.body.name,
        "kind": meeting.kind.value, "state": meeting.state.value, "title": meeting.title,
        "starts_at": meeting.starts_at, "location": meeting.location,
        "agenda_published_at": meeting.agenda_published_at,
        "minutes_approved_at": final.approved_at if final else None,
        "minutes_version": final.number if final else None,
        "items": items,
    }


def _dissent(d: dict | str) -> dict:
    """A dissent as readers see it: the member's name and organisation, the text and the
    clause it was recorded under; never the member's e-mail address."""
    if not isinstance(d, dict):
        return {"by": "", "organisation": "", "text": str(d), "clause": None}
    return {"by": d.get("by") or "", "organisation": d.get("organisation") or "",
            "text": d.get("text") or "", "clause": d.get("clause")}
