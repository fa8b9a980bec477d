"""Where the meeting documents and their generations are kept, and reading them: the
generations of a meeting read before anything of it is, and a stored document served only
while they are unchanged (docs/decisions/0008-meeting-document-cache.md)."""

from __future__ import annotations

import contextvars
import hashlib
import logging
import threading
import time
from collections import OrderedDict

from flask import current_app

log = logging.getLogger("core.meetings.cache")

#: A stored document lives this long at most (a safety net; generations decide freshness).
TTL_SECONDS = 3600
#: Documents kept in the process when there is no Redis.
LOCAL_SIZE = 512
PLATFORM = "*"

#: Tenants (or ``PLATFORM``) written in this context and not yet committed (core.meetings.
#: cache.writes notes them): such a context reads and stores nothing.
_touched: contextvars.ContextVar[frozenset | None] = contextvars.ContextVar(
    "meeting_cache_touched", default=None)


def _today():
    from core import clock

    return clock.today()


# ----------------------------------------------------------------------------- storage


class _Local:
    """Counters and documents in this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.gens: dict[str, int] = {}
        self.docs: OrderedDict[str, bytes] = OrderedDict()
        self.claims: dict[str, float] = {}

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

    def claim(self, key: str, seconds: float) -> bool:
        now = time.monotonic()
        with self.lock:
            if self.claims.get(key, 0.0) > now:
                return False
            if len(self.claims) > LOCAL_SIZE:
                self.claims = {k: t for k, t in self.claims.items() if t > now}
            self.claims[key] = now + seconds
            return True

    def claimed(self, key: str) -> bool:
        with self.lock:
            return self.claims.get(key, 0.0) > time.monotonic()


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

    def claim(self, key: str, seconds: float) -> bool:
        return bool(self.conn.set(key, b"1", nx=True, px=int(seconds * 1000)))

    def claimed(self, key: str) -> bool:
        return bool(self.conn.exists(key))


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


def _row_scope(tenant_id: int, meeting_id: int) -> str:
    """The scope of the meeting's own row (its body, its state): bumped with the meeting's
    by a write to the ``meetings`` table only. An access decision depends on it and not on
    the rest of the meeting (a vote, an arrival), so a vote does not unsettle every
    reader's decision (docs/decisions/0040-the-leaders-view-in-the-meeting-cache.md)."""
    return f"{tenant_id}:r{meeting_id}"


def _gen_keys(tenant_id: int, meeting_id: int) -> list[str]:
    """The generations read for a meeting, in this order: the tenant's, the meeting's, the
    platform's (a document is stamped with these three) and the meeting row's (an access
    decision is stamped with the tenant's, the row's and the platform's)."""
    return [_gen_key(tenant_id), _gen_key(_meeting_scope(tenant_id, meeting_id)),
            _gen_key(PLATFORM), _gen_key(_row_scope(tenant_id, meeting_id))]


def _document_gens(gens: list[int]) -> list[int]:
    return gens[:3]


def _decision_gens(gens: list[int]) -> list[int]:
    return [gens[0], gens[3], gens[2]] if len(gens) == 4 else []


def _doc_key(tenant_id: int, meeting_id: int, audience: str) -> str:
    return f"{_prefix()}:doc:v{DOCUMENT_VERSION}:{tenant_id}:{meeting_id}:{audience}"


def page_suffix(login: str, language: str, day=None) -> str:
    """What the meeting page's key adds to the document's: the reader (the live vote's
    forms, the attendance form and the approval button are the reader's own), the language
    and the day (docs/decisions/0032-meeting-page-cache.md)."""
    return f":page:{login}:{language}:{(day or _today()).isoformat()}"


def shared_suffix(name: str, language: str, day=None) -> str:
    """What a page every reader of an audience shares (it holds no form, no token, nothing
    of its reader) adds to the document's key: its name, the language and the day."""
    return f":shared:{name}:{language}:{(day or _today()).isoformat()}"


# ----------------------------------------------------------------------------- reading


def _stamp(gens: list[int]) -> bytes:
    """What a stored document or decision starts with: the generations it was made under."""
    return (":".join(map(str, gens)) + "\n").encode()


class Cached:
    """One look-up: ``doc`` when fresh; else ``store(bytes)`` after rendering."""

    def __init__(self, store, doc_key: str, gens: list[int], doc: bytes | None, day=None):
        """``gens`` as :func:`_gen_keys` reads them (or only the document's three)."""
        self._store, self._key, self._gens = store, doc_key, gens
        #: The day a decision made after this look-up is valid for (the earliest it can be made on).
        self.day = day
        self._stamp = _stamp(_document_gens(gens))
        #: What an access decision made after this look-up is stamped with.
        self._decision_stamp = _stamp(_decision_gens(gens)) if len(gens) == 4 else None
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

    def render_once(self, render, wait: float = 1.0) -> bytes:
        """The document for a miss, rendered by one request at a time: the first to miss
        a document under these generations renders and stores it; the others, meanwhile,
        wait up to ``wait`` seconds for it (checking every 20 ms) and render it themselves
        only if it has not come. Many readers polling one page after a write (the leader's
        view, docs/decisions/0040) then cost one render, not one each."""
        if self._store is None:
            return render()
        try:
            mine = self._store.claim(self._render_key(), wait * 2)
        except Exception:  # noqa: BLE001
            log.warning("meeting document cache: claiming a render failed", exc_info=True)
            mine = True
        if not mine:
            found = self._wait(wait)
            if found is not None:
                return found
        payload = render()
        self.store(payload)
        return payload

    def _render_key(self) -> str:
        return f"{self._key}:render:{self._stamp.decode().strip()}"

    def _wait(self, wait: float) -> bytes | None:
        until = time.monotonic() + wait
        while time.monotonic() < until:
            time.sleep(0.02)
            try:
                _gens, (doc,) = self._store.read([], self._key)
            except Exception:  # noqa: BLE001
                return None
            if doc is not None and doc.startswith(self._stamp):
                return doc[len(self._stamp):]
        return None

    def rendered_by_another(self, wait: float = 1.0) -> bytes | None:
        """The document another request is rendering under these generations
        (:meth:`render_once`), once it is stored; ``None`` at once when nobody is, or
        when it has not come within ``wait`` seconds."""
        try:
            if self._store is None or not self._store.claimed(self._render_key()):
                return None
        except Exception:  # noqa: BLE001
            return None
        return self._wait(wait)


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


def known_tenant_id(slug: str) -> int | None:
    """The tenant this process last found under ``slug``, for a look-up made before the
    tenant's row is read: what is kept under it is stamped with the platform's generation,
    which any change to a tenant's row moves."""
    return _tenant_ids.get(slug)


def remember_tenant(tenant) -> None:
    """Keep ``tenant``'s id under its slug (a row read after the generations were)."""
    if len(_tenant_ids) > 10_000:
        _tenant_ids.clear()
    _tenant_ids[tenant.slug] = tenant.id


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
        remember_tenant(tenant)
    return gens


def etag(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()[:32]
