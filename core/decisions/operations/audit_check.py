"""The tables checked against the audit log: each stored vote and each closed motion's
result and outcome, and each written procedure's answers and outcome, compared with what
the log says (``kommissorium audit verify``).
"""

from __future__ import annotations

import sqlalchemy as sa

from core.audit import operations as audit
from core.decisions.models import Motion, Vote, WrittenAnswer, WrittenProcedure
from core.extensions import db


def audit_mismatches(tenant_id: int) -> list[audit.Mismatch]:
    """Each stored vote and each closed motion's result and outcome, compared with what the
    tenant's audit log says they are (``kommissorium audit verify``): the chain proves the
    log was not changed; this proves the tables were not changed past the log.

    The log is replayed per motion: ``vote.cast``/``vote.recorded`` give a unit's choice,
    weight and capacity, ``vote.changed`` its new choice, ``motion.closed`` the result and
    the explained outcome. A row the log does not know, a logged vote whose row is gone and
    every differing field are reported, naming the table, the row and the field."""
    from core.audit.models import AuditEntry
    from core.tenancy import tenant_scope

    out: list[audit.Mismatch] = []

    def differs(table, row_id, subject, field, stored, audited):
        out.append(audit.Mismatch(tenant_id, table, row_id, field, stored, audited, subject))

    with tenant_scope(tenant_id):
        logged_votes: dict[tuple[int, str], dict] = {}
        logged_closes: dict[int, dict] = {}
        for e in db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.subject.like("motion:%"),
                                            AuditEntry.action.in_(("vote.cast", "vote.recorded",
                                                                   "vote.changed", "motion.closed")))
                .order_by(AuditEntry.seq)):
            motion_id = int(e.subject.partition(":")[2])
            if e.action == "motion.closed":
                logged_closes[motion_id] = e.payload
            elif e.action == "vote.changed":
                logged_votes.setdefault((motion_id, e.payload["unit"]), {})["choice"] = e.payload["to"]
            else:
                p = e.payload
                logged_votes[(motion_id, p["unit"])] = {
                    "choice": p.get("choice"), "weight": p.get("weight"), "cast_as": p.get("cast_as")}

        for v in db.session.scalars(sa.select(Vote).order_by(Vote.id)):
            subject = f"motion:{v.motion_id}"
            logged = logged_votes.pop((v.motion_id, v.unit_key), None)
            stored = {"choice": v.choice.value if v.choice else None, "weight": v.weight,
                      "cast_as": v.cast_as.value}
            if logged is None:
                differs("votes", v.id, subject, f"vote of {v.unit_key}", stored, audit.ABSENT)
                continue
            for name, value in stored.items():
                if name in logged and logged[name] != value:
                    differs("votes", v.id, subject, name, value, logged[name])
        for (motion_id, unit), logged in sorted(logged_votes.items()):
            differs("votes", None, f"motion:{motion_id}", f"vote of {unit}", audit.ABSENT, logged)

        motions = {m.id: m for m in db.session.scalars(
            sa.select(Motion).where(sa.or_(Motion.result.is_not(None),
                                           Motion.id.in_(list(logged_closes) or [-1])))
            .order_by(Motion.id))}
        for motion_id in sorted(motions.keys() | logged_closes.keys()):
            m, logged = motions.get(motion_id), logged_closes.get(motion_id)
            subject = f"motion:{motion_id}"
            if m is None:
                differs("motions", None, subject, "result", audit.ABSENT, logged["result"])
                continue
            result = m.result.value if m.result else None
            if logged is None:
                differs("motions", m.id, subject, "result", result, audit.ABSENT)
                continue
            if result != logged["result"]:
                differs("motions", m.id, subject, "result", result, logged["result"])
            found = audit.first_difference(m.outcome, logged.get("outcome"), "outcome")
            if found:
                differs("motions", m.id, subject, *found)
        _written_mismatches(differs)
    return out


def _written_mismatches(differs) -> None:
    """Each written procedure's answers (``written.answered``: choice, reason, capacity) and
    closed state and outcome (``written.closed``) against the log, as for votes and motions."""
    from core.audit.models import AuditEntry

    logged_answers: dict[tuple[int, str], dict] = {}
    logged_closes: dict[int, dict] = {}
    for e in db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.subject.like("written:%"),
                                        AuditEntry.action.in_(("written.answered", "written.closed")))
            .order_by(AuditEntry.seq)):
        procedure_id = int(e.subject.partition(":")[2])
        if e.action == "written.closed":
            logged_closes[procedure_id] = e.payload
        else:
            p = e.payload
            logged_answers[(procedure_id, p["unit"])] = {
                "choice": p.get("choice"), "reason": p.get("reason"), "answered_as": p.get("answered_as")}
    for a in db.session.scalars(sa.select(WrittenAnswer).order_by(WrittenAnswer.id)):
        subject = f"written:{a.procedure_id}"
        logged = logged_answers.pop((a.procedure_id, a.unit_key), None)
        stored = {"choice": a.choice.value, "reason": a.reason, "answered_as": a.answered_as.value}
        if logged is None:
            differs("written_answers", a.id, subject, f"answer of {a.unit_key}", stored, audit.ABSENT)
            continue
        for name, value in stored.items():
            if logged.get(name) != value:
                differs("written_answers", a.id, subject, name, value, logged.get(name))
    for (procedure_id, unit), logged in sorted(logged_answers.items()):
        differs("written_answers", None, f"written:{procedure_id}", f"answer of {unit}", audit.ABSENT, logged)
    procedures = {p.id: p for p in db.session.scalars(
        sa.select(WrittenProcedure).where(sa.or_(WrittenProcedure.outcome.is_not(None),
                                                 WrittenProcedure.id.in_(list(logged_closes) or [-1])))
        .order_by(WrittenProcedure.id))}
    for procedure_id in sorted(procedures.keys() | logged_closes.keys()):
        p, logged = procedures.get(procedure_id), logged_closes.get(procedure_id)
        subject = f"written:{procedure_id}"
        if p is None:
            differs("written_procedures", None, subject, "result", audit.ABSENT, logged["result"])
            continue
        result = p.state.value if p.outcome is not None else None
        if logged is None:
            differs("written_procedures", p.id, subject, "result", result, audit.ABSENT)
            continue
        if result != logged["result"]:
            differs("written_procedures", p.id, subject, "result", result, logged["result"])
        found = audit.first_difference(p.outcome, logged.get("outcome"), "outcome")
        if found:
            differs("written_procedures", p.id, subject, *found)
