"""The daily digest: for a person who chose it on their account page, the day's mails of
every tenant in one message, grouped by municipality and body (docs/decisions/0035).

The outbox stays as it is: ``tick`` writes one row per (kind, subject, recipient) for a
digest reader too, but does not hand those rows to delivery one by one. From ``DIGEST_HOUR``
(the platform's local time) the first ``tick`` of a day puts each such person's waiting rows
into one :class:`~core.notifications.models.MailDigest` (one per person and day, a unique
key) and hands the digest to delivery. Its rows are marked sent in the same transaction as
the digest, after the SMTP server accepted it: a digest that fails, or whose job is lost, is
sent again, whole, by a later tick, and a row is never marked sent that was not. Rows
written after the day's digest wait for the next day's.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import ngettext
from redis.exceptions import RedisError

from core import clock
from core import mail as transport
from core.extensions import db
from core.identity.models import User
from core.jobs import job
from core.notifications import mails
from core.notifications.models import MailDigest, Notification
from core.tenancy import all_tenants, tenant_scope
from core.tenants.models import Tenant

log = logging.getLogger(__name__)


def readers() -> sa.Select:
    """The addresses of the people who take a daily digest."""
    return sa.select(User.email).where(User.has_daily_digest.is_(True))


def assemble(now: datetime, max_attempts: int) -> int:
    """From ``DIGEST_HOUR`` on: put each digest reader's waiting rows into today's digest
    (at most one per person and day). Returns how many digests were made."""
    local = now.astimezone(clock.tenant_zone())
    if local.hour < current_app.config["DIGEST_HOUR"]:
        return 0
    made = 0
    with all_tenants():
        waiting = (sa.select(Notification.id).where(
            Notification.recipient == User.email, Notification.sent_at.is_(None),
            Notification.digest_id.is_(None), Notification.attempts < max_attempts))
        people = list(db.session.scalars(
            sa.select(User).where(User.has_daily_digest.is_(True), waiting.exists()).order_by(User.id)))
        for user in people:
            if db.session.scalar(sa.select(MailDigest.id).filter_by(user_id=user.id, day=local.date())):
                continue  # today's went out: the rest waits for tomorrow's
            digest = MailDigest(user_id=user.id, day=local.date(), created_at=now, attempts=0, last_error="")
            db.session.add(digest)
            try:
                db.session.flush()
            except sa.exc.IntegrityError:  # a tick running at the same moment made it
                db.session.rollback()
                continue
            db.session.execute(
                sa.update(Notification).where(
                    Notification.recipient == user.email, Notification.sent_at.is_(None),
                    Notification.digest_id.is_(None), Notification.attempts < max_attempts,
                ).values(digest_id=digest.id).execution_options(synchronize_session=False))
            db.session.commit()
            made += 1
    return made


def hand_over(now: datetime, requeue_after, max_attempts: int) -> tuple[int, int]:
    """Hand the unsent digests to delivery (as the outbox's rows are). Returns (queued, failed)."""
    from core.jobs import enqueue

    with all_tenants():
        ready = list(db.session.scalars(sa.select(MailDigest.id).where(
            MailDigest.sent_at.is_(None), MailDigest.attempts < max_attempts,
            sa.or_(MailDigest.queued_at.is_(None), MailDigest.queued_at < now - requeue_after),
        ).order_by(MailDigest.id)))
        if ready:
            db.session.execute(sa.update(MailDigest).where(MailDigest.id.in_(ready)).values(queued_at=now))
            db.session.commit()
    queued = failed = 0
    for digest_id in ready:
        try:
            enqueue(deliver_digest, digest_id)
            queued += 1
        except RedisError:
            log.warning("could not queue digest %s", digest_id, exc_info=True)
            with all_tenants():
                db.session.execute(sa.update(MailDigest).where(MailDigest.id == digest_id).values(queued_at=None))
                db.session.commit()
            failed += 1
        except Exception:  # in-process delivery failed; the digest keeps its error
            log.warning("delivery of digest %s failed", digest_id, exc_info=True)
            failed += 1
    return queued, failed


@job
def deliver_digest(digest_id: int) -> str:
    """Send one digest, at most once at a time (claimed as a row of the outbox is,
    core/notifications/tasks.py); its rows are marked sent with it, or not at all."""
    from core.notifications.tasks import claim, record_failure

    with all_tenants():
        if not claim(MailDigest, digest_id):
            return "skipped"
        digest = db.session.get(MailDigest, digest_id)
        try:
            msg, shown = message(digest)
            if shown:  # nothing is left to say when every row's meeting is gone
                transport.send(msg)
        except Exception as exc:
            record_failure(MailDigest, digest_id, exc)
            raise
        sent = clock.now()
        digest.sent_at, digest.last_error = sent, ""
        if shown:
            db.session.execute(sa.update(Notification).where(Notification.id.in_(shown))
                               .values(sent_at=sent).execution_options(synchronize_session=False))
        db.session.commit()
        return "sent"


def message(digest: MailDigest) -> tuple[EmailMessage, list[int]]:
    """The digest's e-mail (text and HTML in the person's language), and the rows it shows.
    A row whose meeting no longer exists is left out, with its error."""
    user = db.session.get(User, digest.user_id)
    lang = mails.language_of(user)
    rows = list(db.session.scalars(sa.select(Notification).where(Notification.digest_id == digest.id)
                                   .order_by(Notification.tenant_id, Notification.id)))
    tenants = {t.id: t for t in db.session.scalars(
        sa.select(Tenant).where(Tenant.id.in_({r.tenant_id for r in rows})))}
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    shown = []
    for row in rows:
        tenant = tenants[row.tenant_id]
        try:
            with tenant_scope(tenant.id):
                mail = mails.compose(row, tenant, user)
        except LookupError as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"
            continue
        groups[mail.tenant][mail.body].append(mail)
        shown.append(row.id)
    with force_locale(lang):
        subject = ngettext("Dagens overblik fra Kommissorium, %(day)s: %(num)s besked",
                           "Dagens overblik fra Kommissorium, %(day)s: %(num)s beskeder",
                           len(shown), day=digest.day.strftime("%d.%m.%Y"))
    text, html = mails.render_parts("digest", lang, subject=subject, groups=groups, day=digest.day)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = user.email
    msg["Message-ID"] = f"<digest.{digest.id}@{mails.domain()}>"
    msg["X-Kommissorium-Notification"] = f"digest {digest.day.isoformat()}"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    msg["Content-Language"] = lang  # last: adding a part moves the content headers into it
    return msg, shown
