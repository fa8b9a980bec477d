"""JSON API: logging in and out, and the logged-in user's own view across tenants."""

from __future__ import annotations

from flask_login import current_user, login_user, logout_user
from flask_smorest import Blueprint, abort

from core.identity.permissions import Role, access
from core.identity import operations
from core.identity.schemas import LoginSchema, MeSchema

blp = Blueprint("identity", __name__, url_prefix="/api/v1", description="Login and the current user")


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, MeSchema)
@access(Role.PUBLIC)
def login(credentials):
    """Log in with e-mail and password; sets the session cookie."""
    user = operations.authenticate(credentials["email"], credentials["password"])
    if user is None:
        abort(401, message="Wrong e-mail or password.")
    login_user(user)
    return operations.overview(user)


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@access(Role.PUBLIC)
def logout():
    """Log out."""
    logout_user()


@blp.route("/me")
@blp.response(200, MeSchema)
@access(Role.AUTHENTICATED)
def me():
    """The logged-in user: organisations, and every tenant, body and seat of theirs."""
    return operations.overview(current_user._get_current_object())
