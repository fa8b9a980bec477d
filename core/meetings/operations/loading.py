"""Finding meetings: by id (404 for none), a body's meetings of a year, the detail view's
meeting with what it shows, an item of a meeting, and a person's next meetings across
tenants (the dashboard).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from core.bodies.models import Body, Seat, SeatHolding
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingState,
    MinutesApproval,
    MinutesVersion,
)


def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        refuse(404, message="Not found.")
    return meeting


def load_for_view(meeting: Meeting) -> Meeting:
    """The meeting with what its detail shows loaded in a fixed number of statements,
    however long the agenda (issue #9 (b); tests/bench/test_query_counts.py): items with
    their attachments, attendance with its people and seats, breaches; one statement each."""
    from sqlalchemy.orm.attributes import set_committed_value

    items = db.session.scalars(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position).options(joinedload(AgendaItem.attachments))
    ).unique().all()
    attendances = db.session.scalars(
        sa.select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.id)
        # the view shows people's e-mails only, not their affiliations
        .options(joinedload(Attendance.person).lazyload(User.affiliations),
                 # the seat's key only: not its holder and organisation, which it joins by default
                 joinedload(Attendance.seat).lazyload("*"))
    ).all()
    set_committed_value(meeting, "items", items)
    set_committed_value(meeting, "attendances", attendances)
    meeting.breaches  # noqa: B018 - one statement, loaded here with the rest
    return meeting


def load_for_page(meeting: Meeting) -> Meeting:
    """:func:`load_for_view` and what the meeting page shows beside it: the minutes'
    versions with their entries and approvers, in a fixed number of statements however
    many items and versions (issue #20; tests/bench/test_page_query_counts.py)."""
    from sqlalchemy.orm.attributes import set_committed_value

    # The seats with their organisations and holdings first, in one statement (not the
    # holders' affiliations): the rules' facts and the attendance read who held each seat
    # on the meeting's day from memory then (core/bodies/facts.py).
    body = meeting.body
    if "seats" not in sa.inspect(body).dict:
        set_committed_value(body, "seats", db.session.scalars(
            sa.select(Seat).where(Seat.body_id == body.id).order_by(Seat.position)
            .options(joinedload(Seat.holdings).joinedload(SeatHolding.holder)
                     .lazyload(User.affiliations))).unique().all())
    load_for_view(meeting)
    # Approvals exist only once the minutes are sent (approving refuses before: minutes.py);
    # a meeting in session or just held reads none.
    sent = meeting.state in (MeetingState.MINUTES_SENT, MeetingState.MINUTES_APPROVED)
    options = [joinedload(MinutesVersion.entries)]
    if sent:
        options.append(selectinload(MinutesVersion.approvals).joinedload(MinutesApproval.user)
                       .lazyload(User.affiliations))
    versions = db.session.scalars(
        sa.select(MinutesVersion).where(MinutesVersion.meeting_id == meeting.id)
        .order_by(MinutesVersion.number).options(*options)
    ).unique().all()
    for version in versions if not sent else ():
        set_committed_value(version, "approvals", [])
    set_committed_value(meeting, "minutes_versions", versions)
    return meeting


def get_item(meeting: Meeting | None, item_id: int) -> AgendaItem:
    """The agenda item ``item_id`` of ``meeting`` (of any meeting of the tenant where
    ``meeting`` is ``None``): the one way an item is loaded. An unknown item, another
    meeting's and another tenant's answer alike: 404 "Not found."."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or (meeting is not None and item.meeting_id != meeting.id):
        refuse(404, message="Not found.")
    return item


def body_meetings(body: Body, year: int | None = None) -> list[Meeting]:
    q = sa.select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.starts_at)
    if year is not None:
        q = q.where(
            Meeting.starts_at >= _year_start(year), Meeting.starts_at < _year_start(year + 1)
        )
    return list(db.session.scalars(q))


def _year_start(year: int) -> datetime:
    from datetime import timezone

    return datetime(year, 1, 1, tzinfo=timezone.utc)


def upcoming_for_user(user: User, after: datetime, limit: int = 10) -> list[tuple[Meeting, object]]:
    """The next meetings, across tenants, of the bodies where ``user`` holds a seat (for the
    dashboard): ``(meeting, tenant)`` pairs, soonest first; cancelled meetings left out."""
    from core.tenancy import all_tenants
    from core.tenants.models import Tenant

    with all_tenants():
        held = sa.select(Seat.body_id).join(SeatHolding, SeatHolding.seat_id == Seat.id).where(
            SeatHolding.holder_id == user.id,
            sa.or_(SeatHolding.valid_to.is_(None), SeatHolding.valid_to >= after.date()),
            Seat.not_ended_sql(after.date()))
        return list(db.session.execute(
            sa.select(Meeting, Tenant).join(Tenant, Tenant.id == Meeting.tenant_id)
            .where(Meeting.body_id.in_(held), Meeting.starts_at >= after,
                   Meeting.state != MeetingState.CANCELLED)
            .order_by(Meeting.starts_at).limit(limit)
        ).all())
