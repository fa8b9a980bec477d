"""The meeting document (``GET …/meetings/<id>``) kept serialized per meeting and audience,
with generation counters so a write is never hidden (docs/decisions/0008-meeting-document-cache.md).

* The document is the JSON the endpoint answers, as bytes, for one meeting and one
  *audience*: the caller's role in the body (members see closed items and attendance,
  information recipients a padlock). The key names the tenant, the meeting and the role,
  so a document never crosses roles or tenants.
* Freshness: every committed write bumps a generation counter — its tenant's for a row of
  a tenant-scoped table, the platform's for any other table (users, organisations,
  tenants) or for a write made across tenants. A stored document carries the two
  generations read *before* it was rendered; it is served only while both are unchanged.
  Writes are noticed at the cursor (``before_cursor_execute``: every INSERT, UPDATE and
  DELETE, ORM flush or bulk statement alike) and the counters are bumped after the
  session commits, so a document rendered from a snapshot older than a write is stored
  under a generation nobody asks for any more.
* Where: Redis when ``REDIS_URL`` is set (the counters and documents shared by every
  worker, rq worker and ``tick``; one round trip reads both generations and the document).
  Without Redis the cache is off by default (``MEETING_CACHE=auto``): other processes
  (``tick``, a second worker) write to the same database and could not bump a counter in
  this one. ``MEETING_CACHE=on`` keeps it in the process anyway (a single process that is
  the database's only writer; the tests); ``off`` turns it off everywhere.
* The access decision (may this user, logged in by the session, read this meeting today,
  as which audience) is kept under the same generations, so a request whose decision and
  document are both fresh reads one Redis round trip and no database
  (docs/decisions/0009-cached-access-decision.md); on any miss the request is decided in
  full. The ETag lets a client revalidate for a 304.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import re
import threading
from collections import OrderedDict

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, Session

log = logging.getLogger(__name__)

#: A stored document lives this long at most (a safety net; generations decide freshness).
TTL_SECONDS = 3600
#: Documents kept in the process when there is no Redis.
LOCAL_SIZE = 512
PLATFORM = "*"

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
})

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)
#: Tenants (or ``PLATFORM``) written in this context and not yet committed.
_touched: contextvars.ContextVar[frozenset | None] = contextvars.ContextVar(
    "meeting_cache_touched", default=None)


# ----------------------------------------------------------------------------- storage


class _Local:
    """Counters and documents in this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.gens: dict[str, int] = {}
        self.docs: OrderedDict[str, bytes] = OrderedDict()

    def read(self, gen_keys: list[str], *doc_keys: str) -> tuple[list[int], list[bytes | None]]:
        with self.lock:
            docs = [self.docs.get(k) for k in doc_keys]
            for k, doc in zip(doc_keys, docs):
                if doc is not None:
                    self.docs.move_to_end(k)
            return [self.gens.get(k, 0) for k in gen_keys], docs

    def store(self, doc_key: str, doc: bytes) -> None:
        with self.lock:
            self.docs[doc_key] = doc
            self.docs.move_to_end(doc_key)
            while len(self.docs) > LOCAL_SIZE:
                self.docs.popitem(last=False)

    def bump(self, gen_keys: list[str]) -> None:
        with self.lock:
            for k in gen_keys:
                self.gens[k] = self.gens.get(k, 0) + 1


class _Redis:
    def __init__(self, url: str):
        from redis import Redis

        self.conn = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    def read(self, gen_keys: list[str], *doc_keys: str) -> tuple[list[int], list[bytes | None]]:
        """One ``MGET``: Redis answers it from one instant."""
        found = self.conn.mget([*gen_keys, *doc_keys])
        return [int(g or 0) for g in found[:len(gen_keys)]], found[len(gen_keys):]

    def store(self, doc_key: str, doc: bytes) -> None:
        self.conn.set(doc_key, doc, ex=TTL_SECONDS)

    def bump(self, gen_keys: list[str]) -> None:
        pipe = self.conn.pipeline(transaction=False)
        for k in gen_keys:
            pipe.incr(k)
        pipe.execute()


_stores: dict[tuple, object] = {}
_stores_lock = threading.Lock()


def _store():
    """This application's store, or ``None`` when the cache is off."""
    cfg = current_app.config
    mode = str(cfg.get("MEETING_CACHE", "auto")).lower()
    url = cfg.get("REDIS_URL") or ""
    if mode in ("off", "0", "false", "no") or (mode == "auto" and not url):
        return None
    key = (url, cfg["SQLALCHEMY_DATABASE_URI"], id(current_app) if not url else None)
    store = _stores.get(key)
    if store is None:
        with _stores_lock:
            store = _stores.get(key)
            if store is None:
                store = _stores[key] = _Redis(url) if url else _Local()
    return store


def _prefix() -> str:
    # Several installations may share one Redis: keys name the database they cache.
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    return "kommissorium:meetdoc:" + hashlib.sha1(uri.encode()).hexdigest()[:12]


def _gen_key(scope) -> str:
    return f"{_prefix()}:gen:{scope}"


#: The meeting document's shape: raised whenever what the document holds changes (a new
#: field, a closed item's public title), so a shared cache never answers with the old shape.
DOCUMENT_VERSION = 3


def _meeting_scope(tenant_id: int, meeting_id: int) -> str:
    """The scope of one meeting's generation: writes attributed to that meeting bump it."""
    return f"{tenant_id}:m{meeting_id}"


def _gen_keys(tenant_id: int, meeting_id: int) -> list[str]:
    """The three generations a meeting's documents are stamped with, in this order."""
    return [_gen_key(tenant_id), _gen_key(_meeting_scope(tenant_id, meeting_id)),
            _gen_key(PLATFORM)]


def _doc_key(tenant_id: int, meeting_id: int, audience: str) -> str:
    return f"{_prefix()}:doc:v{DOCUMENT_VERSION}:{tenant_id}:{meeting_id}:{audience}"


def page_suffix(login: str, language: str, day=None) -> str:
    """What the meeting page's key adds to the document's: the reader (the live vote's
    forms, the attendance form and the approval button are the reader's own), the language
    and the day (docs/decisions/0032-meeting-page-cache.md)."""
    return f":page:{login}:{language}:{(day or _today()).isoformat()}"


# ----------------------------------------------------------------------------- reading


def _stamp(gens: list[int]) -> bytes:
    """What a stored document or decision starts with: the generations it was made under."""
    return (":".join(map(str, gens)) + "\n").encode()


class Cached:
    """One look-up: ``doc`` when fresh; else ``store(bytes)`` after rendering."""

    def __init__(self, store, doc_key: str, gens: list[int], doc: bytes | None, day=None):
        self._store, self._key, self._gens = store, doc_key, gens
        #: The day a decision made after this look-up is valid for (the earliest it can be made on).
        self.day = day
        self._stamp = _stamp(gens)
        self.doc = doc[len(self._stamp):] if doc is not None and doc.startswith(self._stamp) else None

    @property
    def storable(self) -> bool:
        """Whether a rendered document will be kept (the cache is on and usable)."""
        return self._store is not None

    def store(self, payload: bytes) -> None:
        if self._store is not None:
            try:
                self._store.store(self._key, self._stamp + payload)
            except Exception:  # noqa: BLE001 - a cache that fails is a miss, never an error
                log.warning("meeting document cache: store failed", exc_info=True)


class Generations:
    """The generations of one meeting read before anything of it was read from the
    database: documents rendered afterwards are stamped with them (:meth:`lookup`)."""

    def __init__(self, store, tenant_id: int, meeting_id: int, gens: list[int], day=None):
        self.store, self.tenant_id, self.meeting_id, self.gens, self.day = (
            store, tenant_id, meeting_id, gens, day)

    @classmethod
    def off(cls) -> Generations:
        return cls(None, 0, 0, [])

    @property
    def usable(self) -> bool:
        return self.store is not None

    def lookup(self, audience: str, suffix: str = "") -> Cached:
        """The stored document for ``audience`` (the page for a reader: ``suffix``), fresh
        only if stamped with these generations; else :meth:`Cached.store` keeps a render."""
        if self.store is None or _touched.get():
            return Cached(None, "", [], None)
        key = _doc_key(self.tenant_id, self.meeting_id, audience) + suffix
        try:
            _gens, (doc,) = self.store.read([], key)
        except Exception:  # noqa: BLE001
            log.warning("meeting document cache: read failed", exc_info=True)
            return Cached(None, "", [], None)
        return Cached(self.store, key, self.gens, doc, self.day)


def generations(tenant_id: int, meeting_id: int) -> Generations:
    """Read the tenant's, the meeting's and the platform's generations in one ``MGET``,
    before the rows a document or a decision is made from are read."""
    store = _store()
    if store is None or _touched.get():
        # This request has written and not committed: its own view is not the stored one.
        return Generations.off()
    day = _today()  # before the generations: a decision made after them is made on this day or later
    try:
        gens, _docs = store.read(_gen_keys(tenant_id, meeting_id))
    except Exception:  # noqa: BLE001
        log.warning("meeting document cache: read failed", exc_info=True)
        return Generations.off()
    return Generations(store, tenant_id, meeting_id, gens, day)


def lookup(tenant_id: int, meeting_id: int, audience: str, suffix: str = "") -> Cached:
    """The generations and the stored document in one ``MGET`` (before anything is
    rendered), for a caller that needs no decision first (the PDFs' remembered keys)."""
    store = _store()
    if store is None or _touched.get():
        return Cached(None, "", [], None)
    day = _today()
    key = _doc_key(tenant_id, meeting_id, audience) + suffix
    try:
        gens, (doc,) = store.read(_gen_keys(tenant_id, meeting_id), key)
    except Exception:  # noqa: BLE001
        log.warning("meeting document cache: read failed", exc_info=True)
        return Cached(None, "", [], None)
    return Cached(store, key, gens, doc, day)


#: Tenant slug -> id, as last found here: the generations of a request decided in full are
#: read before the tenant's row is (checked against the row found; :func:`early_generations`).
_tenant_ids: dict[str, int] = {}


def early_generations(slug: str, meeting_id: int) -> Generations | None:
    """:func:`generations` before the tenant is looked up, for the tenant this process last
    found under ``slug``; ``None`` when it has found none (see :func:`generations_for`)."""
    tenant_id = _tenant_ids.get(slug)
    return None if tenant_id is None else generations(tenant_id, meeting_id)


def generations_for(tenant, meeting_id: int, early: Generations | None) -> Generations:
    """The generations for the request's ``tenant`` (a row just found by its slug): those
    read before it was found when they were read for it, else read now, and the tenant's
    row read again after them, so that nothing a render or a decision uses predates them."""
    if early is not None and early.tenant_id == tenant.id:
        return early
    gens = generations(tenant.id, meeting_id)
    if gens.usable:
        from core.extensions import db

        db.session.expire(tenant)
        if len(_tenant_ids) > 10_000:
            _tenant_ids.clear()
        _tenant_ids[tenant.slug] = tenant.id
    return gens


# ------------------------------------------------------------------- access decisions
#
# Whether the logged-in user U may read meeting M of the tenant named S on day D, and as
# which audience, is a function of rows in users, affiliations, tenants, tenant_admins,
# seats (with their validity: hence the day) and body_recipients. A write to any of them
# bumps the platform's or the tenant's generation like any other, so the decision is kept
# under the same two generations as the documents
# (docs/decisions/0009-cached-access-decision.md).


def _today():
    from core import clock

    return clock.today()


def _decision_key(slug: str, login: str, meeting_id: int, day) -> str:
    # The day: a seat's validity ends with a day, not with a write.
    return f"{_prefix()}:access:{slug}:{login}:{meeting_id}:{day.isoformat()}"


def remember_decision(slug: str, login: str, cached: Cached, tenant_id: int,
                      meeting_id: int, audience: str) -> None:
    """Keep the decision the request has just made, stamped with the generations ``cached``
    read before the rows it was made from (see :func:`lookup`). ``login`` is the session's
    user and session version (core.identity.auth.session_login): a session ended by its
    version never meets a decision made for a later session of the same user. It names the keys of the
    tenant's generation and of the document, so one round trip reads everything."""
    if cached.storable:
        tenant_key, meeting_key, _platform = _gen_keys(tenant_id, meeting_id)
        decision = f"{tenant_key}\n{meeting_key}\n{_doc_key(tenant_id, meeting_id, audience)}"
        try:
            cached._store.store(_decision_key(slug, login, meeting_id, cached.day),
                                cached._stamp + decision.encode())
        except Exception:  # noqa: BLE001
            log.warning("meeting document cache: storing a decision failed", exc_info=True)


#: Decision key -> the keys of the generations and the document it named when last read
#: here: a guess at what to read in the same ``MGET`` as the decision (checked against it).
_named: dict[str, tuple[str, str, str]] = {}


def _names(decision: bytes) -> tuple[str, str, str]:
    lines = decision.decode().split("\n")
    if len(lines) != 4:  # stored before meetings had generations of their own: a miss
        return ("", "", "")
    _stamp_line, tenant_key, meeting_key, doc_key = lines
    return tenant_key, meeting_key, doc_key


def decided_document(slug: str, login: str, meeting_id: int, suffix: str = "") -> bytes | None:
    """The document (or with ``suffix`` the page, :func:`page_suffix`) for a caller whose
    decision is stored and fresh, without the database: one ``MGET`` of the decision, the
    generations and the document it names (two when this process has not read the
    decision before). ``None`` (decide in full) on any miss."""
    store = _store()
    if store is None or _touched.get():
        return None
    key = _decision_key(slug, login, meeting_id, _today())
    named = _named.get(key)
    try:
        if named is None:
            _, (decision,) = store.read([], key)
            if decision is None:
                return None
            named = _names(decision)
        for _ in range(2):
            if not named[0]:
                return None
            gens, (decision, doc) = store.read([named[0], named[1], _gen_key(PLATFORM)], key,
                                               named[2] + suffix)
            if decision is None:
                return None
            if _names(decision) == named:
                break
            named = _names(decision)  # it names other keys than when last read here
        else:
            return None
    except Exception:  # noqa: BLE001
        log.warning("meeting document cache: reading a decision failed", exc_info=True)
        return None
    if len(_named) > 10_000:
        _named.clear()
    _named[key] = named
    if not decision.startswith(_stamp(gens)):
        return None  # decided before a write
    return Cached(store, "", gens, doc).doc


def answer_from_decision(values: dict, language: str | None = None) -> bytes | None:
    """For a ``url_value_preprocessor`` ahead of the tenant's binding: the document (with
    ``language``, the page) for a caller logged in by the session whose access decision is
    stored and fresh, the declared access marked as checked and the tenant left unbound;
    else ``None``, with the generations read for a request decided in full
    (:func:`early_generations`)."""
    from flask import g

    from core.identity.auth import forget_login, session_login, session_user_id
    from core.identity.permissions import Role

    user_id = session_user_id()
    login = session_login(user_id) if user_id else None
    suffix = page_suffix(login, language) if login and language else ""
    found = login and decided_document(values["tenant"], login, values["meeting_id"], suffix)
    if found is None:
        forget_login()
        # Decided in full, once: the generations first, then every row it is decided from.
        g.meeting_generations = early_generations(values["tenant"], values["meeting_id"])
        return None
    values.pop("tenant")  # the tenant is not loaded (bind_tenant skips it)
    g.access_checked = Role.INFORMATION_RECIPIENT  # the routes' declared role: decided
    return found


def keep_decision(cached: Cached, meeting, role) -> None:
    """Keep the access decision the request made, read after the generations ``cached`` is
    stamped with, for a caller logged in by the session whose row still allows it."""
    from core.identity.auth import logged_in_by_session, session_login
    from core.identity.permissions import current_person
    from core.tenancy import current_tenant

    if not cached.storable or not logged_in_by_session():
        return
    user = current_person()
    login = session_login(user.id, user) if user is not None and user.is_enabled else None
    if login is not None:
        remember_decision(current_tenant().slug, login, cached, meeting.tenant_id, meeting.id,
                          role.name)


def etag(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()[:32]


# ----------------------------------------------------------------------------- writing


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
#: (docs/decisions/0033-invalidate-the-meeting-written.md).
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
}


class _Flush:
    """What one ORM flush wrote to :data:`MEETING_TABLES`: the tables (with the tenant
    scope of each statement) and, from the mapper's events, the meetings of the rows."""

    def __init__(self, session):
        self.session = session
        self.written: set[tuple[str, int]] = set()
        self.meetings: dict[str, set[int]] = {}
        self.unknown: set[str] = set()


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


__all__ = ["Cached", "Generations", "answer_from_decision", "decided_document", "early_generations", "etag",
           "generations", "generations_for", "init_app", "keep_decision", "lookup", "page_suffix",
           "remember_decision", "reset_touched"]
