"""HTML pages for identity: setting a new password from the mailed reset link."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from core.extensions import db, limiter
from core.identity import operations
from core.identity.permissions import Role, access

bp = Blueprint("identity_pages", __name__, template_folder="templates")


class NewPasswordForm(FlaskForm):
    password = PasswordField("Ny adgangskode", validators=[InputRequired(), Length(min=10, max=1024)])
    repeat = PasswordField(
        "Gentag adgangskoden", validators=[EqualTo("password", "Adgangskoderne er ikke ens.")]
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
            db.session.commit()
            done = True
    status = 400 if failed else 200
    return render_template("identity/reset.html", form=form, done=done, failed=failed), status
