"""The meeting lifecycle's states and the moves between them.

planned → agenda published → in session → held → minutes sent → minutes approved, or
cancelled from planned / agenda published (ARCHITECTURE.md). A move the lifecycle does not
allow is refused with a 409 naming the state (rule ``meeting_lifecycle``). What only a
sitting meeting does (votes, objections, closing a motion) is refused outside the session
with a 409 citing CORE-SESSION (docs/decisions/0026-a-meeting-sits-before-it-decides.md).
"""

from __future__ import annotations


from core.errors import refuse
from core.meetings.models import Meeting, MeetingState


STATE_DA = {
    MeetingState.PLANNED: "planlagt",
    MeetingState.AGENDA_PUBLISHED: "indkaldt (dagsordenen er udsendt)",
    MeetingState.IN_SESSION: "i gang (mødet er åbnet)",
    MeetingState.HELD: "afholdt",
    MeetingState.MINUTES_SENT: "afholdt, og referatet er udsendt",
    MeetingState.MINUTES_APPROVED: "afholdt, og referatet er godkendt",
    MeetingState.CANCELLED: "aflyst",
}


#: The lifecycle: from each state, the states a meeting may move to.
TRANSITIONS = {
    MeetingState.PLANNED: {MeetingState.AGENDA_PUBLISHED, MeetingState.CANCELLED},
    MeetingState.AGENDA_PUBLISHED: {MeetingState.IN_SESSION, MeetingState.CANCELLED},
    # A meeting ends when it is recorded held (CORE-SESSION).
    MeetingState.IN_SESSION: {MeetingState.HELD},
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


#: The rule a sitting meeting's acts cite.
SESSION_CLAUSE = "CORE-SESSION"


def session_refusal(meeting: Meeting, acting_da: str) -> str | None:
    """Why ``acting_da`` cannot happen now, or ``None`` when the meeting sits (CORE-SESSION):
    a decision is taken only at a meeting that has been opened and not yet ended; between
    meetings, only through a written procedure."""
    if meeting.state is MeetingState.IN_SESSION:
        return None
    if meeting.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        why = "mødet er ikke åbnet endnu; mødelederen eller sekretæren åbner det på mødedagen"
    elif meeting.state is MeetingState.CANCELLED:
        why = "mødet er aflyst"
    else:
        why = "mødet er afsluttet"
    return (f"Der kan kun {acting_da}, mens mødet er i gang: {why} "
            f"(mødet er {STATE_DA[meeting.state]}).")
