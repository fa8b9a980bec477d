"""Who is making the request: a person by session (Flask-Login), or a program by a
personal API token (``Authorization: Bearer kmt_…``, API routes only).

A session is alive while three things hold (docs/decisions/0015-sessions-end-by-a-version-on-the-user.md):
it carries the user's current ``session_version`` (logout, a new password, disabling and
erasure bump it, which ends every session of the user at once), it was used within
``SESSION_IDLE_MINUTES``, and it began within ``SESSION_MAX_HOURS``. The cookie itself
holds the version and the two times, signed with ``SECRET_KEY``; nothing is kept on the
server but the version on the user's row.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta

from flask import Flask, current_app, g, session
from flask_login import UserMixin, current_user, user_logged_in, user_logged_out
from flask_smorest import abort
from limits import parse_many
from redis.exceptions import RedisError
from sqlalchemy.orm import lazyload
from werkzeug.exceptions import TooManyRequests

from core import clock
from core.extensions import db, limiter, login_manager
from core.identity import operations
from core.identity.models import TokenScope, User

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: What a session holds beside Flask-Login's ``_user_id``: the user's session version at
#: login, and when the login and the last request were (seconds since the epoch, UTC).
VERSION_KEY = "_session_version"
LOGIN_AT_KEY = "_login_at"
SEEN_AT_KEY = "_seen_at"
#: The last-seen time is written back at most this often: each write re-issues the cookie.
SEEN_RESOLUTION_SECONDS = 60
#: Flask-Login's own keys, dropped with ours when a session is no longer alive.
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", VERSION_KEY, LOGIN_AT_KEY, SEEN_AT_KEY)



def init_auth(app: Flask) -> None:
    # Flask refuses a session cookie signed longer ago than this: never beyond the
    # absolute lifetime (the login time in the session decides it exactly).
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_MAX_HOURS"])

    @login_manager.user_loader
    def _load_user(user_id: str):
        if not _session_alive():
            _end_this_session()
            return None
        if g.get("login_without_row"):
            return SessionLogin(int(user_id))
        # The affiliations only when asked for (an information recipient's role): a seat
        # holder's requests need none, and this runs on every request.
        user = db.session.get(User, int(user_id), options=[lazyload(User.affiliations)])
        if user is None or not user.is_enabled or user.session_version != session.get(VERSION_KEY):
            _end_this_session()
            return None
        _seen()
        return user

    @user_logged_in.connect_via(app)
    def _stamp_login(sender, user, **extra):
        # Every way in (password, OpenID Connect, anything calling login_user) passes here.
        stamp_session(user)

    @user_logged_out.connect_via(app)
    def _forget_login(sender, user, **extra):
        _end_this_session()

    @login_manager.request_loader
    def _load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not req.path.startswith("/api/"):
            return None
        return user_for_token(header[len("Bearer "):].strip(), req.method)

    @app.teardown_request
    def _forget_request_identity(exc=None):
        # ``g`` lives on the app context, which tests (and CLI commands) keep open across
        # requests: who called must not carry over to the next request.
        for key in ("_login_user", "access_checked", "api_token_id", "tenant", "decided_document",
                    "decided_page", "meeting_generations"):
            g.pop(key, None)

    @login_manager.unauthorized_handler
    def _unauthorized():
        abort(401, message="Log in first.")


def stamp_session(user: User) -> None:
    """Mark the current session as ``user``'s login, issued now under their current
    session version (called on every ``login_user``)."""
    moment = int(clock.session_now().timestamp())
    session[VERSION_KEY] = user.session_version
    session[LOGIN_AT_KEY] = moment
    session[SEEN_AT_KEY] = moment


def log_in_session(sess, user: User) -> None:
    """Write ``user``'s login into ``sess`` (a test client's ``session_transaction()``)
    as ``login_user`` leaves it: for the demo, fixtures and benchmarks, which log people in
    without the password round trip."""
    moment = int(clock.session_now().timestamp())
    sess.update({"_user_id": str(user.id), "_fresh": True, VERSION_KEY: user.session_version,
                 LOGIN_AT_KEY: moment, SEEN_AT_KEY: moment})


def _session_alive() -> bool:
    """Whether the session is within its idle and its absolute lifetime. A session without
    the times (issued before sessions carried them) is not."""
    login_at, seen_at = session.get(LOGIN_AT_KEY), session.get(SEEN_AT_KEY)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False
    cfg = current_app.config
    moment = clock.session_now().timestamp()
    return (moment - login_at <= cfg["SESSION_MAX_HOURS"] * 3600
            and moment - seen_at <= cfg["SESSION_IDLE_MINUTES"] * 60)


def _seen() -> None:
    moment = int(clock.session_now().timestamp())
    if moment - session.get(SEEN_AT_KEY, 0) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT_KEY] = moment


def _end_this_session() -> None:
    """Forget the login in this request's session (the cookie is re-issued without it)."""
    for key in _LOGIN_KEYS:
        session.pop(key, None)


def session_version() -> int | None:
    """The session version the current session was issued under (``None``: no login)."""
    version = session.get(VERSION_KEY)
    return version if isinstance(version, int) else None


def session_login(user_id: int, user: User | None = None) -> str | None:
    """The session's login as the cached access decision is keyed (core/meetings/cache/):
    ``"<user id>.<session version>"``. Given the user's row (re-read), ``None`` unless the
    session's version is still the row's, so nothing is stored for an ended session."""
    version = session_version()
    if version is None or (user is not None and user.session_version != version):
        return None
    return f"{user_id}.{version}"


class SessionLogin(UserMixin):
    """A user logged in by the session cookie, known by id only (:func:`session_user_id`)."""

    def __init__(self, user_id: int):
        self.id = user_id


def session_user_id() -> int | None:
    """The id of the user the session cookie logs in, verified as Flask-Login verifies it
    on every request (the cookie's signature, session protection), without loading the
    user's row: for a request answered from a cached access decision, which vouches that
    the user was enabled when nothing had been written since (core/meetings/cache/).
    ``None`` for an anonymous caller or one not logged in by the session (an API token).
    Call :func:`forget_login` if the request is then decided in full."""
    if "_user_id" not in session:
        return None
    g.login_without_row = True
    try:
        user = current_user._get_current_object()
    finally:
        g.pop("login_without_row")
    return user.id if isinstance(user, SessionLogin) else None


def forget_login() -> None:
    """Let Flask-Login load the user's row (after :func:`session_user_id`)."""
    g.pop("_login_user", None)


def logged_in_by_session() -> bool:
    """Whether this request's user came from the session cookie (not an API token)."""
    return "_user_id" in session and g.get("api_token_id") is None


def user_for_token(secret: str, method: str) -> User:
    """The token's user; refuses an unknown or revoked token (401), a read token on a
    write request (403), and a token used too often (429)."""
    token = operations.token_for(secret)
    if token is None:
        abort(401, message="Unknown or revoked API token.")
    exhausted = None
    try:
        for item in parse_many(current_app.config["RATELIMIT_TOKEN"]):
            if not limiter.limiter.hit(item, "api-token", str(token.id)):
                exhausted = limiter.limiter.get_window_stats(item, "api-token", str(token.id))
                break
    except (RedisError, OSError):
        log.warning("rate-limit storage unavailable; token %s not counted", token.id)
    if exhausted is not None:
        error = TooManyRequests(retry_after=max(1, math.ceil(exhausted.reset_time - time.time())))
        error.data = {"message": "Too many requests with this API token; slow down."}
        raise error
    if token.scope is not TokenScope.WRITE and method not in SAFE_METHODS:
        abort(403, message="This API token may only read.")
    operations.mark_token_used(token.id)
    g.api_token_id = token.id
    return token.user
