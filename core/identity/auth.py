"""Session login for people (Flask-Login)."""

from __future__ import annotations

from flask import Flask
from flask_smorest import abort

from core.extensions import db, login_manager
from core.identity.models import User


def init_auth(app: Flask) -> None:
    @login_manager.user_loader
    def _load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.is_enabled else None

    @login_manager.unauthorized_handler
    def _unauthorized():
        abort(401, message="Log in first.")
