"""Who may act: the meeting's leader (open, put to the vote, close, record votes), who may
see a closed item, and the one unit a person may vote or object for.
"""

from __future__ import annotations


from core.bodies.models import Body, SeatRole
from core.decisions.operations.situation import Situation
from core.errors import refuse
from core.identity.permissions import Role, role_in_body
from core.meetings import operations as meetings
from core.meetings.models import AgendaItem, AttendanceStatus
from core.rules.types import Attendee, VoteUnit


def may_lead(user, body: Body, sit: Situation | None = None) -> bool:
    """The meeting leader, the chair, the body's secretary or the tenant's administrators
    open, put to the vote and close motions."""
    if user is None:
        return False
    if role_in_body(user, body) >= Role.BODY_SECRETARY:
        return True
    leading = {SeatRole.CHAIR, SeatRole.MEETING_LEADER}
    if any(s.current_holder_id == user.id and s.role in leading for s in body.current_seats):
        return True
    return sit is not None and any(
        a.person == user.email and a.role in ("chair", "meeting_leader") for a in sit.attendees
    )


#: What a meeting's leader does, in English, for the refusal's ``reason_en``.
def _require_leader(user, body: Body, sit: Situation | None, what: str, what_en: str) -> None:
    if not may_lead(user, body, sit):
        refuse(403, message=f"Kun mødelederen, formanden eller sekretæren kan {what}.",
              reason_en=f"Only the meeting leader, the chair or the secretary may {what_en}.")


def is_visible(item: AgendaItem, user) -> bool:
    """A closed (confidential) item and its decision process are visible to the body's
    members and to those present at the meeting only, never to a member disqualified on it
    (CORE-DISQUALIFIED); other items to everyone."""
    if not item.is_confidential:
        return True
    if user is None:
        return False
    if item.id in meetings.disqualified_items(item.meeting_id, user):
        return False
    body = item.meeting.body
    if role_in_body(user, body) >= Role.MEMBER:
        return True
    return any(a.person_id == user.id and a.status is AttendanceStatus.PRESENT
               for a in item.meeting.attendances)


def _units_of(user, sit: Situation, unit_key: str | None, *, acting: str) -> VoteUnit:
    """The one unit ``user`` may act for (vote or object), or a refusal citing the rule.

    Any present representative of a unit (holder, substitute or delegate) may cast its
    vote; non-voting seats never vote (CORE-UNITS)."""
    units_clause = next((u.clause for u in sit.units if u.clause), "CORE-UNITS")
    for d in sit.disqualifications:  # CORE-DISQUALIFIED: never through the disqualified
        if user.email in d.get("emails", ()):
            refuse(409, f"Du er inhabil på punktet og kan ikke {acting}. {d['reason']}",
                   clause=d.get("clause"), rule="disqualification_effect",
                   reason_en=f"You are disqualified on the item. {d.get('reason_en') or ''}".strip())
    mine = [u for u in sit.units if user.email in u.casters]
    if unit_key is not None:
        mine = [u for u in mine if u.key == unit_key or u.label == unit_key]
    if not mine:
        here = [a for a in sit.attendees if a.person == user.email]
        if not here:
            refuse(409, f"Du er ikke registreret som til stede ved mødet og kan ikke {acting}.",
                   clause="CORE-ATTENDANCE", rule="vote_units")
        if unit_key is not None and any(a.is_voting for a in here):
            refuse(409, f"Du kan ikke {acting} for {unit_key}.", clause=units_clause,
                   rule="vote_units")
        refuse(409, f"Din plads har ikke stemmeret; kun stemmeberettigede pladser kan {acting}.",
               clause=units_clause, rule="vote_units")
    eligible = [u for u in mine if u.eligible]
    if not eligible:
        unit = mine[0]
        refuse(409, unit.reason or f"{unit.label} har ikke stemmeret i denne sag.",
               clause=unit.clause, rule="vote_units")
    if len(eligible) > 1:
        refuse(422, "Du repræsenterer flere stemmeberettigede; angiv hvilken ('unit': "
               + ", ".join(u.key for u in eligible) + ").", clause=None, rule="vote_units")
    return eligible[0]


def _attendee_for(user, sit: Situation, unit: VoteUnit) -> Attendee | None:
    """The seat through which ``user`` casts ``unit``'s vote (for holder/substitute/delegate)."""
    mine = [a for a in sit.attendees if a.person == user.email and a.is_voting]
    return next(iter(_seats_of(unit, mine)), None)


def _seats_of(unit: VoteUnit, attendees: list[Attendee]) -> list[Attendee]:
    """Those of ``attendees`` that sit for ``unit`` itself (its seat, or a seat of its
    organisation), or all of them when none does."""
    kind, _, ref = unit.key.partition(":")
    exact = [a for a in attendees if (kind == "seat" and a.seat_key == ref)
             or (kind == "org" and a.organisation == ref)]
    return exact or attendees
