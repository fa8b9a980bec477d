"""What every decision operation uses: the meeting states in which nothing more is decided.

(Refusals are core/errors.py's ``refuse``, which writes nothing.)
"""

from __future__ import annotations

from core.meetings.models import MeetingState


#: Meeting states in which decisions can no longer be taken or changed.
_FINISHED = (MeetingState.CANCELLED, MeetingState.MINUTES_APPROVED)


