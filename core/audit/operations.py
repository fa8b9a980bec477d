"""Writing to and verifying the audit log.

:func:`record` records an event in the current transaction; it is appended to the current
tenant's chain when that transaction commits, together with the change it records, or
neither is kept.
:func:`verify` recomputes every chain and reports the first broken link of each.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core import clock
from core.audit.models import AuditEntry
from core.extensions import db
from core.tenancy import all_tenants, current_tenant_id, tenant_scope

#: First key of the PostgreSQL advisory lock that serialises appends to one tenant's chain.
_LOCK_NAMESPACE = 0x4B41  # "KA"


def entry_hash(
    *, tenant_id: int, seq: int, at, actor_id, action: str, subject: str, payload, prev_hash: str
) -> str:
    """SHA-256 over a canonical JSON of the entry's content and the previous hash."""
    content = json.dumps(
        {
            "tenant_id": tenant_id,
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "action": action,
            "subject": subject,
            "payload": payload,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _lock_chain(session: Session, tenant_id: int) -> None:
    """Serialise writers of one tenant's chain until the transaction ends.

    On PostgreSQL a transaction-scoped advisory lock, taken when the transaction commits
    (:func:`_append_pending`); SQLite serialises writers itself. The unique
    (tenant_id, seq) constraint is the backstop either way.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:ns, :tenant)"),
            {"ns": _LOCK_NAMESPACE, "tenant": tenant_id},
        )


@dataclass(frozen=True)
class _Pending:
    """An event recorded in a transaction, chained when the transaction commits."""

    transaction: object
    tenant_id: int
    at: datetime
    actor_id: int | None
    action: str
    subject: str
    payload: dict


_PENDING = "kommissorium.audit_pending"


def record(action: str, subject: str, payload: dict, *, actor_id: int | None = None) -> None:
    """Record an event for the current tenant's audit chain, in the current transaction.

    The entry is appended to the chain when the transaction commits, and only then: a
    transaction (or savepoint) rolled back takes its events with it, and the chain's head is
    locked only for the moment of the commit, not for the rest of the work that records
    it (docs/decisions/0034-a-vote-reads-what-voting-opened-with.md)."""
    session = db.session()
    pending = _Pending(
        session.get_nested_transaction() or session.get_transaction() or session.begin(),
        current_tenant_id(), clock.now(), actor_id, action, subject,
        json.loads(json.dumps(payload, ensure_ascii=False)),  # plain JSON values only
    )
    session.info.setdefault(_PENDING, []).append(pending)


@sa.event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    """Append the events recorded in the committing transaction to their tenants' chains
    (in tenant order, so two transactions never wait for each other's locks in a circle),
    each after its chain's head as this transaction sees it under the lock."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    for tenant_id in sorted({p.tenant_id for p in pending}):
        with tenant_scope(tenant_id):
            _lock_chain(session, tenant_id)
            head = session.execute(
                sa.select(AuditEntry.seq, AuditEntry.hash)
                .where(AuditEntry.tenant_id == tenant_id)
                .order_by(AuditEntry.seq.desc())
                .limit(1)
            ).first()
            seq, prev_hash = (head.seq, head.hash) if head else (0, "")
            for p in pending:
                if p.tenant_id != tenant_id:
                    continue
                seq += 1
                entry = AuditEntry(
                    tenant_id=tenant_id, seq=seq, at=p.at, actor_id=p.actor_id, action=p.action,
                    subject=p.subject, payload=p.payload, prev_hash=prev_hash,
                    hash=entry_hash(tenant_id=tenant_id, seq=seq, at=p.at, actor_id=p.actor_id,
                                    action=p.action, subject=p.subject, payload=p.payload,
                                    prev_hash=prev_hash),
                )
                session.add(entry)
                prev_hash = entry.hash
            session.flush()


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    """Events recorded in a transaction or savepoint that rolled back were never done."""
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [p for p in pending
                                  if not _within(p.transaction, previous_transaction)]


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@dataclass(frozen=True)
class ChainReport:
    """The result of verifying one tenant's chain."""

    tenant_id: int
    entries: int
    #: ``None`` when the chain is intact; else the first broken link.
    broken_at_seq: int | None = None
    entry_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at_seq is None


def verify_chain(tenant_id: int) -> ChainReport:
    """Walk one tenant's chain in order and stop at the first entry that does not fit."""
    rows = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.tenant_id == tenant_id).order_by(AuditEntry.seq)
    )
    prev_hash, count = "", 0
    for expected_seq, entry in enumerate(rows, start=1):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(tenant_id, count, expected_seq, entry.id,
                               f"entry {expected_seq} is missing (next is {entry.seq})")
        if entry.prev_hash != prev_hash:
            return ChainReport(tenant_id, count, entry.seq, entry.id,
                               "prev_hash does not match the previous entry's hash")
        actual = entry_hash(
            tenant_id=entry.tenant_id, seq=entry.seq, at=entry.at, actor_id=entry.actor_id,
            action=entry.action, subject=entry.subject, payload=entry.payload,
            prev_hash=entry.prev_hash,
        )
        if actual != entry.hash:
            return ChainReport(tenant_id, count, entry.seq, entry.id,
                               "content does not match its hash (the entry was altered)")
        prev_hash = entry.hash
    return ChainReport(tenant_id, count)


def verify(tenant_ids: list[int] | None = None) -> list[ChainReport]:
    """Verify every tenant's chain (or the given tenants'), across tenants on purpose."""
    with all_tenants():
        if tenant_ids is None:
            tenant_ids = list(db.session.scalars(
                sa.select(AuditEntry.tenant_id).distinct().order_by(AuditEntry.tenant_id)
            ))
        return [verify_chain(t) for t in tenant_ids]


# ---------------------------------------------------------------------------- live rows


@dataclass(frozen=True)
class Mismatch:
    """A stored row that does not say what the audit log says it should: a change made
    past the application (SQL with the triggers off, a restore of the wrong backup).

    The feature that owns the rows finds these (``core.decisions.operations.
    audit_mismatches`` for votes and outcomes); the audit log only holds the record."""

    tenant_id: int
    #: The table and primary key of the row (``None``: the row the log names is missing).
    table: str
    row_id: int | None
    #: The field that differs, a dotted path into JSON (``outcome.counts.yes``).
    field: str
    stored: object
    audited: object
    #: The audit subject the row belongs to, e.g. ``motion:12``.
    subject: str

    def __str__(self) -> str:
        row = f"{self.table} id {self.row_id}" if self.row_id is not None else f"{self.table} (missing)"
        return (f"{row} of {self.subject}: {self.field} is {_shown(self.stored)} in the table, "
                f"{_shown(self.audited)} in the audit log")


def _shown(value) -> str:
    if value is ABSENT:
        return "absent"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class _Absent:
    def __repr__(self) -> str:
        return "absent"


#: A value one side does not have (a row or a key that is not there).
ABSENT = _Absent()


def first_difference(stored, audited, path: str) -> tuple[str, object, object] | None:
    """The first place (a dotted path) where two JSON values differ, or ``None``."""
    if isinstance(stored, dict) and isinstance(audited, dict):
        for key in sorted(stored.keys() | audited.keys(), key=str):
            found = first_difference(stored.get(key, ABSENT), audited.get(key, ABSENT),
                                     f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(stored, list) and isinstance(audited, list) and len(stored) == len(audited):
        for i, (a, b) in enumerate(zip(stored, audited, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if stored == audited else (path, stored, audited)


# ---------------------------------------------------------------------------- anchors


@dataclass
class Anchor:
    """A chain's latest link as written down outside the database (``audit head``):
    a later rewrite of the whole chain, hashes recomputed, no longer matches it."""

    tenant_id: int
    seq: int
    hash: str


def heads() -> list[Anchor]:
    """Each tenant's latest entry: what to keep outside the database."""
    with all_tenants():
        latest = (sa.select(AuditEntry.tenant_id, sa.func.max(AuditEntry.seq).label("seq"))
                  .group_by(AuditEntry.tenant_id).subquery())
        rows = db.session.execute(
            sa.select(AuditEntry.tenant_id, AuditEntry.seq, AuditEntry.hash)
            .join(latest, sa.and_(AuditEntry.tenant_id == latest.c.tenant_id,
                                  AuditEntry.seq == latest.c.seq))
            .order_by(AuditEntry.tenant_id)
        ).all()
    return [Anchor(*row) for row in rows]


def check_anchor(anchor: Anchor) -> str | None:
    """Why the stored chain does not hold ``anchor`` any more, or ``None`` if it does."""
    with all_tenants():
        stored = db.session.scalar(sa.select(AuditEntry.hash).where(
            AuditEntry.tenant_id == anchor.tenant_id, AuditEntry.seq == anchor.seq))
    if stored is None:
        return f"entry {anchor.seq} recorded in the anchor is missing"
    if stored != anchor.hash:
        return f"entry {anchor.seq} no longer has the hash recorded in the anchor (the chain was rewritten)"
    return None
