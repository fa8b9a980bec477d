"""Meetings: the annual plan, the lifecycle, agendas, attendance, minutes and deadlines.

Every rule about meetings is in this package or in the hooks it calls
(core/hooks/specs.py). The functions change state and flush, never commit; a refused
operation raises (through ``flask_smorest.abort``) before anything is changed, so the
request's rollback leaves the database as it was.

The lifecycle (ARCHITECTURE.md): planned → agenda published → in session → held →
minutes sent → minutes approved, or cancelled from planned / agenda published. Votes,
objections and closing a motion happen only in session (CORE-SESSION).

One room per concern (each module's docstring says what it holds):

* ``states`` — the lifecycle's states and the moves between them;
* ``loading`` — finding meetings and items (404 for none), the dashboard's next meetings;
* ``compliance`` — deadlines with their clauses, recorded breaches, the year's figures;
* ``agenda`` — standing items, items, closed items, publishing the agenda, attachments;
* ``lifecycle`` — the annual plan, creating, changing, opening, holding and cancelling
  meetings;
* ``attendance`` — who fills a seat (holder, substitute, delegate) and delegated mandates;
* ``minutes`` — the draft, motions' decisions and dissents, sending, approval, corrections;
* ``review`` — a review round of the draft minutes: members' comments, the secretary's
  resolutions;
* ``tacit`` — tacit approval: members' objections, approval when the time to object ends;
* ``disqualification`` — a member disqualified (inhabil) on an item: declared, recorded,
  withdrawn; who reads a closed item's material then (CORE-DISQUALIFIED).

The time is the platform's one clock, ``core.clock`` (tests and the demo set it there).
Dependencies point one way (states, loading ← compliance ← agenda ← lifecycle,
minutes). Other code imports from here, ``core.meetings.operations``: the names below are
the feature's operations. A name with a leading underscore belongs to the package; it is
shared between its modules, not offered to other features.
"""

from __future__ import annotations

from datetime import datetime

from core import clock

# Read by older callers through this module (the models' own home is core.meetings.models).
from core.meetings.models import AgendaItem, MeetingKind  # noqa: F401
from core.meetings.operations.states import (
    HELD_STATES,
    SESSION_CLAUSE,
    STATE_DA,
    TRANSITIONS,
    session_refusal,
)
from core.meetings.operations.loading import (
    body_meetings,
    get_item,
    get_meeting,
    load_for_page,
    load_for_view,
    upcoming_for_user,
    _year_start,
)
from core.meetings.operations.compliance import (
    Deadlines,
    compliance,
    deadlines,
    meeting_rules,
    next_meeting,
)
from core.meetings.operations.agenda import (
    CONFIDENTIALITY_REASONS,
    DECIDED_BEFORE,
    PUBLIC_TITLES,
    RECEIVES_PROPOSALS,
    add_attachment,
    add_item,
    can_see_confidential,
    closed_title,
    get_attachment,
    meeting_number,
    publish_agenda,
    read_attachment,
    receiving_item,
    remove_item,
    replace_attachment,
    standing_items,
    update_item,
)
from core.meetings.operations.lifecycle import (
    cancel,
    create_meeting,
    may_open,
    _new_meeting,
    open_session,
    plan_year,
    record_held,
    session_end_check,
    update_meeting,
)
from core.meetings.operations.attendance import (
    NOT_A_TENANT_PERSON,
    active_delegation,
    delegate_mandate,
    delegation_facts,
    meeting_facts,
    record_attendance,
    record_attendance_all,
)
from core.meetings.operations.minutes import (
    RESULT_DA,
    ApprovalStanding,
    MinutesImmutable,
    approval_standing,
    approve_by_body,
    approve_by_member,
    correct_minutes,
    current_version,
    draft,
    expected_approvers,
    record_dissent,
    record_motion_decision,
    record_motion_dissent,
    send_minutes,
    write_entry,
)
from core.meetings.operations.review import (
    add_comment as add_review_comment,
    comments as review_comments,
    get_comment as get_review_comment,
    open_review,
    resolve_comment as resolve_review_comment,
    review_view,
    send_for_review,
    unresolved as unresolved_review_comments,
)
from core.meetings.operations.tacit import (
    OBJECTION_MAX,
    approve_tacitly,
    object_to_minutes,
    tacit_approval_due,
)
from core.meetings.operations.disqualification import (
    DECLARATION_CHECKS,
    DISQUALIFIED_CLAUSE,
    DISQUALIFICATION_REASON_MAX,
    declaration_check,
    declare_disqualification,
    disqualification_dict,
    disqualifications,
    disqualified_items,
    disqualified_on,
    get_disqualification,
    MINUTES_LINE,
    hidden_items,
    minutes_lines,
    may_record_for_others,
    reads_closed_item,
    sits_on,
    standing_disqualification,
    withdraw_disqualification,
)


def now() -> datetime:
    """The platform's clock (:func:`core.clock.now`), read at each call, so a clock a test
    or the demo set there is the one this answers with."""
    return clock.now()
# Every public name of the package's modules is offered here too (tests/test_operations_layout.py).
from core.meetings.operations.compliance import chair_on  # noqa: E402,F401
from core.meetings.operations.review import (  # noqa: E402,F401
    INVALID,
    TEXT_MAX,
    add_comment,
    before_sending,
    comments,
    erase_for,
    export_for,
    get_comment,
    may_read_comment,
    resolve_comment,
    reviews,
    unresolved,
)
