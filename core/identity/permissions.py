"""Who may do what: the one place where access is decided.

Every route declares the least role it needs with :func:`access`; a test fails for a route
without a declaration. Handlers that load a body-scoped object check the role the user has
in *that* body with :func:`require`. Both go through :func:`role_in_body` /
:func:`role_in_tenant`, so the policy lives here and nowhere else (docs/permissions.md).

A user who may not see a resource gets 404, as if it did not exist; a user who may see it
but not change it gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NoReturn
from datetime import date

import sqlalchemy as sa
from flask import g
from flask_login import current_user
from flask_smorest import abort

from core import clock
from core.extensions import db
from core.identity.roles import Role


def current_person():
    """The logged-in person (by session or API token), or ``None`` for an anonymous caller
    or outside a request: the one way a route finds who is asking (issue #19)."""
    user = current_user._get_current_object() if current_user else None
    return user if user is not None and user.is_authenticated else None


def _request_memo() -> dict:
    """A dict that lives as long as the current request (``g`` outlives it in tests and CLI
    commands, which keep one app context across requests)."""
    from flask import has_request_context, request

    if not has_request_context():
        return {}
    req = request._get_current_object()
    memo = getattr(req, "_kommissorium_memo", None)
    if memo is None:
        memo = req._kommissorium_memo = {}
    return memo


def keep_for_request(row) -> None:
    """Hold ``row`` until the request ends: the session's identity map holds rows weakly,
    so a row a pre-parse check loaded would otherwise be loaded again by the handler."""
    if row is not None:
        _request_memo().setdefault("rows", []).append(row)


def forget_roles() -> None:
    """Forget the roles worked out in this request, to work them out again from fresh rows."""
    memo = _request_memo()
    for key in [k for k in memo if k != "rows"]:
        del memo[key]


def _is_tenant_admin(user, tenant_id: int) -> bool:
    memo = _request_memo()
    key = ("tenant_admin", user.id, tenant_id)
    if key not in memo:
        memo[key] = _query_tenant_admin(user, tenant_id)
    return memo[key]


def _query_tenant_admin(user, tenant_id: int) -> bool:
    from core.tenants.models import TenantAdmin

    return db.session.scalar(
        sa.select(sa.func.count(TenantAdmin.id)).where(
            TenantAdmin.tenant_id == tenant_id, TenantAdmin.user_id == user.id
        )
    ) > 0


def role_in_tenant(user, tenant) -> Role:
    """The highest role ``user`` has anywhere in ``tenant``."""
    from core.bodies.models import SeatRole

    if user is None:
        return Role.PUBLIC
    if user.is_platform_admin:
        return Role.PLATFORM_ADMIN
    if _is_tenant_admin(user, tenant.id):
        return Role.TENANT_ADMIN
    on = clock.today(tenant)
    # an ended seat, or a holding that ended, gives no role
    roles = {s.role for s in _seats_in_tenant(user, tenant.id)
             if (s.ended_on is None or on < s.ended_on) and (s.held_to is None or on <= s.held_to)}
    if SeatRole.SECRETARY in roles:
        return Role.BODY_SECRETARY
    if roles:
        return Role.MEMBER
    from core.bodies.models import BodyRecipient

    user_orgs = [a.organisation_id for a in user.affiliations]
    if user_orgs and db.session.scalar(
        sa.select(sa.func.count(BodyRecipient.id)).where(
            BodyRecipient.tenant_id == tenant.id, BodyRecipient.organisation_id.in_(user_orgs)
        )
    ):
        return Role.INFORMATION_RECIPIENT
    return Role.AUTHENTICATED


def role_in_body(user, body, on: date | None = None) -> Role:
    """The highest role ``user`` has in ``body`` (on a given day; seats have validity)."""
    if user is None:
        return Role.PUBLIC
    if user.is_platform_admin:
        return Role.PLATFORM_ADMIN
    if _is_tenant_admin(user, body.tenant_id):
        return Role.TENANT_ADMIN
    on = on or clock.today()
    held = _seats_held(user, body, on)
    if any(s.role.value == "secretary" for s in held):
        return Role.BODY_SECRETARY
    if held:
        return Role.MEMBER
    user_orgs = {a.organisation_id for a in user.affiliations}
    if user_orgs & {r.organisation_id for r in body.information_recipients}:
        return Role.INFORMATION_RECIPIENT
    return Role.AUTHENTICATED


def _seats_held(user, body, on: date) -> list:
    """The user's seats in the body valid on ``on`` and held by the user that day: from
    the seats in memory when they are loaded (and may hold unsaved changes), else one
    statement for just those seats (not every seat of the body with its holder and
    organisation, on every request)."""
    from core.bodies.models import seat_valid_on

    state = sa.inspect(body)
    if "seats" in state.dict or not state.persistent:
        return [s for s in body.seats if s.holder_id_on(on) == user.id and s.is_valid_on(on)]
    return [s for s in _seats_in_tenant(user, body.tenant_id) if s.body_id == body.id
            and seat_valid_on(s.valid_from, s.valid_to, s.ended_on, on)
            and seat_valid_on(s.held_from, s.held_to, None, on)]


def _seats_in_tenant(user, tenant_id: int) -> list:
    """The user's holdings of seats in the tenant (body, role, the seat's validity and
    the holding's), read once per request: the tenant-level check and the body-level check
    both need them."""
    from core.bodies.models import Seat, SeatHolding

    memo = _request_memo()
    key = ("seats_in_tenant", user.id, tenant_id)
    if key not in memo:
        memo[key] = db.session.execute(
            sa.select(Seat.body_id, Seat.role, Seat.valid_from, Seat.valid_to, Seat.ended_on,
                      SeatHolding.valid_from.label("held_from"),
                      SeatHolding.valid_to.label("held_to"))
            .join(SeatHolding, SeatHolding.seat_id == Seat.id)
            .where(Seat.tenant_id == tenant_id, SeatHolding.holder_id == user.id)).all()
    return memo[key]


#: A missing right in the API's English; the pages word it in the reader's language from
#: the ``role`` (and ``body``) the 403 carries (core/errors.py).
_NEEDS_EN = {
    Role.AUTHENTICATED: "You may not do this here.",
    Role.INFORMATION_RECIPIENT: "Only the members of {body} and the organisations that receive "
                                "its material may see this.",
    Role.MEMBER: "Only the members of {body} may do this.",
    Role.BODY_SECRETARY: "Only the secretary of {body} and the tenant's secretariat may do this.",
    Role.TENANT_ADMIN: "Only the tenant's secretariat may do this.",
    Role.PLATFORM_ADMIN: "Only platform administrators may do this.",
}


def refuse(role: Role, body=None, **extra) -> NoReturn:
    """403: the caller may know the resource but lacks ``role`` (in ``body``, where given).

    The answer names the role needed, so the page can say who may (docs/permissions.md);
    ``extra`` (``reason``/``reason_en``) says it more precisely where a check is narrower
    than a role (the proposer, those who act for an organisation)."""
    name = body.name if body is not None else "the body"
    abort(403, message=extra.get("reason_en") or _NEEDS_EN[role].format(body=name), role=role.name.lower(),
          body=body.name if body is not None else None, **extra)


def require(role: Role, body, *, visible_from: Role = Role.PUBLIC) -> Role:
    """Check the current user's role in ``body``.

    :param role: the least role needed for the action.
    :param visible_from: the least role that may know the resource exists; below it the
        answer is 404, between it and ``role`` it is 403.
    """
    have = role_in_body(current_person(), body)
    if have < visible_from:
        abort(404, message="Not found.")
    if have < role:
        if current_person() is None:
            abort(401, message="Log in first.")
        refuse(role, body)
    return have


#: URL parameters that name a body-scoped resource, and how to find its body. Features
#: register theirs with :func:`body_from_param`, so a body role is checked before the
#: request's input is even parsed.
_BODY_FROM_PARAM: dict[str, Callable[[object], object | None]] = {}


def body_from_param(name: str, *, public: bool = False):
    """Register how the URL parameter ``name`` leads to a body (``None``: no such row).

    ``public``: the row is known to everyone (a body), so a caller without the role gets
    403 rather than 404.
    """

    def decorator(loader):
        loader.public = public
        _BODY_FROM_PARAM[name] = loader
        return loader

    return decorator


#: URL parameters whose feature checks access itself before the input is parsed: a
#: function ``(value, declared_role)`` that aborts with 404/403 (proposals, whose bodies
#: are many).
_PARAM_CHECKS: dict[str, Callable[[object, Role], None]] = {}


def check_param(name: str):
    """Register a pre-parse access check for the URL parameter ``name``."""

    def decorator(check):
        _PARAM_CHECKS[name] = check
        return check

    return decorator


def _takes_part(user, tenant) -> bool:
    """Whether the user acts for an organisation that takes part in the tenant's plan."""
    from core.tenants.models import Participation

    orgs = [a.organisation_id for a in user.affiliations]
    return bool(orgs) and db.session.scalar(
        sa.select(sa.func.count(Participation.id)).where(
            Participation.tenant_id == tenant.id, Participation.organisation_id.in_(orgs)
        )
    ) > 0


def _check_declared(role: Role) -> None:
    if role <= Role.PUBLIC:
        return
    user = current_person()
    if user is None:
        abort(401, message="Log in first.")
    if role >= Role.PLATFORM_ADMIN:
        if not user.is_platform_admin:
            refuse(Role.PLATFORM_ADMIN)
        return
    tenant = getattr(g, "tenant", None)
    if tenant is None:
        return
    from flask import request

    have = role_in_tenant(user, tenant)
    if role <= Role.AUTHENTICATED:
        # Logged in is not enough to see a tenant's rows or to write into it: the user
        # holds a role there or acts for an organisation taking part (a substitute, a heard
        # organisation). Everyone else meets the tenant wall (404) before any rule; only a
        # reading route naming no row is left to its rule, which explains.
        names_a_row = set(request.view_args or {}) - {"tenant"}
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        if ((names_a_row or writes) and have < Role.INFORMATION_RECIPIENT
                and not _takes_part(user, tenant)):
            abort(404, message="Not found.")
        return
    if have < min(role, Role.INFORMATION_RECIPIENT):
        abort(404, message="Not found.")
    # Tenant-wide roles are decided here in full.
    if role >= Role.TENANT_ADMIN and have < role:
        refuse(Role.TENANT_ADMIN)
    # Body roles: on the body the URL names, before the input is parsed.
    for name, value in (request.view_args or {}).items():
        if name in _PARAM_CHECKS:
            _PARAM_CHECKS[name](value, role)
            break
        loader = _BODY_FROM_PARAM.get(name)
        if loader is None:
            continue
        body = loader(value)
        if body is None:
            abort(404, message="Not found.")
        in_body = role_in_body(user, body)
        # A body itself is public (its seats are listed to all); its rows are not.
        if in_body < Role.INFORMATION_RECIPIENT and not getattr(loader, "public", False):
            abort(404, message="Not found.")
        if in_body < role:
            refuse(role, body)
        break


def access(role: Role):
    """Declare (and check at the tenant level) the least role a route needs.

    For routes under a tenant, a user with no role there (below an information recipient)
    gets 404; a tenant-wide role (``TENANT_ADMIN``, ``PLATFORM_ADMIN``) is checked here in
    full (403); body roles are checked by the handler on the body with :func:`require`. The check runs
    before the request body is parsed (:func:`enforce_declared_access`), so a caller
    without access learns nothing from validation errors.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("access_checked") != role:
                _check_declared(role)
            return view(*args, **kwargs)

        wrapper.access_role = role
        return wrapper

    return decorator


#: Why a route declared :func:`session_only` refuses an API token.
SESSION_ONLY_MESSAGE = ("Personal API tokens, the calendar address and erasure are managed by "
                        "the person, logged in with a session; an API token may not do this.")


def refuse_token() -> None:
    """403 if the request is made with a personal API token rather than a session."""
    if g.get("api_token_id") is not None:
        abort(403, message=SESSION_ONLY_MESSAGE)


def session_only(view):
    """Declare that a route needs the person logged in by the session: an API token is
    refused with 403 (a write token must not mint, list or revoke tokens, nor erase its
    user). Checked with the declared role, before the request body is read
    (:func:`enforce_declared_access`); put it below :func:`access`."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        refuse_token()
        return view(*args, **kwargs)

    wrapper.session_only = True
    return wrapper


def enforce_declared_access() -> None:
    """``before_request``: check the route's declared role before anything else runs, and
    refuse an API token on a route declared :func:`session_only`.

    Runs after the tenant is resolved (url_value_preprocessor), before arguments are parsed.
    """
    from flask import current_app, request

    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    role = getattr(view, "access_role", None)
    if isinstance(role, Role) and g.get("access_checked") != role:  # unless decided already
        _check_declared(role)
        g.access_checked = role
    if getattr(view, "session_only", False):
        refuse_token()
