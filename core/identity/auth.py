"""Who is making the request: a person by session (Flask-Login), or a program by a
personal API token (``Authorization: Bearer kmt_…``, API routes only)."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, session
from flask_login import UserMixin, current_user
from flask_smorest import abort
from limits import parse_many
from redis.exceptions import RedisError
from sqlalchemy.orm import lazyload

from core.extensions import db, limiter, login_manager
from core.identity import operations
from core.identity.models import TokenScope, User

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_auth(app: Flask) -> None:
    @login_manager.user_loader
    def _load_user(user_id: str):
        if g.get("login_without_row"):
            return SessionLogin(int(user_id))
        # The affiliations only when asked for (an information recipient's role): a seat
        # holder's requests need none, and this runs on every request.
        user = db.session.get(User, int(user_id), options=[lazyload(User.affiliations)])
        return user if user is not None and user.is_enabled else None

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
        for key in ("_login_user", "access_checked", "api_token_id", "tenant", "decided_document"):
            g.pop(key, None)

    @login_manager.unauthorized_handler
    def _unauthorized():
        abort(401, message="Log in first.")


class SessionLogin(UserMixin):
    """A user logged in by the session cookie, known by id only (:func:`session_user_id`)."""

    def __init__(self, user_id: int):
        self.id = user_id


def session_user_id() -> int | None:
    """The id of the user the session cookie logs in, verified as Flask-Login verifies it
    on every request (the cookie's signature, session protection), without loading the
    user's row: for a request answered from a cached access decision, which vouches that
    the user was enabled when nothing had been written since (core/meetings/cache.py).
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
    try:
        allowed = all(limiter.limiter.hit(item, "api-token", str(token.id))
                      for item in parse_many(current_app.config["RATELIMIT_TOKEN"]))
    except (RedisError, OSError):
        log.warning("rate-limit storage unavailable; token %s not counted", token.id)
        allowed = True
    if not allowed:
        abort(429, message="Too many requests with this API token; slow down.")
    if token.scope is not TokenScope.WRITE and method not in SAFE_METHODS:
        abort(403, message="This API token may only read.")
    operations.mark_token_used(token.id)
    g.api_token_id = token.id
    return token.user
