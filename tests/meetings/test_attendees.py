"""Attendance as the rules read it: only people recorded present fill a seat."""

from datetime import datetime, timezone

import sqlalchemy as sa

from core.bodies.models import Body
from core.extensions import db
from core.identity.models import User
from core.meetings.attendees import attendees
from core.meetings.models import ActingAs, Attendance, AttendanceStatus, Meeting


def test_attendees_reflect_recorded_attendance(sync_tenant, in_tenant):
    sync_tenant("albertslund")
    with in_tenant("albertslund"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        meeting = Meeting(body=body, starts_at=datetime(2018, 3, 1, 15, tzinfo=timezone.utc))
        db.session.add(meeting)
        va, ab, akb = body.seats[0], body.seats[1], body.seats[2]
        substitute = db.session.scalar(sa.select(User).where(User.id != va.holder_id))
        meeting.attendances += [
            Attendance(seat=va, status=AttendanceStatus.PRESENT, person=va.holder),
            Attendance(seat=ab, status=AttendanceStatus.APOLOGIES, person=ab.holder),
            Attendance(seat=akb, status=AttendanceStatus.PRESENT, person=substitute,
                       acting_as=ActingAs.SUBSTITUTE),
        ]
        db.session.flush()
        result = attendees(meeting)
    assert len(result) == 11
    by_seat = {a.seat_key: a for a in result}
    assert by_seat[va.key].person == va.holder.email and by_seat[va.key].acting_as == "holder"
    assert by_seat[ab.key].person is None  # apologies: not present
    assert by_seat[akb.key].person == substitute.email and by_seat[akb.key].acting_as == "substitute"
    assert sum(a.present for a in result) == 2
