"""The agenda: standing items, items added, changed and removed, closed items
(CORE-CLOSED-ITEMS), publishing the agenda (notice: CORE-NOTICE-DAYS), and the items'
attachments (bilag).
"""

from __future__ import annotations

import sqlalchemy as sa
from core import clock, files, storage
from core.bodies.facts import body_facts
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.identity.permissions import Role
from core.meetings.models import (
    AgendaItem,
    Attachment,
    BreachKind,
    ItemKind,
    Meeting,
    MeetingState,
)
from core.meetings.operations.compliance import _record_breach, deadlines
from core.meetings.operations.loading import _year_start
from core.meetings.operations.states import _move, _refuse_transition
from core.rules.types import MeetingRules


#: Why an item may be closed: the categories of forvaltningsloven § 27 the practice uses
#: (DOMAIN.md, "Only single items may be closed, and only for a stated reason").
#: A closed item's public title where the secretary gives none, by its § 27 reason.
PUBLIC_TITLES = {
    "personal_matters": "Personsag",
    "personnel": "Personalesag",
    "property_transaction": "Ejendomshandel",
    "tender": "Udbud",
    "business_secrets": "Forretningsforhold",
}

CONFIDENTIALITY_REASONS = {
    "personal_matters": "Personlige forhold (forvaltningslovens § 27)",
    "personnel": "Personalesager (forvaltningslovens § 27)",
    "property_transaction": "Køb eller salg af fast ejendom (forvaltningslovens § 27)",
    "tender": "Udbud og kontrakter (forvaltningslovens § 27)",
    "business_secrets": "Forretningshemmeligheder (forvaltningslovens § 27)",
}


#: The topic of the standing item that receives proposals (CORE-STANDING-ITEMS).
RECEIVES_PROPOSALS = "incoming_recommendations"
#: The topic of an item decided before the meeting (by written procedure,
#: core/decisions/operations/written_answers.py): its decision theme is the decision as taken
#: and its case text the explanation, which the minutes record as they stand.
DECIDED_BEFORE = "decided_before_the_meeting"


def get_attachment(attachment_id: int) -> Attachment:
    att = db.session.get(Attachment, attachment_id)
    if att is None:
        refuse(404, message="Not found.")
    return att


def meeting_number(meeting: Meeting) -> int:
    """The meeting's number within its year (UTC, as :func:`body_meetings`) among the
    body's meetings that are not cancelled: 1 for the first. The one count the standing
    items rules are given (``meeting_number``), wherever the agenda is built."""
    year_start = _year_start(meeting.starts_at.year)
    earlier = db.session.scalar(
        sa.select(sa.func.count(Meeting.id)).where(
            Meeting.body_id == meeting.body_id,
            Meeting.id != meeting.id,
            Meeting.state != MeetingState.CANCELLED,
            Meeting.starts_at >= year_start,
            Meeting.starts_at < meeting.starts_at,
        )
    )
    return (earlier or 0) + 1


def standing_items(meeting: Meeting, tenant, hooks) -> list[AgendaItem]:
    """CORE-STANDING-ITEMS: the items the rules put on this meeting (the
    ``standing_items`` hook), as agenda items not yet on any agenda."""
    facts = body_facts(meeting.body, tenant.slug, meeting.starts_at.date())
    return [
        AgendaItem(kind=ItemKind(s.kind.value), title=s.title, standing_clause=s.clause,
                   topics=[RECEIVES_PROPOSALS] if s.receives_proposals else [])
        for s in hooks.collect("standing_items", body=facts, meeting_number=meeting_number(meeting),
                               year=meeting.starts_at.year)
    ]


def _add_standing_items(meeting: Meeting, tenant, hooks) -> None:
    """A new meeting's agenda starts with its standing items."""
    for item in standing_items(meeting, tenant, hooks):
        _append_item(meeting, item)


def receiving_item(meeting: Meeting, tenant, hooks) -> AgendaItem | None:
    """The meeting's standing item for incoming recommendations (CORE-STANDING-ITEMS), put on the
    agenda if the rules have one and the meeting does not have it yet; ``None`` where the
    rules have none."""
    receiving = next((i for i in standing_items(meeting, tenant, hooks)
                      if RECEIVES_PROPOSALS in i.topics), None)
    if receiving is None:
        return None
    existing = next((a for a in meeting.items if a.standing_clause == receiving.standing_clause
                     and a.title == receiving.title), None)
    if existing is not None:
        return existing
    _append_item(meeting, receiving)
    db.session.flush()
    return receiving


def _append_item(meeting: Meeting, item: AgendaItem) -> AgendaItem:
    item.position = max((i.position for i in meeting.items), default=0) + 1
    meeting.items.append(item)
    return item


def publish_agenda(meeting: Meeting, rules: MeetingRules) -> Meeting:
    """Send out the agenda and material. Late is possible but recorded as a breach of the
    notice period (CORE-NOTICE-DAYS)."""
    _move(meeting, MeetingState.AGENDA_PUBLISHED, "indkaldes")
    at = clock.now()
    meeting.agenda_published_at = at
    d = deadlines(meeting, rules)
    _record_breach(meeting, BreachKind.AGENDA_LATE, d.agenda_due_at, d.agenda_clause, at)
    db.session.flush()
    return meeting


def _check_confidentiality(data: dict) -> None:
    """CORE-CLOSED-ITEMS: a closed item needs a stated reason (a § 27 category)."""
    if data.get("is_confidential") and data.get("confidentiality_reason") not in CONFIDENTIALITY_REASONS:
        refuse(422, message="The input is invalid; see errors for each field.", errors={"json": {
            "confidentiality_reason": [
                "Et lukket punkt kræver en begrundelse: " + ", ".join(sorted(CONFIDENTIALITY_REASONS))
            ]}})


def add_item(meeting: Meeting, data: dict, user: User, role: Role, rules: MeetingRules) -> AgendaItem:
    """The secretariat adds items until the meeting is held; a member asks for an item
    before the submission deadline (CORE-SUBMISSION-DEADLINE-DAYS), or, without one, until
    the agenda is out."""
    if role >= Role.BODY_SECRETARY:
        if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
            _refuse_transition(meeting, meeting.state, "få nye punkter")
    else:
        if meeting.state is not MeetingState.PLANNED:
            refuse(409, message="Dagsordenen er udsendt; kontakt sekretariatet for at få et punkt på.",
                  rule="meeting_lifecycle", clause=None)
        d = deadlines(meeting, rules)
        if d.submission_due_at is not None and clock.now() > d.submission_due_at:
            refuse(
                422,
                message=f"Fristen for at få punkter på dagsordenen var "
                f"{d.submission_due_at.date().isoformat()} ({rules.submission_deadline.days} dage "
                f"før mødet).",
                clause=d.submission_clause,
                rule="meeting_rules",
            )
    _check_confidentiality(data)
    item = AgendaItem(
        kind=ItemKind(data["kind"]),
        title=data["title"],
        decision_theme=data.get("decision_theme", ""),
        case_text=data.get("case_text", ""),
        economy=data.get("economy", ""),
        recommendation=data.get("recommendation", ""),
        is_confidential=bool(data.get("is_confidential")),
        confidentiality_reason=data.get("confidentiality_reason") or "",
        public_title=(data.get("public_title") or "").strip(),
        topics=list(data.get("topics", [])),
        plan=data.get("plan"),
        district=data.get("district"),
        guests=list(data.get("guests", [])),
        submitted_by_id=user.id if role < Role.BODY_SECRETARY else None,
    )
    _default_public_title(item)
    _append_item(meeting, item)
    db.session.flush()
    return item


def closed_title(item: AgendaItem) -> str:
    """What a closed item is called outside the platform and to those who do not read it:
    its public title, else its reason's, else «Lukket punkt» (CORE-CLOSED-ITEMS)."""
    return item.public_title or PUBLIC_TITLES.get(item.confidentiality_reason, "Lukket punkt")


def _default_public_title(item: AgendaItem) -> None:
    """A closed item without a public title gets its reason's ("Personalesag"); an open
    item has none (its title is public)."""
    if not item.is_confidential:
        item.public_title = ""
    elif not item.public_title.strip():
        item.public_title = PUBLIC_TITLES.get(item.confidentiality_reason, "Lukket punkt")


def update_item(meeting: Meeting, item: AgendaItem, data: dict) -> AgendaItem:
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        _refuse_transition(meeting, meeting.state, "få ændret sine punkter")
    merged = {
        "is_confidential": data.get("is_confidential", item.is_confidential),
        "confidentiality_reason": data.get("confidentiality_reason", item.confidentiality_reason),
    }
    _check_confidentiality(merged)
    if "confidentiality_reason" in data and "public_title" not in data \
            and item.public_title == PUBLIC_TITLES.get(item.confidentiality_reason):
        item.public_title = ""  # a new reason, a new default
    for field in ("kind", "title", "decision_theme", "case_text", "economy", "recommendation",
                  "is_confidential", "confidentiality_reason", "public_title", "topics", "plan",
                  "district", "guests"):
        if field in data:
            value = data[field]
            if field == "kind":
                value = ItemKind(value)
            setattr(item, field, value)
    if not item.is_confidential:
        item.confidentiality_reason = ""
    _default_public_title(item)
    if "position" in data:
        others = [i for i in meeting.items if i is not item]
        pos = max(1, min(data["position"], len(others) + 1))
        others.insert(pos - 1, item)
        for n, i in enumerate(others, start=1):
            i.position = n
    db.session.flush()
    return item


def remove_item(meeting: Meeting, item: AgendaItem) -> None:
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        _refuse_transition(meeting, meeting.state, "få fjernet punkter")
    meeting.items.remove(item)
    for n, i in enumerate(meeting.items, start=1):
        i.position = n
    db.session.flush()


def _add_approval_item(meeting: Meeting, minutes_of: Meeting) -> AgendaItem:
    if any(i.approves_minutes_of_id == minutes_of.id for i in meeting.items):
        return next(i for i in meeting.items if i.approves_minutes_of_id == minutes_of.id)
    return _append_item(meeting, AgendaItem(
        kind=ItemKind.DECISION,
        title=f"Godkendelse af referat fra mødet {minutes_of.starts_at.date().isoformat()}",
        standing_clause=(minutes_of.body.sources or {}).get("approval_mode"),
        approves_minutes_of_id=minutes_of.id,
    ))


def add_attachment(meeting: Meeting, item: AgendaItem, upload, user: User) -> Attachment:
    """Store a bilag in the one store (core/storage.py) under its SHA-256, refusing a file
    too large or of a type not allowed by its content (core/files.py); the row keeps the
    checksum, which every read checks."""
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        _refuse_transition(meeting, meeting.state, "få nye bilag")
    checked = files.checked_upload(upload.filename, upload.stream)
    att = Attachment(
        filename=checked.filename,
        content_type=checked.content_type,
        size_bytes=checked.size_bytes,
        sha256=storage.put(checked.content),
        page_count=_pages(checked.content_type, checked.content),
        uploaded_by_id=user.id,
    )
    item.attachments.append(att)
    db.session.flush()
    return att


def replace_attachment(meeting: Meeting, old: Attachment, upload, user: User) -> Attachment:
    """A new version of a bilag: stored as :func:`add_attachment` stores one, on the same
    item; the old one leaves the item's attachments but stays, readable by its id, with
    what members wrote on it, and names the one that replaced it."""
    if old.replaced_by_id is not None:
        refuse(409, message="Bilaget er allerede erstattet af en nyere udgave.",
               reason_en="The attachment has already been replaced by a newer version.")
    item = old.item
    new = add_attachment(meeting, item, upload, user)
    old.replaced_by_id = new.id
    old.replaced_at = clock.now()
    db.session.flush()
    db.session.expire(item, ["attachments"])  # the current ones, read again
    return new


def _pages(content_type: str, data: bytes) -> int | None:
    """A PDF's pages, 1 for an image; an Office file's pages come with its rendition."""
    if content_type.startswith("image/"):
        return 1
    if content_type != "application/pdf":
        return None
    import io

    import pypdf

    try:
        return len(pypdf.PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 — a PDF pypdf cannot read has no known page count
        return None


def read_attachment(att: Attachment) -> bytes:
    """The bilag's bytes from the store, checked against its checksum (a damaged one is
    never served: core/errors.py answers 404 and logs it)."""
    return storage.read(att.sha256)


def can_see_confidential(role: Role) -> bool:
    """CORE-CLOSED-ITEMS: closed items are for the body's members (and its secretariat)."""
    return role >= Role.MEMBER
