"""Attendance as the rules see it: one :class:`~core.rules.types.Attendee` per seat."""

from __future__ import annotations

from core.meetings.models import AttendanceStatus, Meeting
from core.rules.types import Attendee


def attendees(meeting: Meeting) -> list[Attendee]:
    """Every seat of the meeting's body valid on the meeting's day, and who fills it.

    A seat with nothing recorded, or with apologies or absence, has ``person=None``: only
    attendance recorded as present counts for quorum and votes.
    """
    day = meeting.starts_at.date()
    recorded = {a.seat_id: a for a in meeting.attendances}
    out = []
    for seat in meeting.body.seats:
        if not seat.is_valid_on(day):
            continue
        a = recorded.get(seat.id)
        present = a is not None and a.status is AttendanceStatus.PRESENT and a.person is not None
        out.append(
            Attendee(
                seat_key=seat.key,
                organisation=seat.organisation.code,
                role=seat.role.value,
                is_voting=seat.is_voting,
                person=a.person.email if present else None,
                acting_as=a.acting_as.value if present else "holder",
            )
        )
    return out
