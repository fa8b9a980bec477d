"""Proposals: starting one, moving it along its route, hearings and follow-ups.

Every rule comes from the tenant's hooks, passed in as ``hooks``: who may start a proposal
(``proposal_origin_allowed``), where it goes (``proposal_route``), whether a body may decide
it (``body_competence``), which standing item receives it (``standing_items``) and what a
decision sets off (``follow_ups``). A refused move raises before anything is written, with
the rule's reason and clause. Operations flush, never commit.

:func:`record_decision` is the single door through which a body's decision or position on
a step is recorded: the secretary's API action, or a closed motion on the step's agenda
item (the ``decision_taken`` event hook, implemented in :mod:`core.proposals.hooks`).

One room per concern (each module's docstring says what it holds):

* ``common`` — the proposal as the rules see it, its history entries, refusals, the lock;
* ``access`` — who may do and see what;
* ``starting`` — starting a proposal and computing its route;
* ``agenda`` — a body's step placed on the body's next planned meeting;
* ``route`` — moving along the route: :func:`record_decision`, and where it is now;
* ``follow_ups`` — the tasks a decision sets off (CORE-FOLLOW-UPS);
* ``hearings`` — hearings, answers (on the platform, through a hearing contact's personal
  link, on paper), the mails to the parties and the reminders (CORE-HEARING);
* ``attachments`` — files attached to a proposal.

Dependencies point one way (common, access ← agenda ← starting, route, hearings;
follow_ups ← route). Other code imports from here, ``core.proposals.operations``. A name
with a leading underscore belongs to the package; it is shared between its modules, not
offered to other features.
"""

from __future__ import annotations

from core.proposals.operations.common import lock, matter_of
from core.proposals.operations.access import (
    MAY_ANSWER,
    MAY_ATTACH,
    MAY_COMPLETE,
    MAY_RECORD,
    answer_channel,
    caller_for,
    can_see,
    get_proposal,
    may_answer_for,
    may_manage,
    may_record_paper,
    takes_part,
    visible_proposals,
)
from core.proposals.operations.starting import origin_choices, start_proposal
from core.proposals.operations.agenda import (
    body_step_now,
    next_planned_meeting,
    place_current_step,
    place_step,
)
from core.proposals.operations.route import (
    DECIDING_ACTIONS,
    check_move,
    record_decision,
    step_for_agenda_item,
    where_is,
)
from core.proposals.operations.follow_ups import (
    complete_follow_up,
    get_follow_up,
    may_complete_follow_up,
    open_follow_ups,
)
from core.proposals.operations.hearings import (
    LINK_CLOSED,
    LINK_EXPIRED,
    LINK_GRACE,
    LINK_USED,
    DueReminder,
    answer_by_link,
    close_hearing,
    due_hearing_reminders,
    existing_answer,
    find_link,
    hearing_overview,
    link_state,
    link_token,
    open_hearing,
    refuse_spent_link,
    recipients,
    respond_to_hearing,
    same_answer,
    token_hash,
    write_hearing_reminders,
    write_outbox,
)
from core.proposals.operations.attachments import add_attachment, attachment_content
