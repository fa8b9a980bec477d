"""The meeting lifecycle's states and the moves between them.

planned → agenda published → held → minutes sent → minutes approved, or cancelled from
planned / agenda published (ARCHITECTURE.md). A move the lifecycle does not allow is
refused with a 409 naming the state (rule ``meeting_lifecycle``).
"""

from __future__ import annotations


from core.errors import refuse
from core.meetings.models import Meeting, MeetingState


STATE_DA = {
    MeetingState.PLANNED: "planlagt",
    MeetingState.AGENDA_PUBLISHED: "indkaldt (dagsordenen er udsendt)",
    MeetingState.HELD: "afholdt",
    MeetingState.MINUTES_SENT: "afholdt, og referatet er udsendt",
    MeetingState.MINUTES_APPROVED: "afholdt, og referatet er godkendt",
    MeetingState.CANCELLED: "aflyst",
}


#: The lifecycle: from each state, the states a meeting may move to.
TRANSITIONS = {
    MeetingState.PLANNED: {MeetingState.AGENDA_PUBLISHED, MeetingState.CANCELLED},
    MeetingState.AGENDA_PUBLISHED: {MeetingState.HELD, MeetingState.CANCELLED},
    MeetingState.HELD: {MeetingState.MINUTES_SENT},
    MeetingState.MINUTES_SENT: {MeetingState.MINUTES_APPROVED},
    MeetingState.MINUTES_APPROVED: set(),
    MeetingState.CANCELLED: set(),
}


#: States in which the meeting has taken place.
HELD_STATES = {MeetingState.HELD, MeetingState.MINUTES_SENT, MeetingState.MINUTES_APPROVED}


def _refuse_transition(meeting: Meeting, to: MeetingState, action_da: str):
    refuse(
        409,
        message=f"Mødet er {STATE_DA[meeting.state]}; det kan ikke {action_da}.",
        rule="meeting_lifecycle",
        clause=None,
    )


def _move(meeting: Meeting, to: MeetingState, action_da: str) -> None:
    if to not in TRANSITIONS[meeting.state]:
        _refuse_transition(meeting, to, action_da)
    meeting.state = to
