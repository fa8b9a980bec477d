"""Writing to and verifying the audit log.

:func:`record` appends an entry to the current tenant's chain (flush only; the caller's
transaction commits it together with the change it records, or neither is kept).
:func:`verify` recomputes every chain and reports the first broken link of each.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from core import clock
from core.audit.models import AuditEntry
from core.extensions import db
from core.tenancy import all_tenants, current_tenant_id

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


def _lock_chain(tenant_id: int) -> None:
    """Serialise writers of one tenant's chain until the transaction ends.

    On PostgreSQL a transaction-scoped advisory lock; SQLite serialises writers itself.
    The unique (tenant_id, seq) constraint is the backstop either way.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:ns, :tenant)"),
            {"ns": _LOCK_NAMESPACE, "tenant": tenant_id},
        )


def record(action: str, subject: str, payload: dict, *, actor_id: int | None = None) -> AuditEntry:
    """Append an event to the current tenant's audit chain."""
    tenant_id = current_tenant_id()
    _lock_chain(tenant_id)
    head = db.session.execute(
        sa.select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.tenant_id == tenant_id)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, "")
    at = clock.now()
    payload = json.loads(json.dumps(payload, ensure_ascii=False))  # plain JSON values only
    entry = AuditEntry(
        tenant_id=tenant_id,
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        subject=subject,
        payload=payload,
        prev_hash=prev_hash,
        hash=entry_hash(
            tenant_id=tenant_id, seq=seq, at=at, actor_id=actor_id, action=action,
            subject=subject, payload=payload, prev_hash=prev_hash,
        ),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


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
