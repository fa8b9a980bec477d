"""Motions as each reader may read them, by the meeting's own access.

The body's members and information recipients (and those present at the meeting) read a
motion as it is, a closed item's only where they may read the item (``is_visible``). Anyone
else reads by the public rules, as the public meeting pages do (CORE-CLOSED-ITEMS): nothing
before the agenda is published and nothing of a closed item; the proposed decision once the
agenda is published; the outcome once the minutes are final, as the minutes show it (the
units, never the persons who cast a unit's vote). Builds plain values; changes nothing.
"""

from __future__ import annotations

import enum
from types import SimpleNamespace

import sqlalchemy as sa
from flask_smorest import abort
from sqlalchemy.orm import joinedload

from core.decisions.models import Motion
from core.decisions.operations import is_visible, motion_for_item
from core.extensions import db
from core.identity.permissions import Role, role_in_body
from core.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting
from core.meetings.present import PUBLIC_AGENDA_STATES, minutes_are_public

#: The one answer for an item or motion a reader may not read, an unknown one, and an item
#: without a motion: they must not be told apart.
NOT_FOUND = "Punktet eller forslaget findes ikke."


class Reader(enum.Enum):
    """How a reader reads an item's decision process."""

    #: A member, information recipient or person present: the motion as it is.
    BODY = "body"
    #: Anyone else, the public rules.
    PUBLIC = "public"


def reader_of(item: AgendaItem, user) -> Reader | None:
    """How ``user`` (``None``: anonymous) may read ``item``'s motion, or ``None``."""
    meeting = item.meeting
    in_body = role_in_body(user, meeting.body) >= Role.INFORMATION_RECIPIENT if user else False
    if in_body or (user is not None and _is_present(meeting, user)):
        return Reader.BODY if is_visible(item, user) else None
    if item.is_confidential or meeting.state not in PUBLIC_AGENDA_STATES:
        return None
    return Reader.PUBLIC


def _is_present(meeting, user) -> bool:
    """Whether ``user`` is recorded present at ``meeting``: from its attendance when loaded,
    else in one statement (not every seat's row, as a vote by a member does not need them)."""
    if "attendances" in sa.inspect(meeting).dict:
        return any(a.person_id == user.id and a.status is AttendanceStatus.PRESENT
                   for a in meeting.attendances)
    return db.session.scalar(sa.select(sa.exists().where(
        Attendance.meeting_id == meeting.id, Attendance.person_id == user.id,
        Attendance.status == AttendanceStatus.PRESENT)))


def readable_item(item_id: int, user) -> tuple[AgendaItem, Reader]:
    """The item ``item_id`` and how ``user`` reads it; 404 where they may not."""
    item = db.session.get(AgendaItem, item_id)
    reader = reader_of(item, user) if item is not None else None
    if reader is None:
        abort(404, message=NOT_FOUND)
    return item, reader


def readable_motion(motion_id: int, user) -> tuple[Motion, Reader]:
    """The motion ``motion_id`` and how ``user`` reads it; 404 where they may not."""
    # with its item, meeting and body: what the reader's access and the rules read next
    motion = db.session.get(Motion, motion_id, options=[
        joinedload(Motion.item).joinedload(AgendaItem.meeting).joinedload(Meeting.body)])
    reader = reader_of(motion.item, user) if motion is not None else None
    if reader is None:
        abort(404, message=NOT_FOUND)
    return motion, reader


def readable_motion_of_item(item_id: int, user) -> tuple[Motion, Reader]:
    """The motion on item ``item_id``; an unknown item and one without a motion alike 404."""
    item, reader = readable_item(item_id, user)
    motion = motion_for_item(item)
    if motion is None:
        abort(404, message=NOT_FOUND)
    return motion, reader


def outcome_is_public(motion: Motion) -> bool:
    """Whether the public may read the motion's outcome: its minutes are final."""
    return motion.outcome is not None and minutes_are_public(motion.item.meeting)


def public_outcome(outcome: dict) -> dict:
    """The stored outcome as the minutes show it: the units and how each voted, without
    the persons who could cast a unit's vote."""
    units = [{k: v for k, v in row.items() if k != "casters"} for row in outcome.get("units", ())]
    return {**outcome, "units": units}


def as_read(motion: Motion, reader: Reader):
    """The motion as ``reader`` reads it (for ``MotionSchema``)."""
    if reader is Reader.BODY:
        return motion
    final = outcome_is_public(motion)
    return SimpleNamespace(
        id=motion.id, item_id=motion.item_id, item=SimpleNamespace(meeting_id=motion.item.meeting_id),
        text=motion.text, procedure=motion.procedure, procedure_rule=motion.procedure_rule,
        competence_rule=motion.competence_rule, phase=motion.phase, is_secret=motion.is_secret,
        is_weighted=motion.is_weighted, majority=motion.majority, quorum_at_open={},
        quorum_at_voting=None, opened_at=motion.opened_at, voting_opened_at=motion.voting_opened_at,
        closed_at=motion.closed_at if final else None, result=motion.result if final else None,
        outcome=public_outcome(motion.outcome) if final else None,
        votes=[], objections=[], dissents=[],
    )
