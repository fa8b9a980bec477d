"""Attendance as the rules read it: only people recorded present fill a seat."""

from datetime import datetime, timezone

import sqlalchemy as sa

from core.bodies.models import Body
from core.extensions import db
from core.identity.models import User
from core.meetings.attendees import attendees
from core.meetings.models import ActingAs, Attendance, AttendanceStatus, Meeting


def test_attendees_reflect_recorded_attendance(testby, in_tenant):
    with in_tenant(testby):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        meeting = Meeting(body=body, starts_at=datetime(2018, 3, 1, 15, tzinfo=timezone.utc))
        db.session.add(meeting)
        chair, a2, b = body.seats[0], body.seats[1], body.seats[2]
        day = meeting.starts_at.date()
        substitute = db.session.scalar(sa.select(User).where(User.id != chair.holder_id_on(day)))
        meeting.attendances += [
            Attendance(seat=chair, status=AttendanceStatus.PRESENT, person=chair.holder_on(day)),
            Attendance(seat=a2, status=AttendanceStatus.APOLOGIES, person=a2.holder_on(day)),
            Attendance(seat=b, status=AttendanceStatus.PRESENT, person=substitute,
                       acting_as=ActingAs.SUBSTITUTE),
        ]
        db.session.flush()
        result = attendees(meeting)
    assert len(result) == 6  # every seat of Testby's board
    by_seat = {a.seat_key: a for a in result}
    assert by_seat[chair.key].person == chair.holder_on(day).email and by_seat[chair.key].acting_as == "holder"
    assert by_seat[a2.key].person is None  # apologies: not present
    assert by_seat[b.key].person == substitute.email and by_seat[b.key].acting_as == "substitute"
    assert sum(a.present for a in result) == 2
