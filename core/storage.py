"""One store for the contents of files: a meeting item's bilag, a proposal's attachment,
a generated PDF (agenda, minutes, board book) and an Office file's PDF rendition.

A content is stored under its SHA-256 (hex), its **key**: the same bytes stored twice are
stored once, and a content read back is checked against its key (a mismatch is
:class:`Damaged`). Rows that refer to a file keep its key (``sha256``) with its name and
type; the store knows only bytes. Nothing is ever deleted from it (a file belongs to the
history of whatever refers to it).

Two backends, chosen by ``FILE_STORE`` (``KOMMISSORIUM_FILE_STORE``):

* ``local``: files on disk under ``FILE_STORE_DIR`` (default ``instance/files``), at
  ``<dir>/<key[:2]>/<key>``, each written to a temporary name and renamed into place, so a
  file is there whole or not at all. The embedded default (``make demo``, SQLite).
* ``database``: the ``file_contents`` table of the database every web and worker instance
  already shares, written in the transaction of the row that refers to it (a rolled-back
  upload leaves no content behind) and read in chunks. The default on PostgreSQL and what
  the k8s manifests set (docs/decisions/0046-one-store-for-files.md).

Unset, ``FILE_STORE`` is ``database`` on a database server and ``local`` on SQLite.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models import UTCDateTime, utcnow

#: Bytes read at a time by :meth:`FileStore.open`.
CHUNK = 1024 * 1024
BACKENDS = ("local", "database")


class Damaged(Exception):
    """A stored content is missing or does not match its key."""


class FileContent(db.Model):
    """A file's bytes in the database backend, once per content (global: the rows that
    refer to a content are tenant-scoped, the bytes are only reachable through them)."""

    __tablename__ = "file_contents"

    #: SHA-256 of the content, hex: the key.
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: Size in bytes.
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    #: The bytes.
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False, deferred=True)
    #: When it was first stored.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


def key_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(key: str, data: bytes) -> bytes:
    if key_of(data) != key:
        raise Damaged(f"stored file {key} does not match its checksum")
    return data


class FileStore(ABC):
    """The storage interface: ``put(bytes) -> key``, ``read``/``open(key)``, ``exists``, ``size``;
    each backend (:class:`LocalStore`, :class:`DatabaseStore`) implements the abstract three."""

    name = ""

    @abstractmethod
    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its key."""

    def read(self, key: str) -> bytes:
        """The whole content, checked against its key; :class:`Damaged` if missing or changed."""
        return _checked(key, b"".join(self.open(key)))

    @abstractmethod
    def open(self, key: str) -> Iterator[bytes]:
        """The content in chunks of at most :data:`CHUNK` bytes (not checked: for streaming)."""

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    @abstractmethod
    def size(self, key: str) -> int | None:
        """The content's size in bytes, ``None`` if not stored."""


class LocalStore(FileStore):
    """Files on a local disk (or a volume), one per content."""

    name = "local"

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a file key: {key!r}")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = key_of(data)
        path = self.path(key)
        if path.exists() and path.stat().st_size == len(data):
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def read(self, key: str) -> bytes:
        try:
            return _checked(key, self.path(key).read_bytes())
        except FileNotFoundError as missing:
            raise Damaged(f"stored file {key} is missing") from missing

    def open(self, key: str) -> Iterator[bytes]:
        try:
            handle = self.path(key).open("rb")
        except FileNotFoundError as missing:
            raise Damaged(f"stored file {key} is missing") from missing
        return _chunks_of(handle)

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None


def _chunks_of(handle) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


_TABLE = FileContent.__table__


class DatabaseStore(FileStore):
    """Contents in the ``file_contents`` table, through ``connection()`` (the request's or
    job's session by default, so a content is written with the row that refers to it)."""

    name = "database"

    def __init__(self, connection: Callable[[], sa.Connection] | None = None):
        self._connection = connection or (lambda: db.session.connection())

    def put(self, data: bytes) -> str:
        key = key_of(data)
        conn = self._connection()
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        conn.execute(insert(_TABLE).values(sha256=key, size_bytes=len(data), content=data,
                                           created_at=clock.now()).on_conflict_do_nothing())
        return key

    def read(self, key: str) -> bytes:
        data = self._connection().scalar(sa.select(_TABLE.c.content).where(_TABLE.c.sha256 == key))
        if data is None:
            raise Damaged(f"stored file {key} is missing")
        return _checked(key, bytes(data))

    def open(self, key: str) -> Iterator[bytes]:
        size = self.size(key)
        if size is None:
            raise Damaged(f"stored file {key} is missing")
        return self._chunks(key, size)

    def _chunks(self, key: str, size: int) -> Iterator[bytes]:
        for start in range(0, size, CHUNK):  # substr counts from 1, on bytea and blob alike
            part = sa.func.substr(_TABLE.c.content, start + 1, CHUNK)
            yield bytes(self._connection().scalar(sa.select(part).where(_TABLE.c.sha256 == key)))

    def size(self, key: str) -> int | None:
        return self._connection().scalar(sa.select(_TABLE.c.size_bytes).where(_TABLE.c.sha256 == key))


def backend_name(app=None) -> str:
    """The configured backend: ``FILE_STORE``, else ``database`` on a database server and
    ``local`` on SQLite."""
    app = app or current_app
    chosen = (app.config.get("FILE_STORE") or "").strip().lower()
    if not chosen:
        url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
        chosen = "local" if url.startswith("sqlite") else "database"
    if chosen not in BACKENDS:
        raise ValueError(f"FILE_STORE must be one of {', '.join(BACKENDS)}, not {chosen!r}")
    return chosen


def local_dir(app=None) -> Path:
    app = app or current_app
    configured = app.config.get("FILE_STORE_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "files"


def store(connection: Callable[[], sa.Connection] | None = None) -> FileStore:
    """The application's store (``connection``: the database backend's, e.g. a migration's)."""
    if backend_name() == "local":
        return LocalStore(local_dir())
    return DatabaseStore(connection)


def put(data: bytes) -> str:
    return store().put(data)


def read(key: str) -> bytes:
    return store().read(key)


class _Recent:
    """The contents this process read last, up to ``limit`` bytes: a content never changes
    under its key, so what is kept here is never stale (it was checked when read)."""

    def __init__(self, limit: int, largest: int):
        self.limit, self.largest, self.size = limit, largest, 0
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._kept.get(key)
            if data is not None:
                self._kept.move_to_end(key)
            return data

    def keep(self, key: str, data: bytes) -> None:
        if len(data) > self.largest:
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = data
            self.size += len(data)
            while self.size > self.limit:
                _old, dropped = self._kept.popitem(last=False)
                self.size -= len(dropped)


#: Generated PDFs read again and again (a published agenda): 32 MB per process.
_recent = _Recent(32 * 1024 * 1024, 8 * 1024 * 1024)


def read_recent(key: str) -> bytes:
    """:func:`read`, kept in the process for the next request for the same content (for
    documents many readers fetch, such as a published agenda's PDF)."""
    data = _recent.get(key)
    if data is None:
        data = read(key)
        _recent.keep(key, data)
    return data
