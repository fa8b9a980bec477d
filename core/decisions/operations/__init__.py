"""Decisions: open a motion on a decision item, vote, object, record dissent, close, dry run.

Every rule comes from the tenant's hooks (passed in as ``hooks``): ``body_competence``
(may the body decide this?), ``vote_units`` (who votes, who may cast each unit),
``quorum``, ``decision_procedure`` and ``tally``. Units are computed from the meeting's
attendance (:func:`core.meetings.attendees.attendees`) and kept with the motion while
nothing they were computed from changes (``situation``), so a member who leaves stops
counting for the quorum at the close.

Refusals cite their clause: ``refuse(409|422, <Danish reason>, clause=…, rule=…)`` (core/errors.py).
A refused operation writes nothing (``refuse`` rolls the session back first).
Operations flush, never commit; every vote, change and outcome is also written to the
audit log (:mod:`core.audit.operations`).

One room per concern (each module's docstring says what it holds):

* ``common`` — the refusal that writes nothing; the states in which nothing is decided;
* ``loading`` — items, motions and an item's stored decision;
* ``situation`` — what the rules see: matter, attendance, vote units, quorum, follow-ups;
* ``access`` — who may lead, who may see a closed item, which unit a person acts for;
* ``motions`` — opening, putting to the vote, objecting, closing; dissents (CORE-DISSENT);
* ``votes`` — casting, recording from the room, changing; votes still to cast;
* ``dry_run`` — the outcome if these attended and voted so, nothing stored;
* ``session`` — the meeting leader's view while the meeting sits: attendance against the
  quorum rule, the open motions' votes so far;
* ``written`` — written procedure between meetings (skriftlig behandling): its units (the
  vote's own), starting one, who reads it;
* ``written_answers`` — its answers, closing it (settled, or at the deadline by the tick)
  with the explained outcome, the next meeting's agenda, the mails the tick writes;
* ``audit_check`` — the tables compared with the audit log.

Dependencies point one way (common, loading ← situation ← access ← motions ← votes).
Other code imports from here, ``core.decisions.operations``. A name with a leading
underscore belongs to the package; it is shared between its modules, not offered to
other features.
"""

from __future__ import annotations

from core.decisions.operations.loading import (
    decision_for_item,
    get_motion,
    motion_for_item,
    motions_of_items,
)
from core.decisions.operations.situation import Situation, follow_ups_for, matter_for, situation
from core.decisions.operations.access import is_visible, may_lead
from core.decisions.operations.motions import (
    close_motion,
    object_to,
    open_motion,
    open_voting,
    record_dissent,
)
from core.decisions.operations.votes import (
    cast_vote,
    change_vote,
    record_votes,
    votes_waiting,
    voting_view,
)
from core.decisions.operations.dry_run import dry_run, dry_run_for_input
from core.decisions.operations.session import session_view
from core.decisions.operations.audit_check import audit_mismatches
from core.decisions.operations.written import (
    answerable_units,
    get_written_procedure,
    may_read_written_procedure,
    readable_written_procedure,
    start_written_procedure,
    written_caller,
    written_matter,
    written_procedures_of_body,
    written_situation,
    written_waiting_for,
)
from core.decisions.operations.written_answers import (
    answer_written_procedure,
    close_due_written_procedures,
    place_written_on_next_meeting,
    written_due_mails,
)
