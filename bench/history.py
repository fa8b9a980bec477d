"""Years of history for the scale benchmark, written in bulk (Core ``INSERT … RETURNING``
in batches on one connection, not the ORM and not the API: a hundred tenants' five years
are about half a million rows).

Per tenant, per body, per year: the body's ordinary meetings (``meetings_per_year``, at most
``MAX_MEETINGS``), each held, with every seat present, ``ITEMS`` agenda items (the first
``DECISIONS`` of them decision items with a closed motion and every voting seat's vote), and
approved minutes with an entry per item; and ``PROPOSALS`` proposals a year from the body,
decided in one step. The rows are plausible, not a story: enough that every table the
requests read has five years of other meetings, other tenants' rows and their indexes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

YEARS = 5
FIRST_YEAR = 2020
MAX_MEETINGS = 4
ITEMS = 5
DECISIONS = 3
MAX_VOTERS = 12
PROPOSALS = 4


def _insert(conn, table, rows: list[dict], returning: bool = False) -> list[int]:
    if not rows:
        return []
    if returning:
        ids = []
        for i in range(0, len(rows), 2000):
            ids += list(conn.execute(table.insert().returning(table.c.id), rows[i:i + 2000]).scalars())
        return ids
    for i in range(0, len(rows), 5000):
        conn.execute(table.insert(), rows[i:i + 5000])
    return []


def add_history(engine, years: int = YEARS, first_year: int = FIRST_YEAR) -> dict:
    """Add ``years`` of history to every tenant in the database; returns row counts."""
    from core.bodies.models import Body, Seat, SeatHolding
    from core.decisions.models import (
        CastAs, Motion, MotionPhase, MotionResult, ProcedureKind, Vote, VoteChoice,
    )
    from core.meetings.models import (
        ActingAs, AgendaItem, Attendance, AttendanceStatus, ItemKind, Meeting, MeetingState,
        MinutesEntry, MinutesVersion,
    )
    from core.proposals.models import Proposal, ProposalState, ProposalStep, StepKind, StepState

    t = {m: m.__table__ for m in (Meeting, AgendaItem, Attendance, Motion, Vote, MinutesVersion,
                                  MinutesEntry, Proposal, ProposalStep)}
    counts = dict.fromkeys(("meetings", "items", "attendances", "motions", "votes",
                            "minutes_entries", "proposals"), 0)
    rule = {"reason": "Beslutninger træffes ved afstemning.", "clause": "CORE-PROCEDURE",
            "source": "core"}
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT set_config('app.bypass_rls', 'on', true)"))
        bodies = conn.execute(sa.select(Body.__table__.c.id, Body.__table__.c.tenant_id,
                                        Body.__table__.c.meetings_per_year)).all()
        seats: dict[int, list] = {}
        holdings = SeatHolding.__table__
        for s in conn.execute(sa.select(Seat.__table__.c.id, Seat.__table__.c.body_id,
                                        Seat.__table__.c.key, Seat.__table__.c.title,
                                        holdings.c.holder_id, Seat.__table__.c.is_voting)
                              .outerjoin(holdings, sa.and_(holdings.c.seat_id == Seat.__table__.c.id,
                                                           holdings.c.valid_to.is_(None)))):
            seats.setdefault(s.body_id, []).append(s)
        for year in range(first_year, first_year + years):
            meetings, plan = [], []
            for body in bodies:
                n = max(1, min(body.meetings_per_year or 2, MAX_MEETINGS))
                for k in range(n):
                    starts = datetime(year, 1 + k * (12 // n), 10, 15, tzinfo=UTC)
                    meetings.append(dict(
                        tenant_id=body.tenant_id, body_id=body.id, starts_at=starts,
                        state=MeetingState.MINUTES_APPROVED, title="", location="Rådhuset",
                        agenda_published_at=starts - timedelta(days=7), held_at=starts,
                        minutes_sent_at=starts + timedelta(days=7),
                        minutes_approved_at=starts + timedelta(days=14)))
                    plan.append(body)
            meeting_ids = _insert(conn, t[Meeting], meetings, returning=True)
            counts["meetings"] += len(meeting_ids)
            items, attendances, item_plan = [], [], []
            for mid, m, body in zip(meeting_ids, meetings, plan):
                body_seats = seats.get(body.id, [])
                for s in body_seats:
                    attendances.append(dict(
                        tenant_id=body.tenant_id, meeting_id=mid, seat_id=s.id,
                        status=AttendanceStatus.PRESENT if s.holder_id else AttendanceStatus.ABSENT,
                        person_id=s.holder_id, acting_as=ActingAs.HOLDER))
                for i in range(ITEMS):
                    decision = i < DECISIONS
                    items.append(dict(
                        tenant_id=body.tenant_id, meeting_id=mid, position=i + 1,
                        kind=ItemKind.DECISION if decision else ItemKind.INFORMATION,
                        title=f"Punkt {i + 1} ({m['starts_at']:%Y-%m})",
                        case_text="Sagsfremstilling. " * 20, recommendation="", topics=[]))
                    item_plan.append((mid, body, decision, m["starts_at"]))
            _insert(conn, t[Attendance], attendances)
            counts["attendances"] += len(attendances)
            item_ids = _insert(conn, t[AgendaItem], items, returning=True)
            counts["items"] += len(item_ids)
            versions = [dict(tenant_id=m["tenant_id"], meeting_id=mid, number=1,
                             approved_at=m["minutes_approved_at"])
                        for mid, m in zip(meeting_ids, meetings)]
            version_ids = dict(zip(meeting_ids, _insert(conn, t[MinutesVersion], versions, returning=True)))
            motions, motion_plan, entries = [], [], []
            for iid, (mid, body, decision, starts) in zip(item_ids, item_plan):
                entries.append(dict(tenant_id=body.tenant_id, version_id=version_ids[mid], item_id=iid,
                                    decision="Indstillingen blev godkendt." if decision else "Taget til efterretning.",
                                    public_decision=""))
                if decision:
                    motions.append(dict(
                        tenant_id=body.tenant_id, item_id=iid, text="Forslaget godkendes.",
                        procedure=ProcedureKind.VOTE, procedure_rule=rule, competence_rule=rule,
                        phase=MotionPhase.CLOSED, quorum_at_open={"ok": True},
                        quorum_at_voting={"ok": True}, voting_opened_at=starts, closed_at=starts,
                        result=MotionResult.ADOPTED, outcome={"result": "adopted"}))
                    motion_plan.append(body)
            _insert(conn, t[MinutesEntry], entries)
            counts["minutes_entries"] += len(entries)
            motion_ids = _insert(conn, t[Motion], motions, returning=True)
            counts["motions"] += len(motion_ids)
            votes = []
            for motion_id, body in zip(motion_ids, motion_plan):
                voters = [s for s in seats.get(body.id, []) if s.is_voting and s.holder_id][:MAX_VOTERS]
                for s in voters:
                    votes.append(dict(tenant_id=body.tenant_id, motion_id=motion_id,
                                      unit_key=f"seat:{s.key}", unit_label=s.title[:200], weight=1,
                                      choice=VoteChoice.YES, cast_by_id=s.holder_id,
                                      cast_as=CastAs.HOLDER))
            _insert(conn, t[Vote], votes)
            counts["votes"] += len(votes)
            proposals, proposal_plan = [], []
            for body in bodies:
                for k in range(PROPOSALS):
                    proposals.append(dict(
                        tenant_id=body.tenant_id, origin_body_id=body.id,
                        title=f"Forslag {k + 1} {year}", text="Forslaget …",
                        decision_sought="Beslutning.", state=ProposalState.ADOPTED))
                    proposal_plan.append(body)
            proposal_ids = _insert(conn, t[Proposal], proposals, returning=True)
            counts["proposals"] += len(proposal_ids)
            _insert(conn, t[ProposalStep], [
                dict(tenant_id=body.tenant_id, proposal_id=pid, position=1, kind=StepKind.BODY,
                     action="decide", body_id=body.id, state=StepState.DONE)
                for pid, body in zip(proposal_ids, proposal_plan)])
    return counts

