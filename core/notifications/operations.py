"""What is due, from the database: the ``tick`` that writes the outbox, and the e-mails.

``tick`` looks at every tenant's meetings and writes one outbox row per (kind, subject,
recipient) that is due; the unique constraint makes writing it twice a no-op, so a repeated
tick sends nothing twice. It then hands unsent rows to the job queue (core/jobs.py), where
:func:`core.notifications.tasks.deliver` sends them. A row that failed, or whose job Redis
lost, is handed over again by a later tick (docs/decisions/0004).

Kinds (the subject is ``meeting:<id>``):

* ``agenda_published`` — the agenda, with an iCalendar invitation, to members, information
  recipients (CORE-INFORMATION-RECIPIENTS) and the guests of an item (CORE-GUESTS);
* ``meeting_changed`` (subject ``meeting:<id>:r<revision>``) — time or place changed after
  the agenda went out: an updated invitation to the same people;
* ``meeting_cancelled`` — with an iCalendar cancellation, to those who had the invitation;
* ``submission_deadline_near`` — members may still ask for items (CORE-SUBMISSION-DEADLINE-DAYS);
* ``agenda_due`` — to the secretary: the notice period starts and the agenda is not out
  (CORE-NOTICE-DAYS);
* ``minutes_due`` — to the secretary: the minutes are due (CORE-MINUTES-DUE-DAYS);
* ``minutes_sent`` — the minutes, to members and information recipients;
* ``approval_due`` — to members who have not yet approved (CORE-APPROVAL-DUE-DAYS);
* ``minutes_objection`` (subject ``meeting:<id>:o<objection>``) — to the secretary: a
  member objected to minutes sent for tacit approval, which are back with the secretary;
* ``minutes_approved`` — to the members: the minutes were approved tacitly (no member objected).
* ``minutes_review`` (subject ``meeting:<id>:g<round>``) — the draft minutes sent to the
  members for comments (a review round, core/meetings/operations/review.py), while the
  round is open; not to information recipients, who take no part.
* ``written_opened`` (subject ``written:<id>``) — a proposal put to written procedure, to
  those who answer for the body's eligible voting units (core/decisions/operations/written.py);
* ``written_reminder`` (subject ``written:<id>``) — a day before its deadline, to those whose
  unit has not answered;
* ``written_closed`` (subject ``written:<id>``) — its explained outcome, to the body's
  members, whoever started it and whoever answered.

Minutes sent again after an objection go out as ``minutes_sent`` with the subject
``meeting:<id>:s<round>``. The tick also approves minutes whose time to object has ended
(:func:`core.meetings.operations.approve_tacitly`) and closes written procedures whose
deadline has come (:func:`core.decisions.operations.close_due_written_procedures`) before it looks at
what is due.

What a mail says, in the recipient's language, as text and HTML, threaded per meeting:
core/notifications/mails.py. A person who chose one mail a day gets the rows written for
them in a daily digest instead: core/notifications/digest.py (docs/decisions/0035).

Other features hand over mails with :func:`write_notifications` (worded when delivered, as
the meetings' are: a hearing opened, its reminders, subject ``hearing:<id>:org:<organisation>``,
CORE-HEARING), or *prepared* ones with :func:`write_prepared` (a subject line and a text
written when the row is written): the same outbox, the same once-per-(kind, subject,
recipient), the same delivery.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from redis.exceptions import RedisError

from core import clock, mail
from core.bodies.models import SeatRole
from core.extensions import db
from core.identity.models import Affiliation, User
from core.meetings import operations as meetings
from core.meetings.models import Meeting, MeetingState
from core.notifications import digest, ical
from core.notifications.models import Notification
from core.notifications.outbox import _unique, _write, write_notifications, write_prepared  # noqa: F401
from core.organisations.models import Organisation
from core.tenancy import tenant_scope
from core.tenants.models import Tenant, TenantAdmin

log = logging.getLogger(__name__)

#: Remind members this long before the submission deadline.
SUBMISSION_REMINDER = timedelta(days=3)
#: Warn the secretary this long before the agenda or the minutes are due.
SECRETARY_WARNING = timedelta(days=2)
#: Remind members this long before the approval deadline.
APPROVAL_REMINDER = timedelta(days=7)
#: Announce a cancellation or sent minutes only while recent (a first tick on old data
#: should not mail years of history).
CANCELLATION_WINDOW = timedelta(days=30)
#: A row handed to the queue and still unsent after this long is handed over again.
REQUEUE_AFTER = timedelta(minutes=15)
#: Give up on a row after this many failed attempts (it stays in the outbox, with its error).
MAX_ATTEMPTS = 20


@dataclass
class TickReport:
    written: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    failed: int = 0
    #: Minutes approved tacitly by this tick.
    approved: int = 0
    #: Daily digests put together by this tick.
    digests: int = 0
    #: Written procedures closed by this tick (their deadline came).
    written_closed: int = 0

    def __str__(self) -> str:
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(self.written.items())) or "nothing new"
        approved = f"; minutes approved tacitly: {self.approved}" if self.approved else ""
        digests = f"; daily digests: {self.digests}" if self.digests else ""
        closed = f"; written procedures closed: {self.written_closed}" if self.written_closed else ""
        return (f"outbox: {kinds}; handed to delivery: {self.queued}; failed now: {self.failed}"
                f"{approved}{digests}{closed}")


# --------------------------------------------------------------------------- recipients


def members(meeting: Meeting) -> list[str]:
    day = meeting.starts_at.date()
    return _unique(holder.email for s in meeting.body.seats
                   if (holder := s.holder_on(day)) is not None and s.is_valid_on(day))


def information_recipients(meeting: Meeting, tenant, hooks) -> list[str]:
    """CORE-INFORMATION-RECIPIENTS: the people of the organisations that receive the body's
    material without a seat."""
    from core.bodies.facts import body_facts

    codes = hooks.collect("information_recipients", body=body_facts(meeting.body, tenant.slug))
    if not codes:
        return []
    rows = db.session.scalars(
        sa.select(User.email).join(Affiliation, sa.and_(Affiliation.user_id == User.id, Affiliation.current_sql()))
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Organisation.code.in_(list(codes)), User.is_enabled.is_(True))
        .order_by(User.email)
    )
    return _unique(rows)


def reviewers(meeting: Meeting) -> list[str]:
    """Those who read the draft minutes in a review round: the body's members on the
    meeting's day, the secretary (who sent it) aside."""
    day = meeting.starts_at.date()
    return _unique(holder.email for s in meeting.body.seats
                   if s.role is not SeatRole.SECRETARY and s.is_valid_on(day)
                   and (holder := s.holder_on(day)) is not None)


def guests(meeting: Meeting) -> list[str]:
    return _unique(g.get("email") for i in meeting.items for g in (i.guests or []) if g.get("email"))


def secretaries(meeting: Meeting) -> list[str]:
    day = meeting.starts_at.date()
    found = [holder.email for s in meeting.body.seats
             if s.role is SeatRole.SECRETARY and s.is_valid_on(day)
             and (holder := s.holder_on(day)) is not None]
    if found:
        return _unique(found)
    return _unique(db.session.scalars(
        sa.select(User.email).join(TenantAdmin, TenantAdmin.user_id == User.id).order_by(User.email)
    ))


# --------------------------------------------------------------------------- tick


def due(meeting: Meeting, tenant, hooks, now: datetime) -> list[tuple[str, str, list[str]]]:
    """The notifications due for one meeting now: (kind, subject, recipients)."""
    rules = meetings.meeting_rules(meeting.body, tenant, hooks)
    d = meetings.deadlines(meeting, rules)
    subject = f"meeting:{meeting.id}"
    state = meeting.state
    out = []
    if state is MeetingState.CANCELLED:
        if meeting.cancelled_at and now - meeting.cancelled_at <= CANCELLATION_WINDOW \
                and meeting.starts_at > meeting.cancelled_at:
            out.append(("meeting_cancelled", subject,
                        members(meeting) + information_recipients(meeting, tenant, hooks) + guests(meeting)))
        return out
    if state is MeetingState.PLANNED:
        if d.submission_due_at and d.submission_due_at - SUBMISSION_REMINDER <= now < d.submission_due_at:
            out.append(("submission_deadline_near", subject, members(meeting)))
        if d.agenda_due_at and now >= d.agenda_due_at - SECRETARY_WARNING and now < meeting.starts_at:
            out.append(("agenda_due", subject, secretaries(meeting)))
    if meeting.agenda_published_at is not None and now < meeting.starts_at + timedelta(days=1):
        invited = members(meeting) + information_recipients(meeting, tenant, hooks) + guests(meeting)
        out.append(("agenda_published", subject, invited))
        if meeting.revision:
            out.append(("meeting_changed", f"{subject}:r{meeting.revision}", invited))
    if state is MeetingState.HELD and d.minutes_due_at and now >= d.minutes_due_at - SECRETARY_WARNING:
        out.append(("minutes_due", subject, secretaries(meeting)))
    version = meetings.current_version(meeting)
    objections = version.objections if version is not None and version.number == 1 else []
    if meeting.minutes_sent_at is not None and now - meeting.minutes_sent_at <= CANCELLATION_WINDOW \
            and state is not MeetingState.HELD:
        rounds = len({o.sent_at for o in objections})  # each objection sent them back once
        out.append(("minutes_sent", f"{subject}:s{rounds + 1}" if rounds else subject,
                    members(meeting) + information_recipients(meeting, tenant, hooks)))
    for objection in objections:
        if now - objection.created_at <= CANCELLATION_WINDOW:
            out.append(("minutes_objection", f"{subject}:o{objection.id}", secretaries(meeting)))
    for review in meeting.minutes_reviews:
        if state is MeetingState.HELD and review.closed_at is None \
                and now - review.sent_at <= CANCELLATION_WINDOW:
            out.append(("minutes_review", f"{subject}:g{review.round}", reviewers(meeting)))
    if state is MeetingState.MINUTES_APPROVED and (meeting.minutes_approval or {}).get("mode") == "tacit" \
            and meeting.minutes_approved_at and now - meeting.minutes_approved_at <= CANCELLATION_WINDOW:
        out.append(("minutes_approved", subject, members(meeting)))
    if state is MeetingState.MINUTES_SENT and rules.approval_mode == "email" and d.approval_due_at \
            and now >= d.approval_due_at - APPROVAL_REMINDER and meeting.minutes_versions:
        done = {a.user_id for a in meeting.minutes_versions[0].approvals}
        out.append(("approval_due", subject,
                    [u.email for u in meetings.expected_approvers(meeting, tenant, hooks) if u.id not in done]))
    return out


def tick(now: datetime | None = None, host=None) -> TickReport:
    """Decide from the database what is due, write it to the outbox, hand it to delivery.

    Safe to run as often as wanted and from several places at once.
    """
    from core.jobs import enqueue
    from core.notifications.tasks import deliver
    from core.tenancy import all_tenants

    now = now or clock.now()
    host = host or current_app.extensions["kommissorium.host"]
    report = TickReport()
    with all_tenants():
        tenants = list(db.session.scalars(sa.select(Tenant).order_by(Tenant.id)))
    for tenant in tenants:
        hooks = host.for_tenant(tenant.plugins)
        with tenant_scope(tenant.id):
            window_start = now - timedelta(days=400)
            active = db.session.scalars(
                sa.select(Meeting).where(Meeting.starts_at >= window_start).order_by(Meeting.id)
            )
            # Written procedures (skriftlig behandling): close those whose deadline has
            # come, put closed ones on the next meeting, and mail proposals and outcomes.
            from core.decisions import operations as decisions

            report.written_closed += decisions.close_due_written_procedures(tenant, hooks, now)
            for kind, subject, recipients in decisions.written_due_mails(tenant, hooks, now):
                n = _write(tenant.id, kind, subject, recipients, now)
                if n:
                    report.written[kind] = report.written.get(kind, 0) + n
            for meeting in active:
                # Tacit approval (approval mode "tacit"): the time to object has ended.
                if meetings.approve_tacitly(meeting, meetings.meeting_rules(meeting.body, tenant, hooks), now):
                    report.approved += 1
                for kind, subject, recipients in due(meeting, tenant, hooks, now):
                    n = _write(tenant.id, kind, subject, recipients, now)
                    if n:
                        report.written[kind] = report.written.get(kind, 0) + n
            db.session.commit()
            ready = list(db.session.scalars(
                sa.select(Notification.id).where(
                    Notification.sent_at.is_(None),
                    Notification.attempts < MAX_ATTEMPTS,
                    # A digest reader's rows go out in their daily digest (core/notifications/digest.py).
                    Notification.recipient.not_in(digest.readers()),
                    Notification.digest_id.is_(None),
                    sa.or_(Notification.queued_at.is_(None), Notification.queued_at < now - REQUEUE_AFTER),
                ).order_by(Notification.id)
            ))
            if ready:
                db.session.execute(
                    sa.update(Notification).where(Notification.id.in_(ready)).values(queued_at=now)
                )
                db.session.commit()
        unqueued = []
        for notification_id in ready:
            try:
                enqueue(deliver, tenant.id, notification_id)
                report.queued += 1
            except RedisError:  # the queue is away: the row waits for the next tick
                log.warning("could not queue notification %s", notification_id, exc_info=True)
                unqueued.append(notification_id)
                report.failed += 1
            except Exception:  # in-process delivery failed; the row keeps its error
                log.warning("delivery of notification %s failed", notification_id, exc_info=True)
                report.failed += 1
        if unqueued:
            # Never handed over: the next tick hands it over at once, not 15 minutes on.
            with tenant_scope(tenant.id):
                db.session.execute(sa.update(Notification).where(Notification.id.in_(unqueued))
                                   .values(queued_at=None))
                db.session.commit()
    report.digests = digest.assemble(now, MAX_ATTEMPTS)
    queued, failed = digest.hand_over(now, REQUEUE_AFTER, MAX_ATTEMPTS)
    report.queued += queued
    report.failed += failed
    return report


def notify_at_once(response):
    """With ``NOTIFY_AT_ONCE`` (the demo): after a write that succeeded, what it made due is
    written to the outbox and delivered now, as the next ``tick`` would (an ``after_request``
    hook; a failure is logged, the answer stands)."""
    from flask import request

    if request.method in ("POST", "PUT", "PATCH", "DELETE") and response.status_code < 400:
        try:
            tick()
        except Exception:  # the write is committed; the next tick delivers what is due
            db.session.rollback()
            log.warning("notifying at once failed", exc_info=True)
    return response


# --------------------------------------------------------------------------- e-mails


def outbox(limit: int = 500) -> list[Notification]:
    """The current tenant's notifications, newest first: what was sent, what waits, what
    failed and why (the secretariat's outbox, in the API and on its page)."""
    return db.session.scalars(
        sa.select(Notification).order_by(Notification.id.desc()).limit(limit)
    ).all()


def render(notification: Notification, tenant) -> EmailMessage:
    """The e-mail for an outbox row, from the current state of what it is about: text and
    HTML in the recipient's language, threaded (core/notifications/mails.py)."""
    from core.notifications.mails import message

    return message(notification, tenant)


def send_email(msg: EmailMessage) -> None:
    """Send a rendered notification (core/mail.py)."""
    mail.send(msg)


# --- the person's own calendar ------------------------------------------------------------


def user_calendar(user: User) -> bytes:
    """The meetings of every body where ``user`` holds a seat that has not ended, in every
    tenant, as an iCalendar feed: time and place only, never the agenda. The same feed for
    the logged-in person (``/api/v1/me/calendar.ics``) and for a calendar program holding
    the person's secret address (``/api/v1/calendar/<secret>.ics``).

    Spans tenants on purpose, and filters by the user itself. A seat whose last day has
    passed takes its body's meetings out of the feed, past ones too; a seat not yet begun
    already shows its body's coming meetings.
    """
    from sqlalchemy.orm import selectinload

    from core.bodies.models import Seat, SeatHolding
    from core.tenancy import all_tenants

    today = clock.today()
    # a holding not over yet (one from a later day already shows the coming meetings)
    seats_held = sa.select(Seat.body_id).join(SeatHolding, SeatHolding.seat_id == Seat.id).where(
        SeatHolding.holder_id == user.id,
        sa.or_(SeatHolding.valid_to.is_(None), SeatHolding.valid_to >= today),
        sa.or_(Seat.valid_to.is_(None), Seat.valid_to >= today),
        Seat.not_ended_sql(today))
    with all_tenants():
        rows = db.session.execute(
            sa.select(Meeting, Tenant.slug)
            .join(Tenant, Tenant.id == Meeting.tenant_id)
            .where(Meeting.body_id.in_(seats_held))
            .options(selectinload(Meeting.body))
            .order_by(Meeting.starts_at, Meeting.id)
        ).all()
        return ical.feed(((m, slug) for m, slug in rows), f"Møder for {user.name}")


def feed_address(secret: str) -> dict[str, str]:
    """A calendar address for subscribing, from the platform's public address
    (``PUBLIC_URL``): ``url`` (https) and ``webcal_url`` (the same address, which a click
    opens in the person's calendar program)."""
    from flask import url_for

    url = current_app.config["PUBLIC_URL"].rstrip("/") + url_for(
        "calendar_feed.subscribed_calendar", secret=secret)
    return {"url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}
