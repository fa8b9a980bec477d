"""The password-login throttle (docs/decisions/0016-login-throttle-not-lockout.md).

Wrong passwords are counted per e-mail address *and client address*, and per e-mail
address across all client addresses with a higher limit. The counters are keyed by the
typed address, whether or not anyone has it, so a known and an unknown address answer
alike: 401 while under the limits, then 429 with ``Retry-After``. Nothing is written to
the user's row, and a throttled client address does not stop the owner at another one:
the per-address limits are what one attacker's address meets, and the account-wide limit
is set above what one address can reach. A browser that has logged in to the account
before carries a signed *device* cookie and is not held by the account-wide limit either,
so even many attacking addresses together cannot lock the owner out of a known browser.

Counters live in Flask-Limiter's storage (Redis when ``REDIS_URL`` is set, memory
otherwise; core/identity/security.py); keys hold a keyed hash of the e-mail address,
never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse_many
from redis.exceptions import RedisError
from werkzeug.exceptions import TooManyRequests

from core.extensions import limiter
from core.identity import operations
from core.identity.models import User

log = logging.getLogger(__name__)

#: The cookie that marks a browser (or program) that has logged in to an account before.
DEVICE_COOKIE = "kommissorium_device"
DEVICE_SALT = "kommissorium.login-device"

MESSAGE = ("Too many wrong passwords for this e-mail address; try again in {seconds} seconds "
           "(or reset the password).")


def _digest(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise(email).encode(), hashlib.sha256).hexdigest()[:32]


def normalise(email: str) -> str:
    """The address as the login looks it up (core/identity/operations.py ``find_user``)."""
    return email.strip().lower()


def _limits(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _checks(email: str) -> list[tuple[RateLimitItem, tuple[str, ...], bool]]:
    """Each limit with its counter's identifiers and whether it is account-wide."""
    digest = _digest(email)
    address = request.remote_addr or "-"
    return ([(item, ("login-address", digest, address), False)
             for item in _limits("LOGIN_THROTTLE_PER_ADDRESS")]
            + [(item, ("login-account", digest), True)
               for item in _limits("LOGIN_THROTTLE_PER_ACCOUNT")])


def password_login(email: str, password: str) -> User | None:
    """The user with this e-mail and password, or ``None`` (a wrong password, counted);
    raises 429 before looking at the password while the e-mail is throttled for this client."""
    known = operations.find_user(email)
    refuse_if_throttled(email, known.id if known is not None else None)
    user = operations.authenticate(email, password)
    if user is None:
        count_failure(email)
    else:
        clear_address(email)
    return user


def refuse_if_throttled(email: str, user_id: int | None) -> None:
    """Raise 429 (with ``Retry-After``) if this client address, or every address together,
    has had too many wrong passwords for ``email`` lately. ``user_id`` is the account the
    address belongs to, if any: a device cookie of that account lifts the account-wide
    limit (and only that); it changes nothing for an unknown address, which therefore
    answers as a known one does to a client without the cookie."""
    known_device = user_id is not None and device_user_id() == user_id
    try:
        waits = [
            math.ceil(limiter.limiter.get_window_stats(item, *ids).reset_time - time.time())
            for item, ids, account_wide in _checks(email)
            if not (account_wide and known_device) and not limiter.limiter.test(item, *ids)
        ]
    except (RedisError, OSError):
        log.warning("rate-limit storage unavailable; login throttle not checked")
        return
    if waits:
        seconds = max(1, *waits)
        # the keyed hash's start tells a throttled address's attempts apart, not the address
        log.warning("password login throttled for address key %s for %s s",
                    _digest(email)[:8], seconds)
        error = TooManyRequests(retry_after=seconds)
        error.data = {"message": MESSAGE.format(seconds=seconds)}
        raise error


def count_failure(email: str) -> None:
    """Count a refused password (a wrong one, or any for an unknown or disabled account)."""
    try:
        for item, ids, _ in _checks(email):
            limiter.limiter.hit(item, *ids)
    except (RedisError, OSError):
        log.warning("rate-limit storage unavailable; failed login not counted")


def clear_address(email: str) -> None:
    """After a successful login: this client address starts again for this account (the
    account-wide count stays, so guesses from elsewhere are not forgotten)."""
    try:
        for item, ids, account_wide in _checks(email):
            if not account_wide:
                limiter.limiter.clear(item, *ids)
    except (RedisError, OSError):
        log.warning("rate-limit storage unavailable; login throttle not cleared")


# --- the device cookie -------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def device_user_id() -> int | None:
    """The account this client has logged in to before (a valid device cookie), or ``None``."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        user_id = _serializer().loads(
            value, max_age=current_app.config["LOGIN_DEVICE_DAYS"] * 86400)
    except BadSignature:
        return None
    return user_id if isinstance(user_id, int) else None


def remember_device(response, user_id: int):
    """Mark the client as one that has logged in to ``user_id``'s account (after a login)."""
    cfg = current_app.config
    response.set_cookie(
        DEVICE_COOKIE, _serializer().dumps(user_id), max_age=cfg["LOGIN_DEVICE_DAYS"] * 86400,
        httponly=True, samesite="Lax", secure=cfg["SESSION_COOKIE_SECURE"],
    )
    return response
