"""HTML pages for identity: logging in and out, and setting a new password from the
mailed reset link. Forms carry CSRF tokens (core/identity/security.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from werkzeug.exceptions import TooManyRequests
from wtforms.validators import EqualTo, InputRequired, Length

from core.extensions import db, limiter
from core.identity import mail, operations, throttle
from core.identity.permissions import Role, access, current_person

bp = Blueprint("identity_pages", __name__, template_folder="templates")


class NewPasswordForm(FlaskForm):
    password = PasswordField(lazy_gettext("Ny adgangskode"),
                             validators=[InputRequired(), Length(min=10, max=1024)])
    repeat = PasswordField(
        lazy_gettext("Gentag adgangskoden"),
        validators=[EqualTo("password", lazy_gettext("Adgangskoderne er ikke ens."))],
    )


@bp.route("/adgangskode/<token>", methods=["GET", "POST"])
@access(Role.PUBLIC)
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def reset_password(token: str):
    """The page the reset mail links to (CSRF-protected form)."""
    form = NewPasswordForm()
    done = failed = False
    if form.validate_on_submit():
        if operations.finish_password_reset(token, form.password.data) is None:
            failed = True
        else:
            db.session.commit()  # every session of the user ends with the old password
            done = True
    status = 400 if failed else 200
    return render_template("identity/reset.html", form=form, done=done, failed=failed), status


class LoginForm(FlaskForm):
    email = EmailField(lazy_gettext("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(lazy_gettext("Adgangskode"), validators=[InputRequired(), Length(max=1024)])


@bp.route("/log-ind", methods=["GET", "POST"])
@access(Role.PUBLIC)
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    """Log in with e-mail and password, or through an organisation's identity provider."""
    form = LoginForm()
    error, status, retry_after = None, 200, None
    if form.validate_on_submit():
        try:
            user = throttle.password_login(form.email.data, form.password.data)
        except TooManyRequests as throttled:
            user, retry_after, status = None, throttled.retry_after, 429
            error = gettext("For mange forkerte adgangskoder til denne adresse. Prøv igen om "
                            "%(n)s minutter, eller nulstil adgangskoden.", n=max(1, -(-retry_after // 60)))
        if user is not None:
            login_user(user)
            return throttle.remember_device(redirect(_back_to() or url_for("web.index")), user.id)
        if error is None:
            error, status = gettext("Forkert e-mail eller adgangskode."), 401
    providers = operations.list_providers()
    page = make_response(render_template(
        "identity/login.html", form=form, error=error, providers=providers, next=_back_to()
    ), status)
    if retry_after is not None:
        page.headers["Retry-After"] = str(retry_after)
    return page


def _back_to() -> str | None:
    """The page to return to after logging in (``?next=``, from a page that needed a
    login: core/errors.py); a path on this site only, never another site."""
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/log-ud", methods=["POST"])
@access(Role.PUBLIC)
def logout():
    """Log out (a CSRF-protected form post): every session of the person ends."""
    if current_person() is not None:
        operations.end_sessions(current_person())
        db.session.commit()
    logout_user()
    return redirect(url_for("web.index"))


class ForgotForm(FlaskForm):
    email = EmailField(lazy_gettext("E-mail"), validators=[InputRequired(), Length(max=254)])


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
@access(Role.PUBLIC)
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the address is known or not."""
    form = ForgotForm()
    sent = False
    if form.validate_on_submit():
        started = operations.start_password_reset(form.email.data)
        db.session.commit()
        if started is not None:
            mail.send_password_reset(*started)
        sent = True
    return render_template("identity/forgot.html", form=form, sent=sent)
