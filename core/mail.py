"""Outgoing e-mail, one transport for every feature (notifications, password resets).

Python's ``smtplib`` with the ``MAIL_*`` settings read at send time: implicit TLS with
``MAIL_USE_SSL``, STARTTLS with ``MAIL_USE_TLS``, the relay's certificate and name always
verified (the system's authorities, or ``MAIL_SSL_CAFILE``); ``MAIL_BACKEND=console`` prints
instead (development). Errors are raised to the caller: the outbox job records them and rq
retries (core/notifications/tasks.py); the password-reset mail logs them. Why not
Flask-Mailman: docs/decisions/0010-one-mail-transport.md.
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage

from flask import current_app


def send(msg: EmailMessage) -> None:
    """Send ``msg`` now (or print it, ``MAIL_BACKEND=console``); raises if the relay
    refuses, cannot be reached or cannot be verified."""
    cfg = current_app.config
    backend = cfg.get("MAIL_BACKEND") or "smtp"
    if backend == "console":
        sys.stdout.write(msg.as_string() + "\n" + "-" * 79 + "\n")
        sys.stdout.flush()
        return
    if backend != "smtp":
        raise ValueError(f"MAIL_BACKEND={backend!r}: mail is sent by 'smtp' or printed by 'console'")
    host, port = cfg.get("MAIL_SERVER", "localhost"), int(cfg.get("MAIL_PORT", 25))
    timeout = float(cfg.get("MAIL_TIMEOUT", 10))
    secure = cfg.get("MAIL_USE_SSL") or cfg.get("MAIL_USE_TLS")
    context = ssl.create_default_context(cafile=cfg.get("MAIL_SSL_CAFILE") or None) if secure else None
    if cfg.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if cfg.get("MAIL_USE_TLS") and not cfg.get("MAIL_USE_SSL"):
            smtp.starttls(context=context)
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
        smtp.send_message(msg)
