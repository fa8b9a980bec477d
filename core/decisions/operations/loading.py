"""Finding an item, a motion, an item's motion and an item's stored decision (for the
minutes and for proposals).
"""

from __future__ import annotations

import sqlalchemy as sa

from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from core.decisions.models import Dissent, Motion, MotionPhase, MotionResult, Vote
from core.errors import refuse
from core.extensions import db
from core.meetings.models import AgendaItem


def get_motion(motion_id: int) -> Motion:
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        refuse(404, message="Forslaget findes ikke.")
    return motion


def motion_for_item(item: AgendaItem) -> Motion | None:
    return db.session.scalar(sa.select(Motion).where(Motion.item_id == item.id))


def motions_of_items(items) -> dict[int, Motion]:
    """The motion of each of ``items`` by item id, with its dissents and dissenters, and the
    votes of each motion not yet closed: two statements however many items (the meeting
    page's live votes and the leader's view; issue #20). A closed motion's result is in its
    outcome, so its votes are read only if something asks for them."""
    ids = [i.id for i in items]
    if not ids:
        return {}
    from core.identity.models import User

    motions = db.session.scalars(
        sa.select(Motion).where(Motion.item_id.in_(ids)).order_by(Motion.id)
        .options(joinedload(Motion.dissents).joinedload(Dissent.person)
                 .lazyload(User.affiliations))
    ).unique().all()
    _load_votes([m for m in motions if m.phase is not MotionPhase.CLOSED])
    found: dict[int, Motion] = {}
    for motion in motions:
        found.setdefault(motion.item_id, motion)
    return found


def _load_votes(motions: list[Motion]) -> None:
    """The votes of ``motions`` in one statement, in each motion's own order (by id);
    a motion whose votes are already in the session keeps them."""
    wanted = {m.id: m for m in motions if "votes" not in sa.inspect(m).dict}
    if not wanted:
        return
    by_motion: dict[int, list[Vote]] = {motion_id: [] for motion_id in wanted}
    for vote in db.session.scalars(
            sa.select(Vote).where(Vote.motion_id.in_(list(wanted))).order_by(Vote.id)):
        by_motion[vote.motion_id].append(vote)
    for motion_id, votes in by_motion.items():
        set_committed_value(wanted[motion_id], "votes", votes)


def decision_for_item(item: AgendaItem) -> dict | None:
    """The item's stored decision, for the minutes and for proposals: ``None`` until a
    motion on it has closed.

    :return: ``motion_id``, ``text`` (the decision as proposed or concluded), ``result``
        (adopted | rejected | not_quorate), ``passed``, ``closed_at``, ``explanation``
        (``da``, ``en``), ``outcome`` (the full explained outcome) and ``dissents``
        (organisation, person, text and the clause it cites; CORE-DISSENT).
    """
    motion = motion_for_item(item)
    if motion is None or motion.phase is not MotionPhase.CLOSED:
        return None
    return {
        "motion_id": motion.id,
        "text": motion.text,
        "result": motion.result.value,
        "passed": motion.result is MotionResult.ADOPTED,
        "closed_at": motion.closed_at,
        "explanation": motion.outcome["explanation"],
        "outcome": motion.outcome,
        "dissents": [
            {"organisation": d.organisation, "person": d.person.name if d.person else None,
             "text": d.text, "clause": d.clause}
            for d in motion.dissents
        ],
    }
