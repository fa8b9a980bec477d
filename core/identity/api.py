"""JSON API: logging in and out (password, OpenID Connect), password reset, personal API
tokens, GDPR export and erasure, and the logged-in user's own view across tenants."""

from __future__ import annotations

import hashlib
import logging
import os
from types import SimpleNamespace

import requests
from flask import after_this_request, current_app, redirect, url_for
from flask_login import login_user, logout_user
from flask_smorest import abort

from core.bodies.operations import get_body
from core.dashboard import operations as dashboard
from core.extensions import db, limiter, oauth
from core.identity import mail, operations, throttle
from core.identity.auth import logged_in_by_session
from core.identity.models import User
from core.identity.permissions import Role, access, current_person, require, session_only
from core.identity.schemas import (
    ContactSchema,
    EraseSchema,
    LoginSchema,
    MailSettingsSchema,
    MeSchema,
    NewTokenSchema,
    PasswordResetRequestSchema,
    PasswordResetSchema,
    PersonSchema,
    ProviderSchema,
    TokenCreateSchema,
    TokenSchema,
)
from core.openapi import Blueprint, redirect_response
from core.tenancy import bind_tenant, current_tenant

log = logging.getLogger(__name__)

blp = Blueprint("identity", __name__, url_prefix="/api/v1", description="Login and the current user")


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]



@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, MeSchema)
@blp.alt_response(401, response="UNAUTHORIZED", description="Wrong e-mail or password.")
@blp.alt_response(429, response="TOO_MANY_REQUESTS", description=(
    "Too many wrong passwords for this e-mail address from this client address (or from "
    "all together), or too many requests from this client address: wait `retry_after` "
    "seconds (also the `Retry-After` header). Known and unknown addresses answer alike."))
@access(Role.PUBLIC)
@limiter.limit(_login_limit)
def login(credentials):
    """Log in with e-mail and password; sets the session cookie.

    Wrong passwords are throttled per e-mail address and client address, and per e-mail
    address across client addresses with a higher limit (429 with `Retry-After`); a right
    password from a client address that is not throttled still logs in.
    """
    user = throttle.password_login(credentials["email"], credentials["password"])
    if user is None:
        abort(401, message="Wrong e-mail or password.")
    login_user(user)
    after_this_request(lambda response: throttle.remember_device(response, user.id))
    return dashboard.overview(user)


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@access(Role.PUBLIC)
def logout():
    """Log out: ends every session of the person (all browsers and devices), not their
    personal API tokens. Called with an API token, it ends no session."""
    if current_person() is not None and logged_in_by_session():
        operations.end_sessions(current_person())
        db.session.commit()
    logout_user()


@blp.route("/auth/password-reset", methods=["POST"])
@blp.arguments(PasswordResetRequestSchema)
@blp.response(202)
@access(Role.PUBLIC)
@limiter.limit(_login_limit)
def request_password_reset(args):
    """Mail a single-use, expiring reset link. Answers 202 whether or not the address is
    known, so the answer does not reveal who has an account."""
    started = operations.start_password_reset(args["email"])
    db.session.commit()
    if started is not None:
        user, token = started
        mail.send_password_reset(user, token)


@blp.route("/auth/password-reset/confirm", methods=["POST"])
@blp.arguments(PasswordResetSchema)
@blp.response(204)
@access(Role.PUBLIC)
@limiter.limit(_login_limit)
def confirm_password_reset(args):
    """Set a new password with the token from the mailed link (once, before it expires)."""
    user = operations.finish_password_reset(args["token"], args["password"])
    if user is None:
        abort(400, message="The link is unknown, used or expired.")
    db.session.commit()  # every session of the user ends with the old password


# --- OpenID Connect ----------------------------------------------------------------------


def _oidc_client(key: str):
    provider = operations.enabled_provider(key)
    if provider is None:
        abort(404, message="No such identity provider.")
    secret = os.environ.get(provider.client_secret_env)
    if not secret:
        log.error("identity provider %s: environment variable %s is not set",
                  provider.key, provider.client_secret_env)
        abort(503, message="This identity provider is not configured.")
    # Authlib caches clients by name: name it by its configuration, so a changed
    # configuration gets a fresh client (and fresh discovery) without a restart.
    fingerprint = hashlib.sha256(
        f"{provider.issuer}\n{provider.client_id}\n{secret}\n{provider.scopes}".encode()
    ).hexdigest()[:16]
    client = oauth.create_client(f"idp-{provider.key}-{fingerprint}") or oauth.register(
        name=f"idp-{provider.key}-{fingerprint}",
        client_id=provider.client_id,
        client_secret=secret,
        server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": provider.scopes},
    )
    return provider, client


@blp.route("/auth/providers")
@blp.response(200, ProviderSchema(many=True))
@access(Role.PUBLIC)
def list_providers():
    """The identity providers people can log in through."""
    return [
        {"key": p.key, "name": p.name,
         "login_url": url_for("identity.oidc_login", provider=p.key)}
        for p in operations.list_providers()
    ]


@blp.route("/auth/oidc/<provider>/login")
@blp.doc(**redirect_response("To the identity provider's login page.", 502))
@access(Role.PUBLIC)
@limiter.limit(_login_limit)
def oidc_login(provider: str):
    """Start an OpenID Connect login: redirect to the provider."""
    idp, client = _oidc_client(provider)
    try:
        return client.authorize_redirect(
            url_for("identity.oidc_callback", provider=provider, _external=True)
        )
    except requests.RequestException as exc:
        log.error("identity provider %s unreachable: %s", idp.key, type(exc).__name__)
        abort(502, message="The identity provider does not answer; try again later.")


@blp.route("/auth/oidc/<provider>/callback")
@blp.doc(**redirect_response("Logged in: to the start page.", 401, 403, 502))
@access(Role.PUBLIC)
@limiter.limit(_login_limit)
def oidc_callback(provider: str):
    """The provider sends the user back here with a code; the id_token is verified
    (signature by the provider's JWKS, issuer, audience, nonce) and the user logged in."""
    from authlib.integrations.base_client.errors import OAuthError

    idp, client = _oidc_client(provider)
    try:
        token = client.authorize_access_token()
    except requests.RequestException as exc:
        log.error("identity provider %s unreachable: %s", idp.key, type(exc).__name__)
        abort(502, message="The identity provider does not answer; try again later.")
    except OAuthError as exc:
        log.warning("OIDC login through %s refused by the provider: %s", idp.key, exc.error)
        abort(401, message="The identity provider did not log you in.")
    claims = token.get("userinfo") or {}
    try:
        user = operations.user_for_oidc_claims(idp, dict(claims))
    except operations.OidcRefused as exc:
        db.session.rollback()
        log.info("OIDC login through %s refused: %s", idp.key, exc)
        abort(403, message="Ingen bruger passer til dette login.")
    db.session.commit()
    login_user(user)
    return redirect(url_for("web.index"))


# --- the current user --------------------------------------------------------------------


@blp.route("/me")
@blp.response(200, MeSchema)
@access(Role.AUTHENTICATED)
def me():
    """The logged-in user: organisations, and every tenant, body and seat of theirs, with
    what waits for them in each tenant."""
    return dashboard.overview(current_person())


@blp.route("/me/mail-settings")
@blp.response(200, MailSettingsSchema)
@access(Role.AUTHENTICATED)
def mail_settings():
    """The language of the user's mails, and whether they take one daily digest instead
    of single mails."""
    return current_person()


@blp.route("/me/mail-settings", methods=["PATCH"])
@blp.arguments(MailSettingsSchema)
@blp.response(200, MailSettingsSchema)
@access(Role.AUTHENTICATED)
def change_mail_settings(args):
    """Choose the language of the user's mails (``da``, ``en``) and the daily digest."""
    user = operations.set_mail_settings(current_person(), args.get("language"), args.get("has_daily_digest"))
    db.session.commit()
    return user


@blp.route("/me/tokens")
@blp.response(200, TokenSchema(many=True))
@access(Role.AUTHENTICATED)
@session_only
def list_tokens():
    """The user's personal API tokens (never the tokens themselves), with last use."""
    return operations.list_tokens(current_person())


@blp.route("/me/tokens", methods=["POST"])
@blp.arguments(TokenCreateSchema)
@blp.response(201, NewTokenSchema)
@access(Role.AUTHENTICATED)
@session_only
def create_token(args):
    """Create a personal API token; the answer shows the token this once."""
    row, token = operations.create_token(current_person(), args["name"], args["scope"])
    db.session.commit()
    return SimpleNamespace(**{k: getattr(row, k) for k in (
        "id", "name", "prefix", "scope", "created_at", "last_used_at", "revoked_at")},
        token=token)


@blp.route("/me/tokens/<int:api_token_id>", methods=["DELETE"])
@blp.response(204)
@access(Role.AUTHENTICATED)
@session_only
def revoke_token(api_token_id: int):
    """Revoke one of the user's tokens; another user's token answers 404."""
    token = operations.get_own_token(current_person(), api_token_id)
    if token is None:
        abort(404, message="Not found.")
    operations.revoke_token(token)
    db.session.commit()


@blp.route("/me/personal-data")
@blp.response(200)
@access(Role.AUTHENTICATED)
def export_my_data():
    """GDPR: everything personal the platform holds about the user, as JSON."""
    return operations.export_personal_data(current_person())


@blp.route("/me/erase", methods=["POST"])
@blp.arguments(EraseSchema)
@blp.response(204)
@access(Role.AUTHENTICATED)
@session_only
def erase_me(args):
    """GDPR: pseudonymise the user and log them out (every session ends); seats, votes and
    minutes stay."""
    operations.erase_user(current_person())
    db.session.commit()
    logout_user()


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, message="Not found.")
    return user


@blp.route("/users/<int:user_id>/personal-data")
@blp.response(200)
@access(Role.PLATFORM_ADMIN)
def export_user_data(user_id: int):
    """GDPR, for the platform administrator: a user's personal data as JSON."""
    return operations.export_personal_data(_user_or_404(user_id))


@blp.route("/users/<int:user_id>/erase", methods=["POST"])
@blp.arguments(EraseSchema)
@blp.response(204)
@access(Role.PLATFORM_ADMIN)
@session_only
def erase_user(args, user_id: int):
    """GDPR, for the platform administrator: pseudonymise a user (every session of theirs
    ends)."""
    user = _user_or_404(user_id)
    operations.erase_user(user)
    db.session.commit()
    if logged_in_by_session() and user.id == current_person().id:
        logout_user()


# --- people within a tenant --------------------------------------------------------------

people_blp = Blueprint(
    "people", __name__, url_prefix="/api/v1/tenants/<tenant>",
    description="Contact details of the people in a tenant (personal data)",
)
bind_tenant(people_blp)


@people_blp.route("/people")
@people_blp.response(200, PersonSchema(many=True))
@access(Role.TENANT_ADMIN)
def list_people():
    """Everyone with a seat or the administration in the tenant, with e-mail: for the
    tenant's secretariat."""
    return operations.tenant_people(current_tenant())


@people_blp.route("/bodies/<key>/contacts")
@people_blp.response(200, ContactSchema(many=True))
@access(Role.MEMBER)
def body_contacts(key: str):
    """The body's members and their e-mail, for its members, its secretary and the
    secretariat; others who may see the body get 403."""
    body = get_body(key)
    require(Role.MEMBER, body)
    return operations.body_contacts(body)
