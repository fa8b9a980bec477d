"""Noticing writes and bumping generations: every committed INSERT, UPDATE or DELETE bumps
its meeting's, its tenant's or the platform's generation after the commit
(docs/decisions/0008-meeting-document-cache.md, 0033-invalidate-the-meeting-written.md)."""

from __future__ import annotations

import contextvars
import logging
import re

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, Session

from core.meetings.cache.store import (
    PLATFORM, _gen_key, _meeting_scope, _row_scope, _store, _touched)

log = logging.getLogger("core.meetings.cache")

#: Tables whose rows never appear in, nor decide, a meeting document: writing them bumps
#: nothing. An API token's ``last_used_at`` is written on every request made with it, the
#: outbox on every mail sent, the audit chain beside every decision. Any table not named
#: here invalidates; add one only if no part of the document could ever come from it.
IGNORED_TABLES = frozenset({
    "api_tokens", "password_resets", "external_identities", "identity_providers",
    "notifications", "audit_entries", "calendar_feeds", "idempotency_keys",
    # the daily digests: the outbox's, as its rows are (decision 0035)
    "mail_digests",
    # made from the meeting, never read by its document (decision 0028)
    "generated_documents",
    # the search index: made from the meeting in the write's own transaction, never read
    # by its document (decision 0030)
    "search_documents", "search_grants",
    # the bytes of files, by checksum: a document shows a file's row (name, type, size,
    # checksum), written with it and noticed there, never the bytes (decision 0046)
    "file_contents",
})

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)
#: Tenants (or ``PLATFORM``) written in this context and not yet committed.


def _scoped_tables() -> set[str]:
    from core.tenancy import _scoped_tables as tables

    return {t.name for t in tables()}


#: Statements that change nothing, by their first word.
_READS = frozenset({"select", "show", "set", "begin", "commit", "rollback", "savepoint",
                    "release", "pragma", "explain", "values", "start", "end"})
_WRITE_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY)\b", re.I)


#: Tables whose rows belong to one meeting, with the column that leads to it and the table
#: that column names ("meetings": the meeting itself). A row of these written by an ORM
#: flush bumps its meeting's generation, not the tenant's, when the meeting can be told
#: from what the session holds (the row, and up the chain the rows it names, without a
#: statement); otherwise, and for any write outside a flush (a bulk or Core statement),
#: the tenant's. Deleting a meeting bumps the tenant's: the database sets other meetings'
#: references to it to NULL without a statement. A table not named here bumps the tenant's
#: (docs/decisions/0033-invalidate-the-meeting-written.md). A write of what an access decision
#: reads (:data:`DECIDING`) bumps the meeting row's generation too (decisions 0040, 0049).
MEETING_TABLES: dict[str, tuple[str, str | None]] = {
    "meetings": ("id", None),
    "agenda_items": ("meeting_id", "meetings"),
    "attendances": ("meeting_id", "meetings"),
    "deadline_breaches": ("meeting_id", "meetings"),
    "minutes_versions": ("meeting_id", "meetings"),
    "minutes_entries": ("version_id", "minutes_versions"),
    "minutes_approvals": ("version_id", "minutes_versions"),
    "attachments": ("item_id", "agenda_items"),
    "motions": ("item_id", "agenda_items"),
    "votes": ("motion_id", "motions"),
    "secret_ballots": ("motion_id", "motions"),
    "vote_changes": ("vote_id", "votes"),
    "objections": ("motion_id", "motions"),
    "dissents": ("motion_id", "motions"),
    # notes and comments (core/annotations): the reader's own page shows them
    "annotations": ("meeting_id", "meetings"),
    # a review round of the draft minutes and its comments (core/meetings/operations/review.py)
    "minutes_reviews": ("meeting_id", "meetings"),
    "minutes_review_comments": ("meeting_id", "meetings"),
    # members disqualified on an item (core/meetings/operations/disqualification.py)
    "disqualifications": ("meeting_id", "meetings"),
}


#: What a kept access decision reads of a meeting, by table: the meeting's own row (the
#: body the reader's role is in, its state), and what makes the audience a reader is
#: decided into (CORE-DISQUALIFIED): the items that are closed and who stands
#: disqualified on them. A write of these columns (``None``: of any column), and adding or
#: removing such a row, bumps the meeting row's generation, which the decisions are stamped
#: with; the meeting's place, its title or the ``situation_version`` an arrival gives it
#: leave them fresh (docs/decisions/0049-a-fresh-decision-renders-the-meeting.md).
DECIDING: dict[str, tuple[str, ...] | None] = {
    "meetings": ("body_id", "state", "tenant_id"),
    "agenda_items": ("is_confidential", "meeting_id", "tenant_id"),
    "disqualifications": None,
}


def _decides(kind: str, table: str, target) -> bool:
    """Whether writing ``target`` (a row of ``table``) may change an access decision."""
    if table not in DECIDING:
        return False
    columns = DECIDING[table]
    if kind != "update" or columns is None:
        return True
    attrs = sa_inspect(target).attrs
    return any(attrs[name].history.has_changes() for name in columns)


class _Flush:
    """What one ORM flush wrote to :data:`MEETING_TABLES`: the tables (with the tenant
    scope of each statement) and, from the mapper's events, the meetings of the rows."""

    def __init__(self, session):
        self.session = session
        self.written: set[tuple[str, int]] = set()
        self.meetings: dict[str, set[int]] = {}
        self.unknown: set[str] = set()
        #: By table, the meetings written in what an access decision reads (:func:`_decides`).
        self.deciding: dict[str, set[int]] = {}


_flushing: contextvars.ContextVar[_Flush | None] = contextvars.ContextVar(
    "meeting_cache_flushing", default=None)


def _touch(*what) -> None:
    touched = _touched.get() or frozenset()
    if not touched.issuperset(what):
        _touched.set(touched | set(what))


def _note_write(conn, cursor, statement, parameters, context, executemany) -> None:
    m = _WRITE.match(statement)
    if m is None:
        words = statement.split(None, 1)
        first = words[0].lower() if words else ""
        if first in _READS or (first == "with" and not _WRITE_WORD.search(statement)):
            return
        table = None  # a write we cannot attribute (a CTE, DDL …): it may touch anything
    else:
        table = m.group(1).lower()
    if table in IGNORED_TABLES:
        return
    from core.tenancy import _scope

    scope = _scope.get()
    tenant = scope.tenant_id if scope is not None else None
    what = tenant if (tenant is not None and table in _scoped_tables()) else PLATFORM
    flush = _flushing.get()
    if flush is not None and not getattr(flush.session, "_flushing", True):
        _spill()  # a flush with nothing to write ends without after_flush
        flush = None
    if flush is not None and what != PLATFORM and table in MEETING_TABLES:
        flush.written.add((table, what))  # attributed when the flush ends (_after_flush)
        return
    _touch(what)


def _mappers() -> dict[str, object]:
    from core.extensions import db

    return {m.local_table.name: m for m in db.Model.registry.mappers}


def _meetings_of(session, table: str, obj, depth: int = 0) -> set[int] | None:
    """The meetings ``obj`` (a row of ``table``) belongs to, before and after this flush,
    from what the session holds; ``None`` when that cannot be told without a statement."""
    column, parent = MEETING_TABLES[table]
    state = sa_inspect(obj)
    mapper = state.mapper
    key = mapper.get_property_by_column(mapper.local_table.c[column]).key
    history = state.attrs[key].history
    values = {*history.added, *history.unchanged, *history.deleted}
    if not values or None in values or depth > 4:
        return None
    if parent is None or parent == "meetings":
        return values
    from sqlalchemy.orm.util import identity_key

    parent_mapper = _mappers().get(parent)
    if parent_mapper is None:
        return None
    found: set[int] = set()
    for value in values:
        row = session.identity_map.get(identity_key(parent_mapper.class_, value))
        meetings = None if row is None else _meetings_of(session, parent, row, depth + 1)
        if meetings is None:
            return None
        found |= meetings
    return found


def _row_written(kind: str):
    def listener(mapper, connection, target) -> None:
        flush = _flushing.get()
        table = mapper.local_table.name
        if flush is None or table not in MEETING_TABLES:
            return
        from sqlalchemy.orm import object_session

        session = object_session(target)
        meetings = None
        if session is not None and not (kind == "delete" and table == "meetings"):
            meetings = _meetings_of(session, table, target)
        if meetings is None:
            flush.unknown.add(table)
        else:
            flush.meetings.setdefault(table, set()).update(meetings)
            if _decides(kind, table, target):
                flush.deciding.setdefault(table, set()).update(meetings)

    return listener


def _before_flush(session, flush_context, instances) -> None:
    _spill()
    _flushing.set(_Flush(session))


def _after_flush(session, flush_context) -> None:
    flush = _flushing.get()
    _flushing.set(None)
    if flush is None:
        return
    for table, tenant in flush.written:
        meetings = flush.meetings.get(table)
        if table in flush.unknown or not meetings:
            _touch(tenant)
        else:
            _touch(*(_meeting_scope(tenant, m) for m in meetings))
            # what an access decision reads (decisions 0040, 0049)
            _touch(*(_row_scope(tenant, m) for m in meetings & flush.deciding.get(table, set())))


def _spill() -> None:
    """Writes deferred for a flush that did not end with ``after_flush`` (it raised, or had
    nothing to write): counted for their tenants, more than needed, never less."""
    flush = _flushing.get()
    if flush is not None:
        _flushing.set(None)
        for _table, tenant in flush.written:
            _touch(tenant)


def _flush_failed(session, *args) -> None:
    _spill()


def _bump(forget: bool) -> None:
    if _flushing.get() is not None and not getattr(_flushing.get().session, "_flushing", True):
        _spill()
    touched = _touched.get()
    if not touched or not has_app_context():
        return
    if forget:
        _touched.set(None)
    store = _store()
    if store is None:
        return
    try:
        store.bump([_gen_key(t) for t in touched])
    except Exception:  # noqa: BLE001
        # The write is committed; a document stored before it must not outlive it. Without
        # the counters we cannot tell, so the stored documents are dropped by their TTL
        # and, meanwhile, this process stops serving any.
        log.error("meeting document cache: could not bump generations", exc_info=True)
        current_app.config["MEETING_CACHE"] = "off"


def _after_commit(session) -> None:
    _bump(forget=True)


def _before_commit(conn) -> None:
    # Writes committed on a connection outside a session (``engine.begin()``) have no
    # ``after_commit``: bump before the commit too. A session's commit bumps again after.
    _bump(forget=False)


def init_app(app) -> None:
    from core.extensions import db

    app.config.setdefault("MEETING_CACHE", "auto")
    # A thread serves many requests: writes it noticed and never committed (rolled back)
    # changed nothing, and must not keep the next request from the cache.
    app.before_request(reset_touched)
    with app.app_context():
        engine = db.engine
        if not event.contains(engine, "before_cursor_execute", _note_write):
            event.listen(engine, "before_cursor_execute", _note_write)
            event.listen(engine, "commit", _before_commit)


if not event.contains(Session, "after_commit", _after_commit):
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_soft_rollback", _flush_failed)
    for _kind in ("insert", "update", "delete"):
        event.listen(Mapper, f"after_{_kind}", _row_written(_kind))


def reset_touched() -> None:
    """Forget uncommitted writes noticed in this context (tests)."""
    _touched.set(None)
    _flushing.set(None)
