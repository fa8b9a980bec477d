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
from sqlalchemy.orm import Session

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
    # made from the meeting, never read by its document (decision 0028)
    "generated_documents",
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


def _doc_key(tenant_id: int, meeting_id: int, audience: str) -> str:
    return f"{_prefix()}:doc:v{DOCUMENT_VERSION}:{tenant_id}:{meeting_id}:{audience}"


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


def lookup(tenant_id: int, meeting_id: int, audience: str) -> Cached:
    """Read the generations and the stored document in one go (before anything is rendered)."""
    store = _store()
    if store is None:
        return Cached(None, "", [], None)
    day = _today()  # before the generations: a decision made after them is made on this day or later
    doc_key = _doc_key(tenant_id, meeting_id, audience)
    try:
        gens, (doc,) = store.read([_gen_key(tenant_id), _gen_key(PLATFORM)], doc_key)
    except Exception:  # noqa: BLE001
        log.warning("meeting document cache: read failed", exc_info=True)
        return Cached(None, "", [], None)
    if _touched.get():
        # This request has written and not committed: its own view is not the stored one.
        return Cached(None, "", [], None)
    return Cached(store, doc_key, gens, doc, day)


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
        decision = f"{_gen_key(tenant_id)}\n{_doc_key(tenant_id, meeting_id, audience)}"
        try:
            cached._store.store(_decision_key(slug, login, meeting_id, cached.day),
                                cached._stamp + decision.encode())
        except Exception:  # noqa: BLE001
            log.warning("meeting document cache: storing a decision failed", exc_info=True)


#: Decision key -> the keys of the generation and the document it named when last read
#: here: a guess at what to read in the same ``MGET`` as the decision (checked against it).
_named: dict[str, tuple[str, str]] = {}


def _names(decision: bytes) -> tuple[str, str]:
    _stamp_line, tenant_key, doc_key = decision.decode().split("\n")
    return tenant_key, doc_key


def decided_document(slug: str, login: str, meeting_id: int) -> bytes | None:
    """The document for a caller whose decision is stored and fresh, without the database:
    one ``MGET`` of the decision, the generations and the document it names (two when this
    process has not read the decision before). ``None`` (decide in full) on any miss."""
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
            gens, (decision, doc) = store.read([named[0], _gen_key(PLATFORM)], key, named[1])
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
    touched = _touched.get() or frozenset()
    if what not in touched:
        _touched.set(touched | {what})


def _bump(forget: bool) -> None:
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


def reset_touched() -> None:
    """Forget uncommitted writes noticed in this context (tests)."""
    _touched.set(None)


__all__ = ["Cached", "decided_document", "etag", "init_app", "lookup", "remember_decision",
           "reset_touched"]
