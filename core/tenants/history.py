"""What a body or seat has behind it, and removing what has none:
``kommissorium tenants prune``.

A sync never deletes; it ends (core/tenants/operations.py) and says what history the ended
body or seat keeps (:func:`seat_history`, :func:`body_history`, :func:`describe_history`).
Only :func:`prune_tenant`, confirmed, deletes ended rows, and only those without history
(docs/decisions/0019-sync-ends-never-deletes.md). The caller commits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from core.audit import operations as audit
from core.bodies.models import Body, Seat
from core.extensions import db
from core.identity.models import User
from core.organisations.models import Organisation
from core.tenancy import tenant_scope
from core.tenants.models import Tenant


def _plain(value):
    """A value as the audit log keeps it: JSON, and people by id, never by name or
    address (an erasure must not leave them in an append-only log)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Organisation):
        return value.code
    if isinstance(value, User):
        return f"user:{value.id}"
    if isinstance(value, Body):
        return value.key
    return value


def _referring(table_name: str, *, skip: frozenset[str] = frozenset()):
    """Every (table, column) with a foreign key to ``table_name``, read from the models'
    metadata, so a feature that later refers to bodies or seats counts as history without
    this room knowing it."""
    target = db.metadata.tables[table_name]
    return [(t, fk.parent) for t in db.metadata.sorted_tables if t.name not in skip
            for fk in t.foreign_keys if fk.column.table is target]


def _count_refs(table_name: str, ids: list[int], skip: frozenset[str] = frozenset()) -> dict:
    counts: dict[str, int] = {}
    if not ids:
        return counts
    for t, column in _referring(table_name, skip=skip):
        n = db.session.scalar(sa.select(sa.func.count()).select_from(t).where(column.in_(ids)))
        if n:
            counts[t.name] = counts.get(t.name, 0) + n
    return counts


#: A seat's own parts, not history that refers to it: who held it from when to when goes
#: with the seat (what sat in a meeting is the meeting's history, counted as such).
_SEAT_PARTS = frozenset({"seat_holdings"})


def seat_history(seat: Seat) -> dict[str, int]:
    """What refers to the seat (attendance, delegated mandates …), and the meetings of its
    body held while it was valid: their attendee lists are read from the seats, so
    removing the seat would rewrite who sat there. Empty: the seat has no history."""
    counts = _count_refs("seats", [seat.id], skip=_SEAT_PARTS) if seat.id is not None else {}
    meetings = db.metadata.tables["meetings"]
    starts = db.session.scalars(sa.select(meetings.c.starts_at)
                                .where(meetings.c.body_id == seat.body_id)).all()
    held = sum(1 for at in starts if seat.is_valid_on(at.date()))
    if held:
        counts["meetings"] = held
    return counts


def body_history(body: Body) -> dict[str, int]:
    """What refers to the body (meetings, proposals, proposal steps, follow-ups, bodies
    reporting to it) and to its seats. Empty: the body has no history."""
    if body.id is None:
        return {}
    counts = _count_refs("bodies", [body.id], skip=frozenset({"seats", "body_recipients"}))
    for name, n in _count_refs("seats", [s.id for s in body.seats if s.id is not None],
                               skip=_SEAT_PARTS).items():
        counts[name] = counts.get(name, 0) + n
    return counts


#: Table names as a report says them: (one, several).
_WORDS = {
    "meetings": ("meeting", "meetings"),
    "attendances": ("attendance record", "attendance records"),
    "mandate_delegations": ("delegated mandate", "delegated mandates"),
    "proposals": ("proposal", "proposals"),
    "proposal_steps": ("proposal step", "proposal steps"),
    "follow_up_tasks": ("follow-up", "follow-ups"),
    "bodies": ("body reporting to it", "bodies reporting to it"),
}


def describe_history(history: dict[str, int]) -> str:
    """``{"meetings": 1, "attendances": 3}`` → ``"3 attendance records, 1 meeting"``."""
    if not history:
        return "no history"

    def words(name: str, n: int) -> str:
        one, several = _WORDS.get(name, (name.replace("_", " "), name.replace("_", " ")))
        return f"{n} {one if n == 1 else several}"

    return ", ".join(words(name, n) for name, n in sorted(history.items()))


# ---------------------------------------------------------------------------- prune


@dataclass
class PruneReport:
    tenant: str
    confirmed: bool
    #: What has no history and is (or, unconfirmed, would be) removed.
    removable: list[str] = field(default_factory=list)
    #: Ended rows that are kept because they have history.
    kept: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.removable:
            lines = [f"{self.tenant}: nothing to remove"]
        elif self.confirmed:
            lines = [f"{self.tenant}: removed {len(self.removable)}",
                     *(f"  {r}" for r in self.removable)]
        else:
            lines = [f"{self.tenant}: would remove {len(self.removable)} (ended, no history); "
                     "run again with --confirm to remove them",
                     *(f"  {r}" for r in self.removable)]
        if self.kept:
            lines.append(f"  kept, ended with history ({len(self.kept)}):")
            lines += [f"    {k}" for k in self.kept]
        return "\n".join(lines)


def prune_tenant(slug: str, *, confirm: bool = False) -> PruneReport:
    """List the ended bodies and seats without history; with ``confirm``, delete them and
    write each removal to the tenant's audit log. Rows with history are never removed.
    Raises ``LookupError`` for an unknown tenant. The caller commits."""
    tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=slug))
    if tenant is None:
        raise LookupError(f"no tenant {slug}")
    report = PruneReport(slug, confirm)
    with tenant_scope(tenant.id):
        doomed: list[tuple[str, object, dict]] = []
        bodies = db.session.scalars(sa.select(Body).order_by(Body.id)).all()
        for body in bodies:
            if body.ended_on is not None:
                history = body_history(body)
                if history:
                    report.kept.append(f"body {body.key} ({describe_history(history)})")
                else:
                    doomed.append(("body", body, {"key": body.key, "ended_on": body.ended_on,
                                                  "seats": [s.key for s in body.seats]}))
                    continue
            for seat in body.seats:
                if seat.ended_on is None:
                    continue
                history = seat_history(seat)
                if history:
                    report.kept.append(f"seat {body.key}/{seat.key} ({describe_history(history)})")
                else:
                    doomed.append(("seat", seat, {"body": body.key, "key": seat.key,
                                                  "ended_on": seat.ended_on}))
        for kind, obj, payload in doomed:
            name = payload["key"] if kind == "body" else f"{payload['body']}/{payload['key']}"
            extra = f" and its {len(payload['seats'])} seat(s)" if kind == "body" and payload["seats"] else ""
            report.removable.append(f"{kind} {name}{extra} (ended on {payload['ended_on']:%Y-%m-%d})")
            if confirm:
                subject = f"{kind}:{obj.id}"
                if kind == "seat":
                    obj.body.seats.remove(obj)
                else:
                    db.session.delete(obj)
                db.session.flush()
                audit.record(f"{kind}.pruned", subject, _plain(payload))
    return report
