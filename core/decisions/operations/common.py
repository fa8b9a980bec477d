"""What every decision operation uses: the refusal that writes nothing, and the meeting
states in which nothing more is decided.
"""

from __future__ import annotations

from flask_smorest import abort

from core.extensions import db
from core.meetings.models import MeetingState


#: Meeting states in which decisions can no longer be taken or changed.
_FINISHED = (MeetingState.CANCELLED, MeetingState.MINUTES_APPROVED)


def refuse(code: int, message: str, *, clause: str | None, rule: str) -> None:
    """Refuse the operation: nothing is written, the envelope cites the clause."""
    db.session.rollback()
    abort(code, message=message, clause=clause, rule=rule)
