"""Disqualification (inhabilitet, forvaltningsloven § 3) on an agenda item: a member
declares it, or the chair, the meeting leader or the secretary records it, with a short
reason; it is withdrawn, by whoever declared it or by them, before the item is decided.
A disqualified member does not read a closed item's material (CORE-CLOSED-ITEMS) and does
not take part in its decision: what that does to the member's vote unit is the
``disqualification_effect`` rule's (CORE-DISQUALIFIED, core/decisions/operations/situation.py).
Every declaration and withdrawal goes to the tenant's audit log.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core import clock
from core.audit import operations as audit
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.meetings.minutes_models import MinutesEntry, MinutesVersion
from core.meetings.models import AgendaItem, Disqualification, Meeting, MeetingState
from core.meetings.operations.agenda import can_see_confidential
from core.meetings.operations.lifecycle import may_open

#: The core's clause for disqualification.
DISQUALIFIED_CLAUSE = "CORE-DISQUALIFIED"
#: The longest reason (the column's length).
DISQUALIFICATION_REASON_MAX = 500

#: The states in which a disqualification may be declared or withdrawn: the item is not
#: treated yet, or is being treated.
_OPEN_STATES = (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED, MeetingState.IN_SESSION)

#: Checks other features register (the decisions feature: a vote already cast on the
#: item): ``check(item, person)`` answers a Danish reason to refuse the declaration, or None.
DECLARATION_CHECKS: list[Callable[[AgendaItem, User], str | None]] = []


def declaration_check(check: Callable[[AgendaItem, User], str | None]) -> Callable:
    """Register ``check``: a disqualification is refused (409) while it answers a reason."""
    DECLARATION_CHECKS.append(check)
    return check


def _decided(item: AgendaItem) -> bool:
    """Whether the item is decided: a motion on it closed (its result is in the minutes)."""
    return bool(db.session.scalar(
        sa.select(sa.func.count(MinutesEntry.id))
        .join(MinutesVersion, MinutesVersion.id == MinutesEntry.version_id)
        .where(MinutesEntry.item_id == item.id, MinutesEntry.result.is_not(None))))


def _require_open(meeting: Meeting, item: AgendaItem, acting: str, acting_en: str) -> None:
    if meeting.state not in _OPEN_STATES or _decided(item):
        refuse(409, f"Punktet er behandlet; inhabilitet kan ikke {acting} længere.",
               clause=DISQUALIFIED_CLAUSE, rule="disqualification",
               reason_en=f"The item has been dealt with; a disqualification can no longer be {acting_en}.")


def sits_on(meeting: Meeting, user: User) -> bool:
    """Whether ``user`` holds a seat of the meeting's body on its day, or fills one at the
    meeting (a substitute, a delegate): who may be disqualified on its items."""
    day = meeting.starts_at.date()
    if any(s.holder_id_on(day) == user.id for s in meeting.body.seats_on(day)):
        return True
    return any(a.person_id == user.id for a in meeting.attendances)


def may_record_for_others(user: User | None, meeting: Meeting) -> bool:
    """The chair, the meeting leader and the secretary (and the tenant's administrators)
    record that another member is disqualified, and withdraw any disqualification."""
    return may_open(user, meeting)


def declare_disqualification(meeting: Meeting, item: AgendaItem, user: User, *,
                             reason: str, person: str | None = None) -> Disqualification:
    """``user`` declares that they (``person`` empty or their own e-mail), or records that
    the member ``person`` (an e-mail), is disqualified on ``item``, with ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        refuse(422, message="Skriv en kort begrundelse.",
               errors={"json": {"reason": ["Skriv en kort begrundelse for inhabiliteten."]}})
    if len(reason) > DISQUALIFICATION_REASON_MAX:
        refuse(422, message="Begrundelsen er for lang.",
               errors={"json": {"reason": [f"Højst {DISQUALIFICATION_REASON_MAX} tegn."]}})
    email = (person or "").strip().lower() or user.email
    target = user if email == user.email else db.session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == email))
    if target is None or not sits_on(meeting, target):
        refuse(422, message="Personen er ikke medlem af organet ved mødet.",
               errors={"json": {"person": [
                   f"{email} har ikke en plads i {meeting.body.name} ved dette møde."]}})
    if target.id != user.id and not may_record_for_others(user, meeting):
        refuse(403, message="Kun formanden, mødelederen eller sekretæren kan registrere, at et "
               "andet medlem er inhabilt.",
               reason_en="Only the chair, the meeting leader or the secretary may record that "
               "another member is disqualified.")
    _require_open(meeting, item, "erklæres", "declared")
    for check in DECLARATION_CHECKS:
        why = check(item, target)
        if why:
            refuse(409, why, clause=DISQUALIFIED_CLAUSE, rule="disqualification")

    def already():
        refuse(409, f"{target.name} er allerede registreret som inhabil på punktet.",
               clause=DISQUALIFIED_CLAUSE, rule="disqualification",
               reason_en=f"{target.name} is already recorded as disqualified on the item.")

    if standing_disqualification(item, target) is not None:
        already()
    row = Disqualification(meeting_id=meeting.id, item_id=item.id, person_id=target.id,
                           reason=reason, declared_by_id=user.id, declared_at=clock.now())
    db.session.add(row)
    try:
        db.session.flush()  # the partial unique index settles concurrent declarations
    except IntegrityError:
        already()
    audit.record("disqualification.declared", f"item:{item.id}", {
        "meeting_id": meeting.id, "person": target.email, "reason": reason,
        "by_self": target.id == user.id, "clause": DISQUALIFIED_CLAUSE,
    }, actor_id=user.id)
    return row


def withdraw_disqualification(meeting: Meeting, item: AgendaItem, row: Disqualification,
                              user: User) -> Disqualification:
    """Withdraw a standing disqualification before the item is decided: by whoever declared
    it, or by the chair, the meeting leader or the secretary. The row stays."""
    if row.declared_by_id != user.id and not may_record_for_others(user, meeting):
        refuse(403, message="Kun den, der erklærede inhabiliteten, eller formanden, mødelederen "
               "eller sekretæren kan trække den tilbage.",
               reason_en="Only whoever declared the disqualification, or the chair, the meeting "
               "leader or the secretary, may withdraw it.")
    if row.withdrawn_at is not None:
        refuse(409, "Inhabiliteten er allerede trukket tilbage.", clause=DISQUALIFIED_CLAUSE,
               rule="disqualification", reason_en="The disqualification is already withdrawn.")
    _require_open(meeting, item, "trækkes tilbage", "withdrawn")
    row.withdrawn_at = clock.now()
    row.withdrawn_by_id = user.id
    db.session.flush()
    audit.record("disqualification.withdrawn", f"item:{item.id}", {
        "meeting_id": meeting.id, "person": row.person.email, "disqualification_id": row.id,
    }, actor_id=user.id)
    return row


def get_disqualification(item: AgendaItem, disqualification_id: int) -> Disqualification:
    """The item's disqualification ``disqualification_id``; another item's, or none: 404."""
    row = db.session.get(Disqualification, disqualification_id)
    if row is None or row.item_id != item.id:
        refuse(404, message="Not found.")
    return row


def standing_disqualification(item: AgendaItem, user: User) -> Disqualification | None:
    """``user``'s standing disqualification on ``item``, if any."""
    return db.session.scalar(sa.select(Disqualification).where(
        Disqualification.item_id == item.id, Disqualification.person_id == user.id,
        Disqualification.withdrawn_at.is_(None)))


def disqualifications(meeting: Meeting, *, withdrawn: bool = True) -> dict[int, list[Disqualification]]:
    """The meeting's disqualifications by item id, in the order declared (the withdrawn
    ones too unless ``withdrawn=False``)."""
    from sqlalchemy.orm import joinedload

    q = sa.select(Disqualification).where(Disqualification.meeting_id == meeting.id).options(
        joinedload(Disqualification.person), joinedload(Disqualification.declared_by),
        joinedload(Disqualification.withdrawn_by))
    if not withdrawn:
        q = q.where(Disqualification.withdrawn_at.is_(None))
    out: dict[int, list[Disqualification]] = {}
    for row in db.session.scalars(q.order_by(Disqualification.id)):
        out.setdefault(row.item_id, []).append(row)
    return out


def disqualified_on(item: AgendaItem) -> frozenset[str]:
    """The e-mails of the members standing disqualified on ``item`` (what the rules see)."""
    return frozenset(db.session.scalars(
        sa.select(User.email).join(Disqualification, Disqualification.person_id == User.id)
        .where(Disqualification.item_id == item.id, Disqualification.withdrawn_at.is_(None))))


def disqualified_items(meeting_id: int, user: User | None) -> frozenset[int]:
    """The items of the meeting on which ``user`` stands disqualified: their closed content
    is not for them (CORE-CLOSED-ITEMS, CORE-DISQUALIFIED)."""
    if user is None or getattr(user, "id", None) is None:
        return frozenset()
    return frozenset(db.session.scalars(sa.select(Disqualification.item_id).where(
        Disqualification.meeting_id == meeting_id, Disqualification.person_id == user.id,
        Disqualification.withdrawn_at.is_(None))))


def disqualification_dict(row: Disqualification) -> dict:
    """A disqualification as members read it (the API, the page)."""
    return {
        "id": row.id, "item_id": row.item_id, "person": row.person.email,
        "name": row.person.name, "reason": row.reason,
        "declared_by": row.declared_by.name if row.declared_by else None,
        "declared_at": row.declared_at, "withdrawn_at": row.withdrawn_at,
        "withdrawn_by": row.withdrawn_by.name if row.withdrawn_by else None,
        "is_standing": row.withdrawn_at is None,
    }


def hidden_items(meeting: Meeting, user: User | None,
                 rows: dict[int, list[Disqualification]] | None = None) -> frozenset[int]:
    """The meeting's closed items whose material ``user`` does not read because they stand
    disqualified on them (CORE-CLOSED-ITEMS, CORE-DISQUALIFIED): read as an information
    recipient reads them, by their public title. ``rows``: the meeting's disqualifications
    (:func:`disqualifications`) where they are loaded already."""
    closed = _closed_items(meeting)
    if not closed:
        return frozenset()  # nothing closed: nothing to ask
    if rows is not None:
        uid = getattr(user, "id", None)
        ids = {item_id for item_id, ds in rows.items()
               if any(d.person_id == uid and d.withdrawn_at is None for d in ds)}
    else:
        ids = disqualified_items(meeting.id, user)
    return frozenset(closed & ids)


def _closed_items(meeting: Meeting) -> frozenset[int]:
    """The ids of the meeting's closed items: from its items where they are loaded, else in
    one narrow statement (a document served from its cache does not load the agenda)."""
    if "items" in sa.inspect(meeting).dict:
        return frozenset(i.id for i in meeting.items if i.is_confidential)
    return frozenset(db.session.scalars(sa.select(AgendaItem.id).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.is_confidential.is_(True))))


def reads_closed_item(item: AgendaItem, role, user: User | None) -> bool:
    """Whether a reader with ``role`` in the item's body reads ``item``'s material: any
    reader an open item's; a closed item's, the body's members (CORE-CLOSED-ITEMS) unless
    they stand disqualified on it (CORE-DISQUALIFIED)."""
    if not item.is_confidential:
        return True
    return can_see_confidential(role) and item.id not in disqualified_items(item.meeting_id, user)


#: What the minutes say of a member disqualified on an item (CORE-DISQUALIFIED), in Danish
#: and English; public in Danish practice, so the public minutes say it too (without a
#: closed item's content, and without the reason).
MINUTES_LINE = ("{name} deltog ikke i behandlingen af punktet på grund af inhabilitet.",
                "{name} took no part in the item owing to disqualification.")


def minutes_lines(meeting: Meeting,
                  rows: dict[int, list[Disqualification]] | None = None) -> dict[int, list[dict]]:
    """The minutes' lines on disqualification, by item id: ``{name, text, text_en}`` for
    each member standing disqualified on the item, in the order declared. ``rows``: the
    meeting's disqualifications where they are loaded already."""
    if rows is None:
        found = db.session.execute(
            sa.select(Disqualification.item_id, User.name)
            .join(User, User.id == Disqualification.person_id)
            .where(Disqualification.meeting_id == meeting.id, Disqualification.withdrawn_at.is_(None))
            .order_by(Disqualification.id)).all()
    else:
        found = [(d.item_id, d.person.name) for ds in rows.values() for d in ds if d.withdrawn_at is None]
    out: dict[int, list[dict]] = {}
    for item_id, name in found:
        out.setdefault(item_id, []).append({
            "name": name, "text": MINUTES_LINE[0].format(name=name),
            "text_en": MINUTES_LINE[1].format(name=name)})
    return out
