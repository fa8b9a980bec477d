"""E-mail for identity: the password-reset link, sent by SMTP (Flask-Mailman).

The SMTP settings are read from the app's ``MAIL_*`` config at send time.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_mailman import EmailMessage

from core.extensions import mail

log = logging.getLogger(__name__)


def _connection():
    cfg = current_app.config
    return mail.get_connection(
        backend=cfg.get("MAIL_BACKEND") or "smtp",
        host=cfg["MAIL_SERVER"], port=cfg["MAIL_PORT"],
        username=cfg.get("MAIL_USERNAME"), password=cfg.get("MAIL_PASSWORD"),
        use_tls=cfg.get("MAIL_USE_TLS", False), use_ssl=cfg.get("MAIL_USE_SSL", False),
        timeout=cfg.get("MAIL_TIMEOUT"),
    )


def reset_link(token: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + f"/adgangskode/{token}"


def send_password_reset(user, token: str) -> None:
    """Mail the reset link. The token appears only in the mail, never in a log."""
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    body = (
        f"Hej {user.name}\n\n"
        "Nogen (forhåbentlig dig) har bedt om at nulstille din adgangskode til Kommissorium.\n"
        f"Brug linket herunder inden for {hours} timer; det virker én gang:\n\n"
        f"{reset_link(token)}\n\n"
        "Har du ikke bedt om det, kan du se bort fra denne mail.\n"
    )
    message = EmailMessage(
        subject="Nulstil din adgangskode til Kommissorium",
        body=body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[user.email],
        connection=_connection(),
    )
    try:
        message.send()
    except OSError:
        log.exception("password-reset mail for user %s could not be sent", user.id)
