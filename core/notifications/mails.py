"""The e-mails of the outbox: what one row says, in the recipient's language, as a
multipart message (plain text and HTML from the same content), threaded per meeting or
proposal.

:func:`compose` reads the current state of what a row is about and gives a :class:`Mail`:
the municipality (tenant) and body it is about, a heading, the facts, the agenda's items,
paragraphs, the one thing to do (``action``, a button in HTML) and further links, every link
absolute from the platform's address (``PUBLIC_URL``). :func:`message` makes the message of
one row; the daily digest (core/notifications/digest.py) shows several :class:`Mail` in one.
Both render the templates in ``templates/notifications/mail/`` (text and HTML; the HTML
styled inline, as mail programs ignore stylesheets).

The recipient's language is the one they chose on their account page (``User.language``);
someone without an account (a guest) reads Danish, the platform's first language.

Threads: every mail about one meeting (or one proposal's hearing) refers to the same thread
root (``In-Reply-To``/``References``), so a mail program shows the agenda, the changes, the
minutes and the reminders together (docs/decisions/0035-mail-threads-and-daily-digest.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core import clock
from core.extensions import db
from core.identity.models import MAIL_LANGUAGES, User
from core.identity.permissions import Role, role_in_body
from core.meetings import operations as meetings
from core.meetings import present
from core.meetings.models import Meeting
from core.notifications import ical
from core.notifications.models import Notification

#: The kinds that carry an iCalendar invitation (or its cancellation).
INVITATIONS = ("agenda_published", "meeting_changed", "meeting_cancelled")


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Item:
    """An agenda item as a mail shows it (a closed item: public title and § 27 reason only)."""

    title: str
    details: list[str] = field(default_factory=list)
    link: Link | None = None


@dataclass
class Mail:
    """What one outbox row says, in one language."""

    subject: str
    #: The municipality (tenant) and the body it is about.
    tenant: str
    body: str
    heading: str
    facts: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    #: The one thing to do, a button in HTML ("Godkend referatet", "Åbn mødet").
    action: Link | None = None
    links: list[Link] = field(default_factory=list)
    #: The thread it belongs to, e.g. ``albertslund.meeting.12``.
    thread: str = ""


def language_of(user: User | None) -> str:
    """The language of a person's mails: their choice, else Danish."""
    lang = user.language if user is not None else MAIL_LANGUAGES[0]
    return lang if lang in MAIL_LANGUAGES else MAIL_LANGUAGES[0]


def recipient(notification: Notification) -> User | None:
    return db.session.scalar(sa.select(User).filter_by(email=notification.recipient))


def url(path: str) -> str:
    """An absolute address on the platform (``PUBLIC_URL``)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def meeting_link(meeting: Meeting, tenant, anchor: str = "") -> str:
    """The meeting's page (a login is asked for where it is needed)."""
    return url(f"/{tenant.slug}/moeder/{meeting.id}" + (f"#{anchor}" if anchor else ""))


def review_link(meeting: Meeting, tenant) -> str:
    """The page where a member reads the draft minutes and comments on them (a review round)."""
    return url(f"/{tenant.slug}/moeder/{meeting.id}/referat/gennemlaesning")


def approval_link(meeting: Meeting, tenant) -> str:
    """The page that confirms a member's approval of the minutes (one click, a POST)."""
    return url(f"/{tenant.slug}/moeder/{meeting.id}/referat/godkend")


# --------------------------------------------------------------------------- compose


def compose(notification: Notification, tenant, user: User | None = None) -> Mail:
    """What ``notification`` says to its recipient (``user``, if they have an account),
    in their language."""
    with force_locale(language_of(user)):
        if notification.text:
            return _compose_prepared(notification, tenant)
        if notification.subject.startswith("written:"):
            return _compose_written(notification, tenant, user)
        if notification.kind.startswith("hearing_"):
            return _compose_hearing(notification, tenant, user)
        if notification.subject.startswith("invitation:"):
            return _compose_invitation(notification, tenant)
        return _compose_meeting(notification, tenant, user)


def _subject(kind: str, body: str, date: str, tenant: str) -> str:
    subjects = {
        "agenda_published": _("Dagsorden: %(body)s %(date)s", body=body, date=date),
        "meeting_cancelled": _("Aflyst: %(body)s %(date)s", body=body, date=date),
        "meeting_changed": _("Ændret tid eller sted: %(body)s %(date)s", body=body, date=date),
        "submission_deadline_near": _("Frist for punkter til dagsordenen: %(body)s %(date)s",
                                      body=body, date=date),
        "agenda_due": _("Dagsordenen skal udsendes: %(body)s %(date)s", body=body, date=date),
        "minutes_due": _("Referatet skal udsendes: %(body)s %(date)s", body=body, date=date),
        "minutes_sent": _("Referat: %(body)s %(date)s", body=body, date=date),
        "approval_due": _("Godkend referatet: %(body)s %(date)s", body=body, date=date),
        "minutes_objection": _("Indsigelse mod referatet: %(body)s %(date)s", body=body, date=date),
        "minutes_approved": _("Referatet er godkendt: %(body)s %(date)s", body=body, date=date),
        "minutes_review": _("Udkast til referat til gennemlæsning: %(body)s %(date)s", body=body, date=date),
    }
    return f"{subjects[kind]} · {tenant}"


def _compose_meeting(notification: Notification, tenant, user: User | None) -> Mail:
    """A meeting's mail, from the meeting as it is now. A closed item leaves the platform
    only as its public title and § 27 reason, whoever the recipient is (CORE-CLOSED-ITEMS);
    the recipient's role decides only whether they are told how to object to minutes out
    for tacit approval, and whether they get the link that approves the minutes (those
    who approve them, CORE-APPROVERS, where members approve by e-mail, CORE-APPROVAL-MODE)."""
    kind, ref = notification.kind, notification.subject
    meeting = db.session.get(Meeting, int(ref.split(":")[1]))
    if meeting is None:
        raise LookupError(f"{ref} no longer exists")
    role = role_in_body(user, meeting.body, on=meeting.starts_at.date()) if user else Role.PUBLIC
    hooks = current_app.extensions["kommissorium.host"].for_tenant(tenant.plugins)
    rules = meetings.meeting_rules(meeting.body, tenant, hooks)
    d = meetings.deadlines(meeting, rules)
    zone = clock.tenant_zone(tenant)

    def when(t: datetime) -> str:
        local = t.astimezone(zone)
        return _("%(date)s kl. %(time)s", date=local.strftime("%d.%m.%Y"), time=local.strftime("%H:%M"))

    def day(t: datetime) -> str:
        return t.astimezone(zone).strftime("%d.%m.%Y")

    page = meeting_link(meeting, tenant)
    mail = Mail(
        subject=_subject(kind, meeting.body.name, meeting.starts_at.date().isoformat(), tenant.name),
        tenant=tenant.name, body=meeting.body.name,
        heading=f"{meeting.body.name} — {meeting.title or _('møde')} {when(meeting.starts_at)}",
        action=Link(_("Åbn mødet"), page), thread=f"{tenant.slug}.meeting.{meeting.id}",
    )
    if meeting.location:
        mail.facts.append(_("Sted: %(place)s", place=meeting.location))
    if meeting.online_url:
        mail.facts.append(_("Online: %(url)s", url=meeting.online_url))
    if kind == "meeting_changed":
        mail.paragraphs.append(_("Mødets tid eller sted er ændret; se den opdaterede invitation."))
    if kind in ("agenda_published", "minutes_sent"):
        mail.items = _items(meeting, tenant, kind)
    elif kind == "submission_deadline_near":
        mail.paragraphs.append(_("Punkter til dagsordenen skal være sekretariatet i hænde senest "
                                 "%(at)s (%(clause)s).", at=when(d.submission_due_at), clause=d.submission_clause))
    elif kind == "agenda_due":
        mail.paragraphs.append(_("Dagsordenen skal udsendes senest %(at)s (%(clause)s).",
                                 at=when(d.agenda_due_at), clause=d.agenda_clause))
    elif kind == "minutes_due":
        mail.paragraphs.append(_("Referatet skal udsendes senest %(at)s (%(clause)s).",
                                 at=day(d.minutes_due_at), clause=d.minutes_clause))
    if kind == "minutes_sent" and rules.approval_mode == "tacit" and d.approval_due_at and role >= Role.MEMBER:
        mail.paragraphs.append(_("Referatet er godkendt stiltiende, hvis intet medlem gør indsigelse "
                                 "senest %(at)s (%(clause)s).", at=when(d.approval_due_at), clause=d.approval_clause))
        mail.action = Link(_("Gør indsigelse her"), meeting_link(meeting, tenant, "referat"))
    elif kind == "minutes_objection":
        objection = next(o for v in meeting.minutes_versions for o in v.objections
                         if ref.endswith(f":o{o.id}"))
        mail.paragraphs += [
            _("%(name)s har gjort indsigelse mod referatet, som derfor er sendt tilbage til "
              "sekretariatet (%(clause)s):", name=objection.user.name, clause=d.approval_clause),
            objection.text]
        mail.action = Link(_("Ret referatet og send det igen"), meeting_link(meeting, tenant, "referat"))
    elif kind == "minutes_approved":
        mail.paragraphs.append(_("Intet medlem gjorde indsigelse inden fristen, så referatet er "
                                 "godkendt stiltiende (%(clause)s).", clause=d.approval_clause))
        mail.action = Link(_("Læs referatet"), meeting_link(meeting, tenant, "referat"))
    elif kind == "minutes_review":
        review = next((r for r in meeting.minutes_reviews if ref.endswith(f":g{r.round}")), None)
        mail.paragraphs.append(_("Sekretariatet har sendt udkastet til referat til gennemlæsning. "
                                 "Læs det, og skriv dine kommentarer til de enkelte punkter eller til "
                                 "referatet som helhed, før det sendes til godkendelse."))
        if review is not None and review.deadline_at is not None:
            mail.paragraphs.append(_("Frist for kommentarer: %(at)s.", at=when(review.deadline_at)))
        mail.action = Link(_("Læs og kommentér udkastet"), review_link(meeting, tenant))
    elif kind == "approval_due":
        mail.paragraphs.append(_("Godkend venligst referatet senest %(at)s (%(clause)s).",
                                 at=day(d.approval_due_at), clause=d.approval_clause))
    elif kind == "meeting_cancelled":
        mail.paragraphs.append(" ".join(x for x in (_("Mødet er aflyst."), meeting.cancel_reason) if x))
    if kind in ("minutes_sent", "approval_due") and rules.approval_mode == "email" and user is not None \
            and user.id in {u.id for u in meetings.expected_approvers(meeting, tenant, hooks)}:
        # CORE-APPROVAL-MODE: members approve by e-mail; the link opens a page that asks
        # for the one click (a POST), never approving by merely being opened.
        if kind == "minutes_sent" and d.approval_due_at:
            mail.paragraphs.append(_("Godkend venligst referatet senest %(at)s (%(clause)s).",
                                     at=day(d.approval_due_at), clause=d.approval_clause))
        mail.action = Link(_("Godkend referatet"), approval_link(meeting, tenant))
        mail.links.append(Link(_("Læs referatet"), meeting_link(meeting, tenant, "referat")))
    elif mail.action.url != page:
        mail.links.append(Link(_("Åbn mødet"), page))
    if kind in ("agenda_published", "meeting_changed"):
        mail.links.append(Link(_("Mødet i din kalender (iCalendar)"), url(f"/{tenant.slug}/moeder/{meeting.id}/kalender.ics")))
    return mail


def written_link(procedure_id: int, tenant) -> str:
    """A written procedure's page, where a member answers (a login is asked for)."""
    return url(f"/{tenant.slug}/skriftlig-behandling/{procedure_id}")


def _compose_written(notification: Notification, tenant, user: User | None) -> Mail:
    """A written procedure's mail (core/decisions/operations/written.py): the proposal and
    its deadline to those who answer for a unit (``written_opened``), or the explained
    outcome with its clause (``written_closed``), with the link to its page."""
    from core.decisions.models import WrittenProcedure, WrittenState

    procedure = db.session.get(WrittenProcedure, int(notification.subject.split(":")[1]))
    if procedure is None:
        raise LookupError(f"{notification.subject} no longer exists")
    zone = clock.tenant_zone(tenant)
    deadline = procedure.deadline_at.astimezone(zone)
    at = _("%(date)s kl. %(time)s", date=deadline.strftime("%d.%m.%Y"), time=deadline.strftime("%H:%M"))
    page = written_link(procedure.id, tenant)
    body = procedure.body.name
    if notification.kind == "written_opened":
        subject = _("Skriftlig behandling: %(title)s", title=procedure.title)
        heading = _("Forslag til skriftlig behandling i %(body)s", body=body)
        action = Link(_("Svar her"), page)
    elif notification.kind == "written_reminder":
        subject = _("Påmindelse om skriftlig behandling: %(title)s", title=procedure.title)
        heading = _("Forslag til skriftlig behandling i %(body)s", body=body)
        action = Link(_("Svar her"), page)
    else:
        decided = procedure.state is WrittenState.DECIDED
        subject = (_("Besluttet ved skriftlig behandling: %(title)s", title=procedure.title) if decided
                   else _("Ikke besluttet ved skriftlig behandling: %(title)s", title=procedure.title))
        heading = subject
        action = Link(_("Se udfaldet"), page)
    mail = Mail(subject=f"{subject} · {tenant.name}", tenant=tenant.name, body=body, heading=heading,
                action=action, thread=f"{tenant.slug}.written.{procedure.id}")
    mail.facts.append(_("Frist for svar: %(at)s", at=at))
    mail.items.append(Item(procedure.title, [_("Forslag til beslutning: %(text)s", text=procedure.text)]
                           + ([_("Indstilling: %(text)s", text=procedure.recommendation)]
                              if procedure.recommendation else [])))
    if notification.kind == "written_reminder":
        mail.paragraphs.append(_("Der mangler stadig et svar fra den stemmeberettigede, du svarer for. "
                                 "Fristen udløber %(at)s.", at=at))
    if notification.kind in ("written_opened", "written_reminder"):
        mail.paragraphs.append(_("Svar senest %(at)s: enig, indsigelse (med begrundelse) eller "
                                 "undlad at tage stilling. Hver stemmeberettiget svarer én gang.", at=at))
    else:
        outcome = procedure.outcome or {}
        en = language_of(user) == "en"
        mail.paragraphs.append(outcome.get("explanation_en" if en else "explanation", ""))
        if procedure.meeting is not None:
            mail.links.append(Link(_("Åbn mødet"), meeting_link(procedure.meeting, tenant)))
    return mail


def _items(meeting: Meeting, tenant, kind: str) -> list[Item]:
    entries = {}
    if kind == "minutes_sent":
        v = meetings.current_version(meeting)
        entries = {e.item_id: e for e in v.entries} if v else {}
    out = []
    for item in meeting.items:
        e = entries.get(item.id)
        if item.is_confidential:
            # A mail leaves the platform: a closed item only by its public title and its
            # § 27 reason, with a link for those who may read it (CORE-CLOSED-ITEMS),
            # whoever the recipient is.
            shown = Item(f"{item.position}. ({item.kind.value}) {present.public_title(item)}",
                         [_("Lukket punkt: %(reason)s.", reason=present.reason_text(item))],
                         Link(_("Læs punktet på platformen"), meeting_link(meeting, tenant, f"punkt-{item.id}")))
            if e is not None and e.public_decision:
                shown.details.append(_("Beslutning: %(text)s", text=e.public_decision))
            out.append(shown)
            continue
        shown = Item(f"{item.position}. ({item.kind.value}) {item.title}")
        if item.recommendation:
            shown.details.append(_("Indstilling: %(text)s", text=item.recommendation))
        if e is not None:
            shown.details.append(_("Beslutning: %(text)s", text=e.decision))
            for dissent in e.dissents:
                who = ", ".join(x for x in (dissent.get("by"), dissent.get("organisation")) if x)
                clause = f" ({dissent['clause']})" if dissent.get("clause") else ""
                shown.details.append(_("Særstandpunkt (%(who)s)%(clause)s: %(text)s",
                                       who=who, clause=clause, text=dissent.get("text")))
        out.append(shown)
    return out


# --------------------------------------------------------------------------- hearings


def proposal_link(proposal, tenant) -> str:
    return url(f"/{tenant.slug}/forslag/{proposal.id}")


def hearing_answer_link(proposal, tenant, token: str | None = None) -> str:
    """Where an organisation answers: the answer page (a login is asked for), or the
    hearing contact's personal page (``token``: no login)."""
    path = f"/{tenant.slug}/forslag/{proposal.id}/hoeringssvar"
    return url(path + (f"/{token}" if token else ""))


def _compose_hearing(notification: Notification, tenant, user: User | None) -> Mail:
    """A hearing's mail to one person of an organisation asked (subject
    ``hearing:<id>:org:<organisation>``): ``hearing_opened`` at once when the hearing is
    sent out, ``hearing_deadline_near`` and ``hearing_overdue`` to those who have not
    answered (CORE-HEARING). It carries the proposal, links to its attachments (never the
    files themselves, docs/decisions/0037-hearing-answer-links.md), the deadline, and the
    one thing to do: answer. The organisation's hearing contact gets its personal link,
    which answers without a login; everyone else the answer page, behind the login."""
    from core.organisations.models import Organisation
    from core.proposals.models import Hearing, HearingAnswerLink
    from core.proposals.operations.hearings import LINK_GRACE, link_token

    _kind, hearing_id, _org, organisation_id = notification.subject.split(":")
    hearing = db.session.get(Hearing, int(hearing_id))
    organisation = db.session.get(Organisation, int(organisation_id))
    if hearing is None or organisation is None:
        raise LookupError(f"{notification.subject} no longer exists")
    proposal = hearing.step.proposal
    link = db.session.scalar(sa.select(HearingAnswerLink).filter_by(
        hearing_id=hearing.id, organisation_id=organisation.id, email=notification.recipient))
    token = link_token(link) if link is not None else None
    local = hearing.deadline_at.astimezone(clock.tenant_zone(tenant))
    deadline = _("%(date)s kl. %(time)s", date=local.strftime("%d.%m.%Y"), time=local.strftime("%H:%M"))
    clause = hearing.step.clause or proposal.route_clause or "CORE-HEARING"
    subjects = {
        "hearing_opened": _("Høring: %(title)s", title=proposal.title),
        "hearing_deadline_near": _("Påmindelse om høringssvar: %(title)s", title=proposal.title),
        "hearing_overdue": _("Høringsfristen er overskredet: %(title)s", title=proposal.title),
    }
    body = proposal.origin_body.name if proposal.origin_body is not None else ""
    mail = Mail(subject=f"{subjects[notification.kind]} · {tenant.name}", tenant=tenant.name, body=body,
                heading=proposal.title, thread=f"{tenant.slug}.proposal.{proposal.id}")
    mail.facts += [_("Høringspart: %(org)s", org=organisation.name),
                   _("Svarfrist: %(at)s", at=deadline),
                   _("Forslaget kommer fra: %(body)s", body=body)]
    if notification.kind == "hearing_opened":
        mail.paragraphs.append(_("%(org)s er i høring om forslaget nedenfor. Svar med bemærkninger eller "
                                 "«ingen bemærkninger» senest %(at)s (%(clause)s).",
                                 org=organisation.name, at=deadline, clause=clause))
    elif notification.kind == "hearing_deadline_near":
        mail.paragraphs.append(_("Fristen for %(org)ss høringssvar er %(at)s, og vi har ikke modtaget et "
                                 "svar endnu (%(clause)s).", org=organisation.name, at=deadline, clause=clause))
    else:
        mail.paragraphs.append(_("Fristen for %(org)ss høringssvar var %(at)s, og vi har ikke modtaget et "
                                 "svar. Et svar efter fristen modtages stadig og registreres som for sent "
                                 "(%(clause)s).", org=organisation.name, at=deadline, clause=clause))
    mail.paragraphs += [proposal.text, _("Der ønskes besluttet: %(text)s", text=proposal.decision_sought)]
    if token is not None:
        until = (hearing.deadline_at + LINK_GRACE).astimezone(clock.tenant_zone(tenant)).strftime("%d.%m.%Y")
        mail.paragraphs.append(_("Linket «Afgiv høringssvar» nedenfor er personligt: det viser forslaget og dets "
                                 "bilag og modtager %(org)ss ene høringssvar uden login. Det virker, til svaret "
                                 "er givet, dog højst til %(until)s. Send det ikke videre.",
                                 org=organisation.name, until=until))
    else:
        mail.paragraphs.append(_("Du svarer for %(org)s, når du er logget ind. Organisationen giver ét svar.",
                                 org=organisation.name))
    mail.action = Link(_("Afgiv høringssvar"), hearing_answer_link(proposal, tenant, token))
    for a in proposal.attachments:
        where = (hearing_answer_link(proposal, tenant, token) + f"/bilag/{a.id}" if token
                 else url(f"/{tenant.slug}/forslag/{proposal.id}/bilag/{a.id}"))
        mail.links.append(Link(_("Bilag: %(name)s", name=a.filename), where))
    if token is None:
        mail.links.append(Link(_("Åbn forslaget"), proposal_link(proposal, tenant)))
    return mail


def _compose_invitation(notification: Notification, tenant) -> Mail:
    """The mail of a person the tenant's secretariat invited (subject ``invitation:<id>``,
    core/identity/people.py): who invites them to act for which organisation, and the one
    thing to do: set a password (a single-use link whose token is derived when the mail is
    worded, never stored), log in with the identity provider of their organisation or the
    tenant, or log in as they do already."""
    from core.identity.models import Invitation
    from core.identity.people import invitation_token, provider_for

    invitation = db.session.get(Invitation, int(notification.subject.split(":")[1]))
    if invitation is None:
        raise LookupError(f"{notification.subject} no longer exists")
    org = invitation.organisation
    mail = Mail(subject=_("Invitation til Kommissorium · %(tenant)s", tenant=tenant.name),
                tenant=tenant.name, body="", heading=_("Du er inviteret til Kommissorium"),
                thread=f"{tenant.slug}.invitation.{invitation.id}")
    mail.facts += [_("Kommune: %(tenant)s", tenant=tenant.name),
                   _("Du handler for: %(org)s", org=org.name)]
    mail.paragraphs.append(_("Sekretariatet i %(tenant)s har inviteret dig til Kommissorium, hvor "
                             "organerne i %(tenant)s holder deres møder, dagsordener, referater og "
                             "afstemninger. Du handler for %(org)s.", tenant=tenant.name, org=org.name))
    provider = provider_for(tenant, org)
    if invitation.has_password_link:
        days = current_app.config["INVITATION_DAYS"]
        mail.paragraphs.append(_("Vælg din adgangskode med linket nedenfor. Det virker én gang og i "
                                 "%(days)s dage; bagefter logger du ind med din e-mail og adgangskoden.",
                                 days=days))
        mail.action = Link(_("Vælg din adgangskode"), url(f"/adgangskode/{invitation_token(invitation)}"))
    elif provider is not None:
        mail.paragraphs.append(_("Du logger ind med %(provider)s, som du plejer.", provider=provider.name))
        mail.action = Link(_("Log ind med %(provider)s", provider=provider.name),
                           url(f"/api/v1/auth/oidc/{provider.key}/login"))
    else:
        mail.paragraphs.append(_("Du har allerede en konto: log ind, som du plejer."))
        mail.action = Link(_("Log ind"), url("/log-ind"))
    mail.links.append(Link(tenant.name, url(f"/{tenant.slug}/")))
    return mail


_URL = re.compile(r"^https?://\S+$")


def _compose_prepared(notification: Notification, tenant) -> Mail:
    """A mail another feature wrote in full when it put the row in the outbox (a hearing's
    reminder): its own subject and text, with the municipality and body it is about, and
    a line that is an address as a link."""
    mail = Mail(subject=f"{notification.title} · {tenant.name}", tenant=tenant.name, body="",
                heading=notification.title)
    parts = notification.subject.split(":")
    mail.thread = f"{tenant.slug}.{parts[0]}.{parts[1]}" if len(parts) > 1 else ""
    if parts[0] == "hearing" and len(parts) > 1 and parts[1].isdigit():
        from core.proposals.models import Hearing

        hearing = db.session.get(Hearing, int(parts[1]))
        if hearing is not None:
            proposal = hearing.step.proposal
            mail.body = proposal.origin_body.name if proposal.origin_body else ""
            mail.thread = f"{tenant.slug}.proposal.{proposal.id}"
            mail.action = Link(_("Åbn forslaget"), url(f"/{tenant.slug}/forslag/{proposal.id}"))
    for paragraph in notification.text.split("\n\n"):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        mail.paragraphs += [line for line in lines if not _URL.match(line)]
        mail.links += [Link(line, line) for line in lines if _URL.match(line)]
    return mail


# --------------------------------------------------------------------------- the message


def domain() -> str:
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "kommissorium"


def thread_root(thread: str) -> str:
    """The Message-ID every mail of a thread refers to."""
    return f"<{thread}@{domain()}>"


def headers(msg: EmailMessage, notification: Notification, thread: str) -> None:
    """Sender, recipient, a Message-ID of its own and the thread's root as
    ``In-Reply-To``/``References`` (decision 0035)."""
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = notification.recipient
    msg["Message-ID"] = f"<n{notification.id}.{thread or 'kommissorium'}@{domain()}>"
    if thread:
        msg["In-Reply-To"] = thread_root(thread)
        msg["References"] = thread_root(thread)
    msg["X-Kommissorium-Notification"] = f"{notification.kind} {notification.subject}"


def render_parts(template: str, lang: str, **context) -> tuple[str, str]:
    """The text and HTML of ``template`` (``notifications/mail/<template>.txt`` and ``.html``)."""
    with force_locale(lang):
        context.update(lang=lang, account_url=url("/min-konto"))
        text = render_template(f"notifications/mail/{template}.txt", **context)
        html = render_template(f"notifications/mail/{template}.html", **context)
    return text, html


def message(notification: Notification, tenant) -> EmailMessage:
    """The e-mail for one outbox row: plain text and HTML (``multipart/alternative``), in
    the recipient's language, with an iCalendar part for an invitation."""
    user = recipient(notification)
    lang = language_of(user)
    mail = compose(notification, tenant, user)
    text, html = render_parts("single", lang, mail=mail)
    msg = EmailMessage()
    msg["Subject"] = mail.subject
    headers(msg, notification, mail.thread)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if notification.kind in INVITATIONS and not notification.text:
        meeting = db.session.get(Meeting, int(notification.subject.split(":")[1]))
        msg.add_attachment(
            ical.invitation(meeting, tenant.slug, notification.recipient).decode("utf-8"),
            subtype="calendar", filename="invitation.ics",
            params={"method": "CANCEL" if notification.kind == "meeting_cancelled" else "REQUEST"},
        )
    msg["Content-Language"] = lang  # last: adding a part moves the content headers into it
    return msg
