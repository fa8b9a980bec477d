"""The test database between tests: emptied fast, and tenant files loaded from a snapshot
(used by the fixtures in :mod:`core.testing`; docs/decisions/0023-a-faster-test-suite.md).

* :func:`clear` empties the tables a test filled (only those: a test that wrote three
  tables pays for three) and puts every sequence back to its start, so each test starts
  from empty tables with ids from 1, as ``TRUNCATE … RESTART IDENTITY`` left them.
* :class:`TenantSnapshots` makes ``sync_tenant`` cheap: the first time a tenant file is
  loaded into a known state of the database (empty, or exactly what earlier loads in the
  same test left), it is loaded for real and the rows it wrote are kept; the next test that
  loads the same file into the same state gets those rows inserted as they were — the same
  ids, audit chain and hashes, the timestamps of the first load. A load it cannot vouch for
  (another plugin host, the database written since, a file that fails) is a real sync.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from core import clock

#: The first words of statements that change nothing.
_READS = frozenset({"select", "pragma", "show", "set", "begin", "commit", "rollback",
                    "savepoint", "release", "explain", "values"})


def _tables(db) -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _begin(conn) -> None:
    """On PostgreSQL, this transaction sees every tenant's rows (row-level security)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT set_config('app.bypass_rls', 'on', true)"))


def counts(conn, tables: list[sa.Table]) -> tuple[int, ...]:
    """The number of rows of each table, in one statement."""
    sql = " UNION ALL ".join(
        f'SELECT {i} AS i, COUNT(*) AS n FROM "{t.name}"' for i, t in enumerate(tables))
    found = dict(conn.execute(sa.text(sql)).all())
    return tuple(found[i] for i in range(len(tables)))


_triggered: dict[str, frozenset[str]] = {}


def _tables_with_triggers(conn) -> frozenset[str]:
    """PostgreSQL tables with a trigger of their own (the audit log refuses DELETE:
    migration d002); those are emptied with TRUNCATE, which fires no row trigger."""
    key = str(conn.engine.url)
    if key not in _triggered:
        _triggered[key] = frozenset(conn.execute(sa.text(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal")).scalars())
    return _triggered[key]


def clear(db) -> None:
    """Empty every table that has rows; sequences back to their start (PostgreSQL)."""
    tables = _tables(db)
    with db.engine.connect() as conn, conn.begin():
        _begin(conn)
        filled = {t.name for t, n in zip(tables, counts(conn, tables)) if n}
        postgres = conn.dialect.name == "postgresql"
        triggered = _tables_with_triggers(conn) if postgres else frozenset()
        for t in reversed(tables):  # those that refer to others first
            if t.name not in filled:
                continue
            if t.name in triggered:
                conn.execute(sa.text(f'TRUNCATE "{t.name}"'))
            else:
                conn.execute(sa.text(f'DELETE FROM "{t.name}"'))
        if postgres:
            conn.execute(sa.text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, "
                "start_value, false) FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))


class Writes:
    """Notices a write on any engine of this process (a listener on every engine): a
    snapshot is only good for the state it was taken from."""

    def __init__(self):
        self.seen = False
        self._quiet = threading.local()
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._note)

    def close(self) -> None:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", self._note)

    def quiet(self):
        """A context in which this thread's writes are the fixture's own."""
        writes = self

        class _Quiet:
            def __enter__(self):
                writes._quiet.on = True

            def __exit__(self, *exc):
                writes._quiet.on = False

        return _Quiet()

    def _note(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.seen or getattr(self._quiet, "on", False):
            return
        words = statement.lstrip().split(None, 1)
        if not words or words[0].lower() not in _READS:
            self.seen = True


@dataclass
class Snapshot:
    counts: tuple[int, ...]
    rows: dict[str, list[dict]]
    sequences: list[tuple[str, int]]
    report: object  # the SyncReport of the real load, with its subjects read


def _in_order(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Rows that refer to rows of their own table after those (organisations administered
    by another, bodies under a parent), so the foreign keys hold at every insert."""
    refs = [(fk.parent.key, fk.column.key) for fk in table.foreign_keys if fk.column.table is table]
    if not refs:
        return rows
    out, present, pending = [], set(), list(rows)
    while pending:
        ready = [r for r in pending
                 if all(r[col] is None or (target, r[col]) in present for col, target in refs)]
        if not ready:
            raise ValueError(f"{table.name}: rows refer to each other in a circle")
        for r in ready:
            out.append(r)
            present.update((target, r[target]) for _, target in refs)
        pending = [r for r in pending if not any(r is x for x in ready)]
    return out


def take(db, report) -> Snapshot:
    tables = _tables(db)
    with db.engine.connect() as conn, conn.begin():
        _begin(conn)
        rows = {}
        for t in tables:
            got = [dict(r._mapping) for r in conn.execute(
                sa.select(t).order_by(*t.primary_key.columns))]
            if got:
                rows[t.name] = _in_order(t, got)
        sequences = []
        if conn.dialect.name == "postgresql":
            sequences = [tuple(r) for r in conn.execute(sa.text(
                "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))]
        return Snapshot(counts(conn, tables), rows, sequences, report)


def _changes(table: sa.Table, old: list[dict], new: list[dict]) -> tuple[list, list]:
    """The rows of ``new`` that ``old`` lacks, and those it has with other values."""
    pk = [c.key for c in table.primary_key.columns]
    before = {tuple(r[k] for k in pk): r for r in old}
    after = {tuple(r[k] for k in pk) for r in new}
    if set(before) - after:
        raise ValueError(f"{table.name}: a load removed rows")  # sync never does; prune does
    added = [r for r in new if tuple(r[k] for k in pk) not in before]
    changed = [r for r in new if (was := before.get(tuple(r[k] for k in pk))) is not None
               and was != r]
    return added, changed


def restore(db, snap: Snapshot, since: Snapshot | None) -> None:
    """Make the database, in the state ``since`` (``None``: empty), what ``snap`` holds:
    the rows the load added, then the rows it changed (every column set, so no
    ``onupdate`` default runs)."""
    have = since.rows if since else {}
    tables = _tables(db)
    diffs = {t.name: _changes(t, have.get(t.name, []), snap.rows.get(t.name, []))
             for t in tables}
    with db.engine.connect() as conn, conn.begin():
        _begin(conn)
        for t in tables:
            added, _ = diffs[t.name]
            if added:
                conn.execute(t.insert(), added)
        for t in tables:
            _, changed = diffs[t.name]
            pk = list(t.primary_key.columns)
            for row in changed:
                conn.execute(t.update().where(*(c == row[c.key] for c in pk))
                             .values({k: v for k, v in row.items()
                                      if k not in {c.key for c in pk}}))
        for name, value in snap.sequences:
            conn.execute(sa.text("SELECT setval(CAST(:s AS regclass), :v, true)"),
                         {"s": name, "v": value})


def _frozen_report(report):
    """A copy of a SyncReport that outlives its session: subjects read now, payloads plain."""
    from core.tenants.operations import SyncReport, _Event, _plain

    events = [_Event(e.action, (lambda s=e.subject(): s), _plain(e.payload))
              for e in report.events]
    return SyncReport(report.tenant, report.created, list(report.changes), list(report.ended),
                      events)


def _copy(report):
    from core.tenants.operations import SyncReport

    return SyncReport(report.tenant, report.created, list(report.changes), list(report.ended),
                      list(report.events))


class TenantSnapshots:
    """One per test session (per xdist worker): snapshots by (state before, file)."""

    def __init__(self, default_host):
        self.signature = self._signature(default_host)
        self.snapshots: dict[tuple, Snapshot] = {}
        self.writes = Writes()
        self.state: tuple | None = ()
        self.loads = {"real": 0, "restored": 0}

    @staticmethod
    def _signature(host) -> tuple:
        return tuple((name, id(plugin)) for name, plugin in host.pm.list_name_plugin())

    def close(self) -> None:
        self.writes.close()

    def begin_test(self) -> None:
        """The database is empty (a test starts)."""
        self.state = ()
        self.writes.seen = False

    def _known_state(self, db) -> tuple | None:
        if self.state is None or self.writes.seen:
            return None
        with db.engine.connect() as conn, conn.begin():
            _begin(conn)
            now = counts(conn, _tables(db))
        expected = self.snapshots[self.state].counts if self.state else (0,) * len(now)
        return self.state if now == expected else None

    def sync(self, db, path: Path, host):
        from core.tenants.operations import sync_tenant_file

        db.session.flush()  # the test's own pending writes count as writes
        state = None
        if self._signature(host) == self.signature and path.is_file():
            state = self._known_state(db)
        if state is None:
            self.state = None  # from here on this test's loads are real
            return self._real(db, path, host)
        key = state + ((path.name, hashlib.sha256(path.read_bytes()).hexdigest(),
                        clock.today().isoformat()),)
        db.session.commit()  # as a real load ends the test's transaction, so does this one
        snap = self.snapshots.get(key)
        with self.writes.quiet():
            if snap is not None:
                restore(db, snap, self.snapshots.get(state))
                self.loads["restored"] += 1
            else:
                try:
                    report = sync_tenant_file(path, host)
                    frozen = _frozen_report(report)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    self.state = None
                    raise
                self.loads["real"] += 1
                snap = self.snapshots[key] = take(db, frozen)
        db.session.expire_all()
        self.state = key
        return _copy(snap.report)

    def _real(self, db, path: Path, host):
        from core.tenants.operations import sync_tenant_file

        try:
            report = sync_tenant_file(path, host)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        self.loads["real"] += 1
        return report
