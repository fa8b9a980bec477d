"""A proposal's history in the reader's language.

Each :class:`~core.proposals.models.ProposalEvent` stores its ``message`` in Danish: that
is the record, and the API keeps it. The pages (and the API's ``text_en``) word an event
again from its ``kind`` and ``data``, through Flask-Babel with Danish msgids, so a reader
who chose English reads English. A kind the core does not know (one a plugin added) keeps
its stored message.

Every kind the core writes (``_event(proposal, "<kind>", …)`` in operations/) has a
wording in :data:`WORDINGS`; tests/proposals/test_history.py finds the kinds in the code
and fails for one without.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale, gettext as _

from core.extensions import db

#: How a step's action reads inside a sentence ("sent to FKU (forwards)").
ACTIONS = {
    "decide": lambda: _("beslutter"),
    "recommend": lambda: _("indstiller"),
    "revise": lambda: _("bearbejder forslaget"),
    "forward": lambda: _("sender videre"),
    "hear": lambda: _("høring"),
}


def _body_name(event, key: str | None = None) -> str:
    """The body's name: from the event's step, else from the proposal's steps or origin."""
    step = event.step
    if step is not None and step.body is not None and (key is None or step.body.key == key):
        return step.body.name
    proposal = event.proposal
    if key is not None:
        if proposal.origin_body is not None and proposal.origin_body.key == key:
            return proposal.origin_body.name
        for s in proposal.steps:
            if s.body is not None and s.body.key == key:
                return s.body.name
    return key or ""


def _org_name(code: str) -> str:
    import sqlalchemy as sa

    from core.organisations.models import Organisation

    return db.session.scalar(sa.select(Organisation.name).filter_by(code=code)) or code


def _started(event, d) -> str:
    return _("Forslaget er rejst i %(body)s.", body=_body_name(event, d.get("origin")))


def _arrived(event, d) -> str:
    if "body" not in d:
        return _("Forslaget skal i høring.")
    action = ACTIONS.get(d.get("action"))
    return _("Forslaget er sendt til %(body)s (%(action)s).", body=_body_name(event, d["body"]),
             action=action() if action else d.get("action", ""))


def _awaiting_meeting(event, d) -> str:
    return _("%(body)s har intet planlagt møde; forslaget venter på næste møde.",
             body=_body_name(event))


def _placed(event, d) -> str:
    from core.meetings.models import AgendaItem, Meeting

    meeting = db.session.get(Meeting, d["meeting_id"]) if d.get("meeting_id") else None
    when = f"{meeting.starts_at:%Y-%m-%d}" if meeting is not None else ""
    standing = (db.session.get(AgendaItem, d["standing_item_id"])
                if d.get("standing_item_id") else None)
    if standing is not None:
        return _("Sat på dagsordenen for %(body)ss møde %(date)s under punktet «%(item)s».",
                 body=_body_name(event), date=when, item=standing.title)
    return _("Sat på dagsordenen for %(body)ss møde %(date)s.", body=_body_name(event), date=when)


def _decided(event, d) -> str:
    body = _body_name(event, d.get("body"))
    text = d.get("text") or ""
    verbs = {
        "adopted": lambda: _("%(body)s vedtog forslaget", body=body),
        "rejected": lambda: _("%(body)s forkastede forslaget", body=body),
        "carried_on": lambda: _("%(body)s førte forslaget videre", body=body),
        "not_carried_on": lambda: _("%(body)s førte ikke forslaget videre", body=body),
    }
    said = verbs[d["outcome"]]()
    return f"{said}: {text}" if text else said


def _closed(event, d) -> str:
    body = _body_name(event)
    return {
        "adopted": lambda: _("Forslaget er vedtaget af %(body)s.", body=body),
        "rejected": lambda: _("Forslaget er forkastet af %(body)s.", body=body),
        "stopped": lambda: _("%(body)s førte ikke forslaget videre; det stopper her.", body=body),
    }[d["state"]]()


def _follow_up_task(event, d):
    """The follow-up task the event is about (events before ``title`` was kept in data)."""
    for task in event.proposal.follow_ups:
        if d.get("follow_up_id") == task.id or (
            "follow_up_id" not in d and task.step_id == event.step_id
            and task.assignee == d.get("assignee")
        ):
            return task
    return None


def _follow_up_created(event, d) -> str:
    title = d.get("title")
    if title is None:
        task = _follow_up_task(event, d)
        title = task.title if task is not None else ""
    return _("Opfølgning: %(title)s (%(assignee)s).", title=title, assignee=d.get("assignee", ""))


def _follow_up_done(event, d) -> str:
    task = _follow_up_task(event, d)
    title = d.get("title", task.title if task is not None else "")
    assignee = d.get("assignee", task.assignee if task is not None else "")
    note = d.get("note", task.note if task is not None else "") or ""
    said = _("Opfølgning udført: %(title)s (%(assignee)s).", title=title, assignee=assignee)
    return f"{said} {note}".strip()


def _hearing_opened(event, d) -> str:
    from datetime import datetime

    deadline = datetime.fromisoformat(d["deadline_at"])
    return _("Sendt i høring hos %(organisations)s med frist %(deadline)s UTC.",
             organisations=", ".join(d.get("organisations", [])),
             deadline=f"{deadline:%Y-%m-%d %H:%M}")


def _answered(event, d) -> str:
    return " ".join(x for x in (_answer(d), _channel(event, d)) if x)


def _answer(d) -> str:
    org = _org_name(d.get("organisation", ""))
    late = d.get("is_late")
    if d.get("kind") == "no_comments":
        if late:
            return _("%(organisation)s svarede efter fristen: ingen bemærkninger.", organisation=org)
        return _("%(organisation)s svarede: ingen bemærkninger.", organisation=org)
    if late:
        return _("%(organisation)s svarede efter fristen: bemærkninger.", organisation=org)
    return _("%(organisation)s svarede: bemærkninger.", organisation=org)


def _channel(event, d) -> str:
    """How the answer came, where it did not come from someone logged in on the platform."""
    if d.get("channel") == "paper":
        who = event.actor.name if event.actor is not None else _("sekretariatet")
        return _("Modtaget på papir og registreret af %(name)s.", name=who)
    if d.get("channel") == "link":
        return _("Afgivet via organisationens personlige link.")
    return ""


def _hearing_closed(event, d) -> str:
    answers = d.get("answers", [])
    missing = [a["organisation"] for a in answers if a.get("status") == "missing"]
    late = [a["organisation"] for a in answers if a.get("is_late")]
    parts = [_("%(answered)s af %(asked)s har svaret", answered=len(answers) - len(missing),
               asked=len(answers))]
    if late:
        parts.append(_("for sent: %(organisations)s", organisations=", ".join(late)))
    if missing:
        parts.append(_("intet svar: %(organisations)s", organisations=", ".join(missing)))
    return _("Høringen er afsluttet: %(summary)s.", summary="; ".join(parts))


def _attachment_added(event, d) -> str:
    filename = d.get("filename")
    if filename is None:
        filename = next((a.filename for a in event.proposal.attachments
                         if a.sha256 == d.get("sha256")), "")
    return _("Bilag vedhæftet: %(filename)s.", filename=filename)


#: The core's event kinds and how each is worded (in the current locale).
WORDINGS: dict[str, Callable[[object, dict], str]] = {
    "started": _started,
    "arrived": _arrived,
    "awaiting_meeting": _awaiting_meeting,
    "placed": _placed,
    "decided": _decided,
    "closed": _closed,
    "follow_up_created": _follow_up_created,
    "follow_up_done": _follow_up_done,
    "hearing_opened": _hearing_opened,
    "answered": _answered,
    "hearing_closed": _hearing_closed,
    "attachment_added": _attachment_added,
}


def describe(event) -> str:
    """The event in the current locale; the stored (Danish) message for a kind the core
    does not know, or where its data lacks what the wording needs."""
    wording = WORDINGS.get(event.kind)
    if wording is None:
        return event.message
    try:
        return wording(event, event.data or {})
    except (KeyError, TypeError, ValueError):
        return event.message


def describe_en(event) -> str:
    """The event in English (the API's ``text_en``), whatever the request's language."""
    with force_locale("en"):
        return describe(event)
