"""A request's one commit, made after its answer is built, and POSTs safe to repeat.

A client must never be told that a committed write failed, and a client that repeats a
write after a timeout must not get it twice (docs/decisions/0018-commit-after-the-answer-and-idempotency-keys.md).

* :func:`commit` is the commit of a request handler. Inside a request it flushes (so the
  database checks the write now, inside the handler) and leaves the commit to
  :func:`_commit_after_response`, which runs once the answer is serialised: nothing the
  client is told can fail after the write is committed, because nothing is left to do.
  If the commit itself fails, nothing the handler built is sent: a refusal that the
  database rolled back (a unique key) is a 409, and a lost connection is a 503 that says
  honestly that the outcome is unknown (the COMMIT may have reached the database).
* ``Idempotency-Key`` (a header on any authenticated POST): the answer to the first
  request with a key is stored in the same transaction as its write. The same user
  repeating the key with the same request gets that answer again (``Idempotent-Replayed:
  true``) and nothing is written twice; the key with a different request is a 422. An
  answer whose outcome was unknown can thus be learnt by repeating the request.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_smorest import abort
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.identity.permissions import current_person
from core.models import UTCDateTime, utcnow

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
#: A key: 1-255 visible ASCII characters (a UUID is the usual choice).
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
OUTCOME_UNKNOWN = ("The database did not confirm the write: it may or may not have been "
                   "saved. Repeat the request with the same Idempotency-Key to learn which.")


class IdempotencyKey(db.Model):
    """The answer to a user's POST sent with an ``Idempotency-Key`` (global table: a user
    works across tenants; the path names the tenant)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_id_key"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose key it is: keys of different users never meet.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The key as the client sent it.
    key: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    #: sha256 of the method, path, query and body: the same key must mean the same request.
    fingerprint: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: The answer's status code.
    status: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: The answer's media type.
    content_type: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    #: The answer's ``Location`` header, if any.
    location: Mapped[str | None] = mapped_column(sa.String(2000), nullable=True)
    #: The answer's body, as sent.
    body: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    #: When the write was made; the answer is replayed for ``IDEMPOTENCY_KEY_HOURS``.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)


def commit() -> None:
    """The commit of a request handler (or of a command or job, outside a request)."""
    if not has_request_context():
        db.session.commit()
        return
    db.session.flush()
    # as a commit would: what the answer reads next is read again, inside the transaction
    db.session.expire_all()
    g.commit_after_response = True


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}?{request.query_string.decode()}".encode())
    if request.files or request.form:
        # a multipart body's boundary differs on every try: its parts are the request
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"\0form\0{name}\0{value}".encode())
        for name, file in sorted(request.files.items(multi=True), key=lambda f: f[0]):
            content = file.stream.read()
            file.stream.seek(0)
            digest.update(f"\0file\0{name}\0{file.filename}\0".encode())
            digest.update(hashlib.sha256(content).digest())
    else:
        digest.update(b"\0body\0" + request.get_data(cache=True))
    return digest.hexdigest()


def _replayed_since() -> datetime:
    return clock.now() - timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])


def _replay_or_remember():
    """``before_request``: answer a repeated key from its stored answer, or remember the
    key so the answer is stored with the write."""
    g.pop("idempotency", None)  # never a key of an earlier request in the same context
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST" or current_person() is None:
        return None
    if not KEY.match(key):
        abort(400, message=f"The {HEADER} header must be 1-255 visible ASCII characters.",
              errors={"headers": {HEADER: ["1-255 visible ASCII characters, e.g. a UUID."]}})
    fingerprint = _fingerprint()
    stored = db.session.scalar(sa.select(IdempotencyKey).where(
        IdempotencyKey.user_id == current_person().id, IdempotencyKey.key == key,
        IdempotencyKey.created_at >= _replayed_since()))
    if stored is None:
        g.idempotency = (key, fingerprint)
        return None
    if stored.fingerprint != fingerprint:
        abort(422, message=f"This {HEADER} was used for a different request.",
              errors={"headers": {HEADER: ["Already used for a different request; use a new key."]}})
    resp = Response(stored.body, status=stored.status, content_type=stored.content_type)
    if stored.location:
        resp.headers["Location"] = stored.location
    resp.headers[REPLAYED] = "true"
    return resp


def _store_answer(response: Response, key: str, fingerprint: str) -> None:
    # an earlier answer to the same key that is no longer replayed gives up its place
    # (only an expired one: a live one stored meanwhile makes this request a duplicate)
    db.session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.user_id == current_person().id, IdempotencyKey.key == key,
        IdempotencyKey.created_at < _replayed_since()))
    db.session.add(IdempotencyKey(
        user_id=current_person().id, key=key, fingerprint=fingerprint, status=response.status_code,
        content_type=response.content_type, location=response.headers.get("Location"),
        body=response.get_data()))


def _failure(code: int, message: str) -> Response:
    from flask import session

    from core.errors import _is_page, envelope, error_page

    session.pop("_flashes", None)  # a page's "saved" must not outlive a write that was not

    if _is_page():
        resp = error_page(code, message)
    else:
        resp, code = envelope(code, message)
        resp.status_code = code
    if code == 503:
        resp.headers["Retry-After"] = "5"
    return resp


def _commit_after_response(response: Response) -> Response:
    """``after_request``: commit what the handler flushed, now that its answer is built."""
    idempotency = g.pop("idempotency", None)
    if not g.pop("commit_after_response", False):
        return response
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        if idempotency is not None:
            _store_answer(response, *idempotency)
            db.session.flush()
        db.session.commit()
    except IntegrityError as exc:  # refused by the database (the key, stored meanwhile)
        db.session.rollback()
        log.warning("write refused at commit: %s", exc)
        return _failure(409, "The same request was carried out at the same moment; repeat "
                             "it (with the same Idempotency-Key) to receive its answer.")
    except DBAPIError as exc:
        db.session.rollback()
        log.error("commit outcome unknown: %s", exc)
        resp = _failure(503, OUTCOME_UNKNOWN)
        resp.headers["Kommissorium-Outcome"] = "unknown"
        return resp
    return response


def init_app(app: Flask) -> None:
    """Register the key check (after the declared access check) and the commit."""
    app.before_request(_replay_or_remember)
    app.after_request(_commit_after_response)


def forget_expired(hours: int) -> int:
    """Remove stored answers older than ``hours`` (``tick``): they are replayed no more."""
    result = db.session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.created_at < clock.now() - timedelta(hours=hours)))
    return result.rowcount or 0
