"""E-mail for identity: the password-reset link, sent through core/mail.py."""

from __future__ import annotations

import logging
from email.message import EmailMessage

from flask import current_app

from core import mail

log = logging.getLogger(__name__)


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
    message = EmailMessage()
    message["Subject"] = "Nulstil din adgangskode til Kommissorium"
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = user.email
    message.set_content(body)
    try:
        mail.send(message)
    except (OSError, ValueError):  # the relay down or refusing, TLS unverifiable, a bad MAIL_BACKEND
        log.exception("password-reset mail for user %s could not be sent", user.id)
