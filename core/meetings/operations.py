"""Meetings: the annual plan, the lifecycle, agendas, attendance, minutes and deadlines.

Every rule about meetings is here or in the hooks it calls (core/hooks/specs.py). The
functions change state and flush, never commit; a refused operation raises (through
``flask_smorest.abort``) before anything is changed, so the request's rollback leaves the
database as it was.

The lifecycle (ARCHITECTURE.md): planned → agenda published → held → minutes sent →
minutes approved, or cancelled from planned / agenda published.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_smorest import abort
from sqlalchemy import event
from sqlalchemy.orm import Session, joinedload, selectinload

from core import files
from core.audit import operations as audit
from core.bodies.facts import body_facts
from core.bodies.models import Body, Seat, SeatRole
from core.extensions import db
from core.identity import operations as identity
from core.identity.models import User
from core.identity.permissions import Role, role_in_body
from core.meetings.models import (
    ActingAs,
    AgendaItem,
    Attachment,
    Attendance,
    AttendanceStatus,
    BreachKind,
    DeadlineBreach,
    ItemKind,
    MandateDelegation,
    Meeting,
    MeetingKind,
    MeetingState,
    MinutesApproval,
    MinutesEntry,
    MinutesVersion,
)
from core.models import utcnow
from core.organisations.models import Organisation
from core.rules.types import Caller, Delegation, MeetingRules

#: Why an item may be closed: the categories of forvaltningsloven § 27 the practice uses
#: (DOMAIN.md, "Only single items may be closed, and only for a stated reason").
CONFIDENTIALITY_REASONS = {
    "personal_matters": "Personlige forhold (forvaltningslovens § 27)",
    "personnel": "Personalesager (forvaltningslovens § 27)",
    "property_transaction": "Køb eller salg af fast ejendom (forvaltningslovens § 27)",
    "tender": "Udbud og kontrakter (forvaltningslovens § 27)",
    "business_secrets": "Forretningshemmeligheder (forvaltningslovens § 27)",
}


STATE_DA = {
    MeetingState.PLANNED: "planlagt",
    MeetingState.AGENDA_PUBLISHED: "indkaldt (dagsordenen er udsendt)",
    MeetingState.HELD: "afholdt",
    MeetingState.MINUTES_SENT: "afholdt, og referatet er udsendt",
    MeetingState.MINUTES_APPROVED: "afholdt, og referatet er godkendt",
    MeetingState.CANCELLED: "aflyst",
}

#: The answer to a person looked up by e-mail who is not one of the tenant's own people,
#: whether or not anyone has the address (core.identity.operations.tenant_person).
NOT_A_TENANT_PERSON = ("Ingen person med denne adresse i denne kommune (et medlem, en "
                       "administrator eller en, der handler for en af kommunens organisationer).")

#: The lifecycle: from each state, the states a meeting may move to.
TRANSITIONS = {
    MeetingState.PLANNED: {MeetingState.AGENDA_PUBLISHED, MeetingState.CANCELLED},
    MeetingState.AGENDA_PUBLISHED: {MeetingState.HELD, MeetingState.CANCELLED},
    MeetingState.HELD: {MeetingState.MINUTES_SENT},
    MeetingState.MINUTES_SENT: {MeetingState.MINUTES_APPROVED},
    MeetingState.MINUTES_APPROVED: set(),
    MeetingState.CANCELLED: set(),
}

#: States in which the meeting has taken place.
HELD_STATES = {MeetingState.HELD, MeetingState.MINUTES_SENT, MeetingState.MINUTES_APPROVED}


def now() -> datetime:
    """The current time; one function, so tests can set the clock."""
    return utcnow()


class MinutesImmutable(RuntimeError):
    """An approved minutes version was changed: corrections are new versions."""


# --------------------------------------------------------------------------- loading


def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404, message="Not found.")
    return meeting


def load_for_view(meeting: Meeting) -> Meeting:
    """The meeting with what its detail shows loaded in a fixed number of statements,
    however long the agenda (issue #9 (b); tests/bench/test_query_counts.py): items with
    their attachments, attendance with its people and seats, breaches; one statement each."""
    from sqlalchemy.orm.attributes import set_committed_value

    items = db.session.scalars(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position).options(selectinload(AgendaItem.attachments))
    ).all()
    attendances = db.session.scalars(
        sa.select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.id)
        # the view shows people's e-mails only, not their affiliations
        .options(joinedload(Attendance.person).lazyload(User.affiliations),
                 # the seat's key only: not its holder and organisation, which it joins by default
                 joinedload(Attendance.seat).lazyload("*"))
    ).all()
    set_committed_value(meeting, "items", items)
    set_committed_value(meeting, "attendances", attendances)
    meeting.breaches  # noqa: B018 - one statement, loaded here with the rest
    return meeting


def get_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        abort(404, message="Not found.")
    return item


def get_attachment(attachment_id: int) -> Attachment:
    att = db.session.get(Attachment, attachment_id)
    if att is None:
        abort(404, message="Not found.")
    return att


def body_meetings(body: Body, year: int | None = None) -> list[Meeting]:
    q = sa.select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.starts_at)
    if year is not None:
        q = q.where(
            Meeting.starts_at >= _year_start(year), Meeting.starts_at < _year_start(year + 1)
        )
    return list(db.session.scalars(q))


def _year_start(year: int) -> datetime:
    from datetime import timezone

    return datetime(year, 1, 1, tzinfo=timezone.utc)


# --------------------------------------------------------------------------- rules


def meeting_rules(body: Body, tenant, hooks) -> MeetingRules:
    return hooks.meeting_rules(body=body_facts(body, tenant.slug))


@dataclass(frozen=True)
class Deadlines:
    """The deadlines of one meeting, each with the clause that sets it."""

    agenda_due_at: datetime | None
    agenda_clause: str | None
    submission_due_at: datetime | None
    submission_clause: str | None
    minutes_due_at: datetime | None
    minutes_clause: str | None
    approval_mode: str
    approval_due_at: datetime | None
    approval_clause: str | None


def deadlines(meeting: Meeting, rules: MeetingRules) -> Deadlines:
    """Notice (ALB-B8, ALB-R4, ALB-S3, SLA-8), submission (ALB-R3), minutes (ALB-B9, ALB-R4,
    ALB-S3) and approval (ALB-B9: within 4 weeks; ALB-S4: at the next meeting)."""
    start = meeting.starts_at
    sources = meeting.body.sources or {}

    def before(d):
        return None if d is None else start - timedelta(days=d.days)

    def after(d):
        return None if d is None else start + timedelta(days=d.days)

    approval_due = after(rules.approval_due)
    approval_clause = rules.approval_due.clause if rules.approval_due else None
    if rules.approval_mode == "next_meeting":
        nxt = next_meeting(meeting)
        approval_due = nxt.starts_at + timedelta(minutes=nxt.duration_minutes) if nxt else None
        approval_clause = sources.get("approval_mode")
    return Deadlines(
        agenda_due_at=before(rules.notice),
        agenda_clause=rules.notice.clause if rules.notice else None,
        submission_due_at=before(rules.submission_deadline),
        submission_clause=rules.submission_deadline.clause if rules.submission_deadline else None,
        minutes_due_at=after(rules.minutes_due),
        minutes_clause=rules.minutes_due.clause if rules.minutes_due else None,
        approval_mode=rules.approval_mode,
        approval_due_at=approval_due,
        approval_clause=approval_clause or sources.get("approval_mode"),
    )


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The body's next meeting that is not cancelled."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.starts_at > meeting.starts_at,
            Meeting.state != MeetingState.CANCELLED,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def _record_breach(meeting: Meeting, kind: BreachKind, due_at: datetime | None, clause, at) -> None:
    """Late is possible, and recorded (the compliance view reports it)."""
    if due_at is None or at <= due_at:
        return
    if any(b.kind is kind for b in meeting.breaches):
        return
    meeting.breaches.append(DeadlineBreach(kind=kind, due_at=due_at, happened_at=at, clause=clause))


# --------------------------------------------------------------------------- lifecycle


def _refuse_transition(meeting: Meeting, to: MeetingState, action_da: str):
    abort(
        409,
        message=f"Mødet er {STATE_DA[meeting.state]}; det kan ikke {action_da}.",
        rule="meeting_lifecycle",
        clause=None,
    )


def _move(meeting: Meeting, to: MeetingState, action_da: str) -> None:
    if to not in TRANSITIONS[meeting.state]:
        _refuse_transition(meeting, to, action_da)
    meeting.state = to


def _meeting_number(meeting: Meeting) -> int:
    """The meeting's number within its year among the body's meetings that are not cancelled."""
    year = meeting.starts_at.year
    earlier = [
        m for m in body_meetings(meeting.body, year)
        if m.id != meeting.id and m.state is not MeetingState.CANCELLED
        and m.starts_at < meeting.starts_at
    ]
    return len(earlier) + 1


def _add_standing_items(meeting: Meeting, tenant, hooks) -> None:
    """ALB-B10, ALB-S5, SLA-10: the items the rules put on every (or some) meeting(s)."""
    facts = body_facts(meeting.body, tenant.slug)
    standing = hooks.collect(
        "standing_items", body=facts, meeting_number=_meeting_number(meeting),
        year=meeting.starts_at.year,
    )
    for s in standing:
        _append_item(meeting, AgendaItem(
            kind=ItemKind(s.kind.value), title=s.title, standing_clause=s.clause,
            topics=["incoming_recommendations"] if s.receives_proposals else [],
        ))


def _append_item(meeting: Meeting, item: AgendaItem) -> AgendaItem:
    item.position = max((i.position for i in meeting.items), default=0) + 1
    meeting.items.append(item)
    return item


def plan_year(body: Body, year: int, meetings: list[dict], tenant, hooks) -> list[Meeting]:
    """The annual plan: the year's ordinary meetings, fixed at the start of the year
    (ALB-B7, ALB-R2, ALB-S3; SLA-7: agreed at the year's last meeting)."""
    out = []
    for data in sorted(meetings, key=lambda d: d["starts_at"]):
        if data["starts_at"].year != year:
            abort(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"meetings": [f"{data['starts_at'].isoformat()} is not in {year}."]}})
        out.append(_new_meeting(body, data, MeetingKind.ORDINARY, tenant, hooks))
    return out


def create_meeting(body: Body, data: dict, user: User, tenant, hooks) -> Meeting:
    """An ordinary meeting (by the secretariat) or an extraordinary one, called by those the
    rules allow (ALB-B7: the board or the secretariat; SLA-7: the chair, a majority of the
    members, or the competence chief)."""
    kind = MeetingKind(data.get("kind", "ordinary"))
    role = role_in_body(user, body)
    if kind is MeetingKind.ORDINARY:
        if role < Role.BODY_SECRETARY:
            abort(403, message="Kun sekretariatet planlægger ordinære møder.",
                  reason_en="Only the secretariat plans ordinary meetings.")
        return _new_meeting(body, data, kind, tenant, hooks)

    caller = _caller(body, user, role, data)
    verdict = hooks.extraordinary_meeting_allowed(body=body_facts(body, tenant.slug), caller=caller)
    if not verdict.ok:
        abort(422, message=verdict.reason, clause=verdict.clause, rule="extraordinary_meeting_allowed")
    meeting = _new_meeting(body, data, kind, tenant, hooks)
    meeting.called_by_id = user.id
    meeting.call_reason = (
        f"{data.get('call_reason', '').strip()} [{verdict.clause}: {verdict.reason}]".strip()
    )
    return meeting


def _caller(body: Body, user: User, role: Role, data: dict) -> Caller:
    """Who calls, checked: acting for the secretariat or the body needs that standing, and a
    majority of members needs their names."""
    today = now().date()
    held = [s for s in body.seats if s.holder_id == user.id and s.is_valid_on(today)]
    roles = {s.role.value for s in held}
    if role >= Role.TENANT_ADMIN:
        roles.add("secretariat")
    on_behalf_of = data.get("on_behalf_of", "self")
    if on_behalf_of in ("secretariat", "body") and role < Role.BODY_SECRETARY:
        abort(422, message="Kun sekretariatet kan indkalde på sekretariatets eller organets vegne.",
              clause=None, rule="extraordinary_meeting_allowed")
    if on_behalf_of == "members_majority":
        members = {
            s.holder.email for s in body.seats
            if s.holder is not None and s.is_valid_on(today) and s.role is not SeatRole.SECRETARY
        }
        supporters = {e.lower() for e in data.get("supporters", [])} | {user.email}
        backing = supporters & members
        if len(backing) * 2 <= len(members):
            abort(422, message=f"Et flertal af medlemmerne skal stå bag: {len(backing)} af "
                  f"{len(members)} har tilsluttet sig.", clause=None,
                  rule="extraordinary_meeting_allowed")
    return Caller(
        person=user.email,
        roles=frozenset(roles),
        organisations=frozenset(a.organisation.code for a in user.affiliations),
        on_behalf_of=on_behalf_of,
    )


def _new_meeting(body: Body, data: dict, kind: MeetingKind, tenant, hooks) -> Meeting:
    if body.ended_on is not None:
        # The tenant file no longer names the body (``tenants sync`` ended it): its past
        # meetings stay, it takes no new ones.
        abort(409, message=f"{body.name} er nedlagt (ophørt {body.ended_on:%d.%m.%Y}) og "
              "kan ikke få nye møder.", clause="CORE-BODY-ENDED", rule="body",
              reason_en=f"{body.name} was ended on {body.ended_on:%Y-%m-%d} and takes no new "
              "meetings.")
    meeting = Meeting(
        body=body,
        kind=kind,
        state=MeetingState.PLANNED,
        title=data.get("title", ""),
        starts_at=data["starts_at"],
        duration_minutes=data.get("duration_minutes") or body.meeting_duration_minutes or 120,
        location=data.get("location", ""),
        online_url=data.get("online_url", ""),
    )
    db.session.add(meeting)
    db.session.flush()
    _add_standing_items(meeting, tenant, hooks)
    # ALB-S4: minutes still awaiting approval go on this meeting's agenda.
    rules = meeting_rules(body, tenant, hooks)
    if rules.approval_mode == "next_meeting":
        prev = db.session.scalar(
            sa.select(Meeting).where(
                Meeting.body_id == body.id, Meeting.starts_at < meeting.starts_at,
                Meeting.state == MeetingState.MINUTES_SENT,
            ).order_by(Meeting.starts_at.desc()).limit(1)
        )
        if prev is not None and next_meeting(prev) is meeting:
            _add_approval_item(meeting, prev)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, data: dict) -> Meeting:
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        _refuse_transition(meeting, meeting.state, "ændres")
    moved = False
    for field in ("title", "starts_at", "duration_minutes", "location", "online_url"):
        if field in data and data[field] != getattr(meeting, field):
            setattr(meeting, field, data[field])
            moved = moved or field != "title"
    if moved and meeting.state is MeetingState.AGENDA_PUBLISHED:
        # Those invited are told again (core/notifications: ``meeting_changed``).
        meeting.revision += 1
    db.session.flush()
    return meeting


def publish_agenda(meeting: Meeting, rules: MeetingRules) -> Meeting:
    """Send out the agenda and material. Late is possible but recorded as a breach of the
    notice period (ALB-B8, ALB-R4, ALB-S3, SLA-8)."""
    _move(meeting, MeetingState.AGENDA_PUBLISHED, "indkaldes")
    at = now()
    meeting.agenda_published_at = at
    d = deadlines(meeting, rules)
    _record_breach(meeting, BreachKind.AGENDA_LATE, d.agenda_due_at, d.agenda_clause, at)
    db.session.flush()
    return meeting


def record_held(meeting: Meeting) -> Meeting:
    at = now()
    if meeting.state is MeetingState.AGENDA_PUBLISHED and at < meeting.starts_at:
        abort(409, message="Mødet er ikke begyndt endnu; det kan ikke registreres som afholdt.",
              rule="meeting_lifecycle", clause=None)
    _move(meeting, MeetingState.HELD, "registreres som afholdt")
    meeting.held_at = at
    db.session.flush()
    return meeting


def cancel(meeting: Meeting, reason: str) -> Meeting:
    _move(meeting, MeetingState.CANCELLED, "aflyses")
    meeting.cancelled_at = now()
    meeting.cancel_reason = reason
    db.session.flush()
    return meeting


# --------------------------------------------------------------------------- agenda


def _check_confidentiality(data: dict) -> None:
    """ALB-B11, ALB-R6: a closed item needs a stated reason (a § 27 category)."""
    if data.get("is_confidential") and data.get("confidentiality_reason") not in CONFIDENTIALITY_REASONS:
        abort(422, message="The input is invalid; see errors for each field.", errors={"json": {
            "confidentiality_reason": [
                "Et lukket punkt kræver en begrundelse: " + ", ".join(sorted(CONFIDENTIALITY_REASONS))
            ]}})


def add_item(meeting: Meeting, data: dict, user: User, role: Role, rules: MeetingRules) -> AgendaItem:
    """The secretariat adds items until the meeting is held; a member asks for an item
    before the submission deadline (ALB-R3: 10 days), or, without one, until the agenda is out."""
    if role >= Role.BODY_SECRETARY:
        if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
            _refuse_transition(meeting, meeting.state, "få nye punkter")
    else:
        if meeting.state is not MeetingState.PLANNED:
            abort(409, message="Dagsordenen er udsendt; kontakt sekretariatet for at få et punkt på.",
                  rule="meeting_lifecycle", clause=None)
        d = deadlines(meeting, rules)
        if d.submission_due_at is not None and now() > d.submission_due_at:
            abort(
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
        case_text=data.get("case_text", ""),
        recommendation=data.get("recommendation", ""),
        is_confidential=bool(data.get("is_confidential")),
        confidentiality_reason=data.get("confidentiality_reason") or "",
        topics=list(data.get("topics", [])),
        plan=data.get("plan"),
        district=data.get("district"),
        guests=list(data.get("guests", [])),
        submitted_by_id=user.id if role < Role.BODY_SECRETARY else None,
    )
    _append_item(meeting, item)
    db.session.flush()
    return item


def update_item(meeting: Meeting, item: AgendaItem, data: dict) -> AgendaItem:
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        _refuse_transition(meeting, meeting.state, "få ændret sine punkter")
    merged = {
        "is_confidential": data.get("is_confidential", item.is_confidential),
        "confidentiality_reason": data.get("confidentiality_reason", item.confidentiality_reason),
    }
    _check_confidentiality(merged)
    for field in ("kind", "title", "case_text", "recommendation", "is_confidential",
                  "confidentiality_reason", "topics", "plan", "district", "guests"):
        if field in data:
            value = data[field]
            if field == "kind":
                value = ItemKind(value)
            setattr(item, field, value)
    if not item.is_confidential:
        item.confidentiality_reason = ""
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


# --------------------------------------------------------------------------- attachments


def attachments_dir() -> Path:
    configured = current_app.config.get("ATTACHMENTS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "attachments"


def attachment_path(att: Attachment) -> Path:
    return attachments_dir() / str(att.tenant_id) / att.sha256[:2] / att.sha256


def add_attachment(meeting: Meeting, item: AgendaItem, upload, user: User) -> Attachment:
    """Store a bilag on disk under its SHA-256, refusing a file too large or of a type not
    allowed by its content (core/files.py); the row keeps the checksum so a download can
    be verified."""
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
        _refuse_transition(meeting, meeting.state, "få nye bilag")
    checked = files.checked_upload(upload.filename, upload.stream)
    data, digest = checked.content, checked.sha256
    att = Attachment(
        filename=checked.filename,
        content_type=checked.content_type,
        size_bytes=checked.size_bytes,
        sha256=digest,
        uploaded_by_id=user.id,
    )
    item.attachments.append(att)
    db.session.flush()
    path = attachment_path(att)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return att


def read_attachment(att: Attachment) -> bytes:
    data = attachment_path(att).read_bytes()
    if hashlib.sha256(data).hexdigest() != att.sha256:
        abort(500, message="Bilaget er beskadiget (checksummen passer ikke).")
    return data


# --------------------------------------------------------------------------- attendance


def record_attendance(
    meeting: Meeting, seat_key: str, data: dict, user: User, role: Role, tenant, hooks
) -> Attendance:
    """Who fills a seat: the holder, a substitute the rules allow (ALB-B5; KBH-6 refuses
    any stand-in), or the holder of a delegated mandate (KBH-7)."""
    if meeting.state not in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED, MeetingState.HELD):
        _refuse_transition(meeting, meeting.state, "få ændret fremmødet")
    seat = next((s for s in meeting.body.seats if s.key == seat_key), None)
    if seat is None or not seat.is_valid_on(meeting.starts_at.date()):
        abort(404, message="Not found.")
    if role < Role.BODY_SECRETARY and seat.holder_id != user.id:
        abort(403, message="Et medlem kan kun melde fremmøde eller afbud for sin egen plads.",
              reason_en="A member can only report attendance or apologies for their own seat.")

    status = AttendanceStatus(data.get("status", "present"))
    acting_as = ActingAs(data.get("acting_as", "holder"))
    person = seat.holder
    if data.get("person"):
        # Only the tenant's own people are found: an unknown address and a platform user
        # from elsewhere answer alike, so the lookup tells nobody who has an account.
        person = identity.tenant_person(meeting.tenant_id, data["person"])
        if person is None:
            abort(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"person": [NOT_A_TENANT_PERSON]}})
    verdict = None
    facts = body_facts(meeting.body, tenant.slug)
    seat_facts = next(s for s in facts.seats if s.key == seat.key)
    if status is AttendanceStatus.PRESENT and acting_as is ActingAs.HOLDER:
        if person is None or person.id != seat.holder_id:
            abort(422, message="Kun pladsens indehaver møder som indehaver; en anden person "
                  "møder som suppleant eller med et uddelegeret mandat.", clause=None,
                  rule="record_attendance")
    elif status is AttendanceStatus.PRESENT and acting_as is ActingAs.SUBSTITUTE:
        if person is None or person.id == seat.holder_id:
            abort(422, message="Angiv suppleanten.", clause=None, rule="record_attendance")
        v = hooks.substitute_allowed(
            body=facts, seat=seat_facts,
            substitute_organisations=frozenset(a.organisation.code for a in person.affiliations),
        )
        if not v.ok:
            abort(422, message=v.reason, clause=v.clause, rule="substitute_allowed")
        verdict = v.as_dict()
    elif status is AttendanceStatus.PRESENT and acting_as is ActingAs.DELEGATE:
        delegation = active_delegation(seat, meeting.starts_at.date())
        if delegation is None:
            abort(422, message="Pladsens mandat er ikke uddelegeret på mødedagen.",
                  clause="CORE-MANDATE", rule="delegation_allowed")
        person_orgs = {a.organisation_id for a in person.affiliations} if person else set()
        if person is None or (
            delegation.to_person_id is not None and delegation.to_person_id != person.id
        ) or (delegation.to_person_id is None and delegation.to_organisation_id not in person_orgs):
            abort(422, message="Personen handler ikke for den organisation, mandatet er lagt hos.",
                  clause=(delegation.verdict or {}).get("clause"), rule="delegation_allowed")
        verdict = delegation.verdict
    attendance = next((a for a in meeting.attendances if a.seat_id == seat.id), None)
    if attendance is None:
        attendance = Attendance(seat=seat)
        meeting.attendances.append(attendance)
    attendance.status = status
    attendance.acting_as = acting_as if status is AttendanceStatus.PRESENT else ActingAs.HOLDER
    attendance.person = person if status is AttendanceStatus.PRESENT else seat.holder
    attendance.verdict = verdict
    attendance.recorded_at = now()
    db.session.flush()
    return attendance


def active_delegation(seat: Seat, day: date) -> MandateDelegation | None:
    return db.session.scalar(
        sa.select(MandateDelegation).where(
            MandateDelegation.seat_id == seat.id,
            MandateDelegation.starts_on <= day,
            MandateDelegation.ends_on >= day,
        ).order_by(MandateDelegation.id.desc()).limit(1)
    )


def delegate_mandate(body: Body, data: dict, user: User, tenant, hooks) -> MandateDelegation:
    """KBH-7: a member may delegate its mandate for one year at a time, e.g. to the
    organisation that administers it; refused where the rules do not allow it (CORE-MANDATE)."""
    seat = next((s for s in body.seats if s.key == data["seat"]), None)
    if seat is None:
        abort(404, message="Not found.")
    org = db.session.scalar(sa.select(Organisation).filter_by(code=data["to_organisation"]))
    if org is None:
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"to_organisation": ["Ukendt organisation."]}})
    person = None
    if data.get("to_person"):
        person = db.session.scalar(sa.select(User).filter_by(email=data["to_person"].lower()))
        if person is None or org.id not in {a.organisation_id for a in person.affiliations}:
            abort(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"to_person": ["Personen handler ikke for organisationen."]}})
    facts = body_facts(body, tenant.slug)
    v = hooks.delegation_allowed(
        body=facts,
        seat=next(s for s in facts.seats if s.key == seat.key),
        delegation=Delegation(seat.key, seat.organisation.code, org.code, data["starts_on"], data["ends_on"]),
    )
    if not v.ok:
        abort(422, message=v.reason, clause=v.clause, rule="delegation_allowed")
    delegation = MandateDelegation(
        seat=seat, to_organisation=org, to_person=person, starts_on=data["starts_on"],
        ends_on=data["ends_on"], verdict=v.as_dict(), created_by_id=user.id,
    )
    db.session.add(delegation)
    db.session.flush()
    return delegation


# --------------------------------------------------------------------------- minutes


def draft(meeting: Meeting) -> MinutesVersion:
    """The minutes being written (version 1), created on first use."""
    if meeting.state is not MeetingState.HELD:
        _refuse_transition(meeting, meeting.state, "få skrevet referat (rettelser er nye versioner)")
    version = meeting.minutes_versions[0] if meeting.minutes_versions else None
    if version is None:
        version = MinutesVersion(number=1)
        meeting.minutes_versions.append(version)
        db.session.flush()
    return version


def _entry(version: MinutesVersion, item: AgendaItem) -> MinutesEntry:
    entry = next((e for e in version.entries if e.item_id == item.id), None)
    if entry is None:
        entry = MinutesEntry(item=item, decision="", public_decision="", dissents=[])
        version.entries.append(entry)
    return entry


def _check_public_decision(item: AgendaItem, decision: str, public_decision: str) -> None:
    """ALB-B11, ALB-R6: a closed item's decision is published without the confidential part,
    so the secretary writes that public wording."""
    if item.is_confidential and decision and not public_decision:
        abort(422, message="The input is invalid; see errors for each field.", errors={"json": {
            "public_decision": ["Et lukket punkt kræver en offentlig beslutningstekst uden det "
                                "fortrolige (ALB-B11)."]}})


def write_entry(meeting: Meeting, item: AgendaItem, data: dict) -> MinutesEntry:
    version = draft(meeting)
    existing = next((e for e in version.entries if e.item_id == item.id), None)
    decision = data.get("decision", existing.decision if existing else "")
    public_decision = data.get("public_decision", existing.public_decision if existing else "")
    _check_public_decision(item, decision, public_decision)
    entry = _entry(version, item)
    entry.decision = decision
    entry.public_decision = public_decision if item.is_confidential else ""
    if "dissents" in data:
        entry.dissents = [dict(d) for d in data["dissents"]]
    db.session.flush()
    return entry


#: The result of a motion as the minutes state it; also the public wording of a closed
#: item's decision until the secretary writes one (ALB-B11: published without the
#: confidential part).
RESULT_DA = {
    "adopted": "Vedtaget.",
    "rejected": "Forkastet.",
    "not_quorate": "Ikke beslutningsdygtig; intet blev besluttet.",
}

#: Meeting states in which a motion's decision is written into the minutes being drafted.
#: Once the minutes are sent, they change only by the secretary's hand (a correction).
_DRAFTING_STATES = (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED, MeetingState.HELD)


def record_motion_decision(
    item: AgendaItem, *, decision: str, result: str, explanation: str, dissents: list[dict],
) -> MinutesEntry | None:
    """A motion on ``item`` has closed (the decisions feature calls this): its decision —
    text, result, explanation and dissents (SLA-6) — goes into the item's minutes entry.

    The minutes draft is started if the meeting is still under way. For a closed item the
    public decision is the result alone until the secretary writes a public wording
    (ALB-B11, ALB-R6), so nothing confidential is published. Once the minutes are sent, the
    motion's decision is not written (``None``): the secretary corrects the minutes.
    """
    meeting = item.meeting
    if meeting.state not in _DRAFTING_STATES:
        return None
    version = meeting.minutes_versions[0] if meeting.minutes_versions else None
    if version is None:
        version = MinutesVersion(number=1)
        meeting.minutes_versions.append(version)
        db.session.flush()
    entry = _entry(version, item)
    # Only an adopted motion's text is the decision; otherwise the minutes say what became
    # of the proposal, so nobody reads a rejected text as decided.
    entry.decision = decision if result == "adopted" else f"{RESULT_DA.get(result, result)} " \
        f"Forslaget var: {decision}"
    entry.result = result
    entry.explanation = explanation
    if item.is_confidential and not entry.public_decision:
        entry.public_decision = RESULT_DA.get(result, "")
    by_motion = {d.get("email") for d in dissents}
    entry.dissents = [d for d in (entry.dissents or []) if d.get("email") not in by_motion] + [
        dict(d) for d in dissents
    ]
    db.session.flush()
    return entry


def record_motion_dissent(item: AgendaItem, dissent: dict) -> MinutesEntry | None:
    """A dissent recorded on a closed motion (SLA-6) joins the item's minutes entry, while
    the minutes are being drafted."""
    meeting = item.meeting
    if meeting.state not in _DRAFTING_STATES or not meeting.minutes_versions:
        return None
    entry = _entry(meeting.minutes_versions[0], item)
    entry.dissents = [d for d in (entry.dissents or []) if d.get("email") != dissent.get("email")] + [
        dict(dissent)
    ]
    db.session.flush()
    return entry


def record_dissent(meeting: Meeting, item: AgendaItem, user: User, text: str) -> MinutesEntry:
    """SLA-6: a member's dissent (særstandpunkt) is recorded in the minutes on request."""
    version = draft(meeting)
    entry = _entry(version, item)
    orgs = ", ".join(sorted(a.organisation.code for a in user.affiliations))
    entry.dissents = [d for d in entry.dissents if d.get("email") != user.email] + [
        {"by": user.name, "email": user.email, "organisation": orgs, "text": text}
    ]
    db.session.flush()
    return entry


def send_minutes(meeting: Meeting, rules: MeetingRules) -> Meeting:
    """Send the decision minutes (ALB-B9, ALB-R4, ALB-S3: within 14 days; late is recorded).
    Every decision item needs its decision. Where the rules set no approval, the minutes are
    final when sent; with ALB-S4 they go on the next meeting's agenda for approval."""
    if meeting.state is not MeetingState.HELD:
        _move(meeting, MeetingState.MINUTES_SENT, "få udsendt referat")
    version = draft(meeting)
    decided = {e.item_id for e in version.entries if e.decision.strip()}
    missing = [i.position for i in meeting.items if i.kind is ItemKind.DECISION and i.id not in decided]
    if missing:
        abort(422, message="Referatet mangler beslutningen på punkt "
              + ", ".join(str(p) for p in missing) + ".", rule="send_minutes", clause=None)
    _move(meeting, MeetingState.MINUTES_SENT, "få udsendt referat")
    at = now()
    meeting.minutes_sent_at = at
    d = deadlines(meeting, rules)
    _record_breach(meeting, BreachKind.MINUTES_LATE, d.minutes_due_at, d.minutes_clause, at)
    if rules.approval_mode in ("none", ""):
        version.approved_at = at
        meeting.minutes_approval = {"mode": "none", "clause": None,
                                    "reason": "Kommissoriet kræver ingen godkendelse."}
    elif rules.approval_mode == "next_meeting":
        nxt = next_meeting(meeting)
        if nxt is not None and nxt.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED):
            _add_approval_item(nxt, meeting)
    db.session.flush()
    return meeting


def expected_approvers(meeting: Meeting, tenant, hooks) -> list[User]:
    """ALB-B9: the holders of the seats the ``minutes_approvers`` rule names (by default the
    members, the secretary aside)."""
    from core.meetings.attendees import attendees

    keys = set(hooks.minutes_approvers(
        body=body_facts(meeting.body, tenant.slug), attendees=attendees(meeting)))
    day = meeting.starts_at.date()
    seen, out = set(), []
    for s in meeting.body.seats:
        if s.holder is None or not s.is_valid_on(day) or s.key not in keys:
            continue
        if s.holder_id not in seen:
            seen.add(s.holder_id)
            out.append(s.holder)
    return out


def current_version(meeting: Meeting) -> MinutesVersion | None:
    return meeting.minutes_versions[-1] if meeting.minutes_versions else None


def _finish_approval(
    meeting: Meeting, rules: MeetingRules, how: dict, decided_at: datetime | None = None,
    actor_id: int | None = None,
) -> None:
    """Approve; ``decided_at`` is when the approval happened (the meeting that approved it,
    ALB-S4), which is what the approval deadline is measured against."""
    at = now()
    _move(meeting, MeetingState.MINUTES_APPROVED, "få godkendt referatet")
    version = meeting.minutes_versions[0]
    version.approved_at = at
    meeting.minutes_approved_at = at
    meeting.minutes_approval = how
    d = deadlines(meeting, rules)
    _record_breach(meeting, BreachKind.APPROVAL_LATE, d.approval_due_at, d.approval_clause,
                   decided_at or at)
    # Approved minutes are final: their approval goes to the audit chain.
    audit.record("minutes.approved", f"meeting:{meeting.id}", {
        "version": version.number, "approval": how,
        "entries": {str(e.item_id): e.decision for e in version.entries},
    }, actor_id=actor_id)


def approve_by_member(
    meeting: Meeting, user: User, rules: MeetingRules, tenant, hooks
) -> MinutesApproval:
    """ALB-B9: members approve the minutes by e-mail (here: one click) within 4 weeks of the
    meeting; when the last member has approved, the minutes are approved."""
    if rules.approval_mode != "email":
        abort(409, message="Referatet godkendes ikke af medlemmerne enkeltvis i dette organ.",
              clause=(meeting.body.sources or {}).get("approval_mode"), rule="meeting_rules")
    if meeting.state is not MeetingState.MINUTES_SENT:
        _refuse_transition(meeting, MeetingState.MINUTES_APPROVED, "få godkendt referatet")
    approvers = expected_approvers(meeting, tenant, hooks)
    if user.id not in {u.id for u in approvers}:
        abort(403, message="Kun organets medlemmer godkender referatet.",
              reason_en="Only the body's members approve the minutes.")
    version = meeting.minutes_versions[0]
    approval = next((a for a in version.approvals if a.user_id == user.id), None)
    if approval is None:
        approval = MinutesApproval(user=user, approved_at=now())
        version.approvals.append(approval)
        db.session.flush()
        audit.record("minutes.approval", f"meeting:{meeting.id}", {
            "version": version.number, "clause": deadlines(meeting, rules).approval_clause,
        }, actor_id=user.id)
    if {a.user_id for a in version.approvals} >= {u.id for u in approvers}:
        _finish_approval(meeting, rules, {
            "mode": "email", "clause": deadlines(meeting, rules).approval_clause,
            "approved_by": sorted(a.user.email for a in version.approvals),
        }, actor_id=user.id)
    db.session.flush()
    return approval


def approve_by_body(meeting: Meeting, at_meeting_id: int | None, rules: MeetingRules,
                    actor_id: int | None = None) -> Meeting:
    """ALB-S4: approved at the next meeting (as an item on its agenda); SLA-9: approved by
    the board. The secretary records the approval."""
    mode = rules.approval_mode
    clause = (meeting.body.sources or {}).get("approval_mode")
    if mode not in ("next_meeting", "board"):
        abort(409, message="Referatet godkendes af medlemmerne enkeltvis (ALB-B9)."
              if mode == "email" else "Kommissoriet kræver ingen godkendelse af referatet.",
              clause=clause, rule="meeting_rules")
    if meeting.state is not MeetingState.MINUTES_SENT:
        _refuse_transition(meeting, MeetingState.MINUTES_APPROVED, "få godkendt referatet")
    at_meeting = db.session.get(Meeting, at_meeting_id) if at_meeting_id else None
    if mode == "next_meeting" or at_meeting_id is not None:
        if at_meeting is None or at_meeting.body_id != meeting.body_id \
                or at_meeting.starts_at <= meeting.starts_at or at_meeting.state not in HELD_STATES:
            abort(409, message="Referatet godkendes på et senere, afholdt møde i organet.",
                  clause=clause, rule="meeting_rules")
        if mode == "next_meeting" and not any(
            i.approves_minutes_of_id == meeting.id for i in at_meeting.items
        ):
            abort(409, message="Godkendelsen af referatet skal være et punkt på mødets dagsorden.",
                  clause=clause, rule="meeting_rules")
        meeting.minutes_approved_at_meeting_id = at_meeting.id
    _finish_approval(meeting, rules, {
        "mode": mode, "clause": clause,
        "at_meeting": at_meeting.id if at_meeting is not None else None,
    }, decided_at=at_meeting.starts_at if at_meeting is not None else None, actor_id=actor_id)
    db.session.flush()
    return meeting


def correct_minutes(meeting: Meeting, reason: str, changes: list[dict], user: User) -> MinutesVersion:
    """Approved minutes are immutable; a correction is a new version with its reason."""
    latest = current_version(meeting)
    if latest is None or latest.approved_at is None:
        abort(409, message="Kun et godkendt (endeligt) referat rettes med en ny version; "
              "et udkast rettes direkte.", rule="minutes", clause=None)
    if not reason.strip():
        abort(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"reason": ["En rettelse kræver en begrundelse."]}})
    version = MinutesVersion(number=latest.number + 1, correction_reason=reason,
                             created_by_id=user.id)
    meeting.minutes_versions.append(version)
    for old in latest.entries:
        version.entries.append(MinutesEntry(
            item_id=old.item_id, decision=old.decision, public_decision=old.public_decision,
            dissents=list(old.dissents),
        ))
    by_item = {i.id: i for i in meeting.items}
    for change in changes:
        item = by_item.get(change["item_id"])
        if item is None:
            abort(422, message="The input is invalid; see errors for each field.",
                  errors={"json": {"entries": [f"Punkt {change['item_id']} er ikke på mødet."]}})
        entry = next((e for e in version.entries if e.item_id == item.id), None)
        if entry is None:
            entry = MinutesEntry(item_id=item.id, decision="", public_decision="", dissents=[])
            version.entries.append(entry)
        entry.decision = change.get("decision", entry.decision)
        entry.public_decision = change.get("public_decision", entry.public_decision)
        if "dissents" in change:
            entry.dissents = [dict(d) for d in change["dissents"]]
        _check_public_decision(item, entry.decision, entry.public_decision)
    version.approved_at = now()  # a correction is issued final
    db.session.flush()
    return version


def _was_final(version: MinutesVersion) -> bool:
    hist = sa.inspect(version).attrs.approved_at.history
    before = (hist.unchanged or hist.deleted or (None,))[0]
    return before is not None


@event.listens_for(Session, "before_flush")
def _approved_minutes_are_immutable(session, flush_context, instances) -> None:
    """The second wall behind the operations: no flush may change an approved version."""
    for obj in list(session.dirty) + list(session.new):
        if isinstance(obj, MinutesEntry) and obj.version is not None:
            changed = obj in session.new or session.is_modified(obj, include_collections=False)
            if changed and sa.inspect(obj.version).persistent and _was_final(obj.version):
                raise MinutesImmutable(f"minutes version {obj.version.id} is approved")
        elif isinstance(obj, MinutesVersion) and obj in session.dirty:
            if session.is_modified(obj, include_collections=False) and _was_final(obj):
                raise MinutesImmutable(f"minutes version {obj.id} is approved")


# --------------------------------------------------------------------------- visibility


def can_see_confidential(role: Role) -> bool:
    """ALB-B11, ALB-R6: closed items are for the body's members (and its secretariat)."""
    return role >= Role.MEMBER


# --------------------------------------------------------------------------- compliance


def compliance(body: Body, year: int, tenant, hooks) -> dict:
    """The figures a board reports to Landsbyggefonden for a year: meetings held against the
    meetings required (ALB-B7, ALB-R2, ALB-S3, SLA-7, KBH-1, KBH-3, VEJ-8), agendas on time,
    minutes on time, minutes approved on time, and every recorded breach."""
    rules = meeting_rules(body, tenant, hooks)
    meetings = body_meetings(body, year)
    at = now()
    held = [m for m in meetings if m.state in HELD_STATES]
    published = [m for m in meetings if m.agenda_published_at is not None]
    sent = [m for m in held if m.minutes_sent_at is not None]
    approved = [m for m in held if m.state is MeetingState.MINUTES_APPROVED]

    def late(m, kind):
        return any(b.kind is kind for b in m.breaches)

    def overdue(due, done):
        return due is not None and done is None and at > due

    open_overdue = []
    for m in meetings:
        if m.state is MeetingState.CANCELLED:
            continue
        d = deadlines(m, rules)
        if overdue(d.agenda_due_at, m.agenda_published_at):
            open_overdue.append({"meeting_id": m.id, "kind": "agenda_overdue",
                                 "due_at": d.agenda_due_at, "clause": d.agenda_clause})
        if m.state in HELD_STATES and overdue(d.minutes_due_at, m.minutes_sent_at):
            open_overdue.append({"meeting_id": m.id, "kind": "minutes_overdue",
                                 "due_at": d.minutes_due_at, "clause": d.minutes_clause})
        if m.state is MeetingState.MINUTES_SENT and overdue(d.approval_due_at, m.minutes_approved_at):
            open_overdue.append({"meeting_id": m.id, "kind": "approval_overdue",
                                 "due_at": d.approval_due_at, "clause": d.approval_clause})
    needs_approval = rules.approval_mode not in ("none", "")
    return {
        "body": body.key,
        "year": year,
        "meetings_required": rules.meetings_per_year,
        "meetings_required_clause": rules.clause,
        "meetings_planned": len([m for m in meetings if m.kind is MeetingKind.ORDINARY]),
        "meetings_held": len(held),
        "extraordinary_held": len([m for m in held if m.kind is MeetingKind.EXTRAORDINARY]),
        "meetings_cancelled": len([m for m in meetings if m.state is MeetingState.CANCELLED]),
        "requirement_met": len(held) >= rules.meetings_per_year,
        "agendas_published": len(published),
        "agendas_on_time": len([m for m in published if not late(m, BreachKind.AGENDA_LATE)]),
        "agenda_clause": rules.notice.clause if rules.notice else None,
        "minutes_sent": len(sent),
        "minutes_on_time": len([m for m in sent if not late(m, BreachKind.MINUTES_LATE)]),
        "minutes_clause": rules.minutes_due.clause if rules.minutes_due else None,
        "approval_mode": rules.approval_mode,
        "minutes_approved": len(approved) if needs_approval else None,
        "minutes_approved_on_time": (
            len([m for m in approved if not late(m, BreachKind.APPROVAL_LATE)])
            if needs_approval else None
        ),
        "breaches": [
            {"meeting_id": m.id, "kind": b.kind.value, "due_at": b.due_at,
             "happened_at": b.happened_at, "clause": b.clause}
            for m in meetings for b in m.breaches
        ],
        "overdue": open_overdue,
    }


def upcoming_for_user(user: User, after: datetime, limit: int = 10) -> list[tuple[Meeting, object]]:
    """The next meetings, across tenants, of the bodies where ``user`` holds a seat (for the
    dashboard): ``(meeting, tenant)`` pairs, soonest first; cancelled meetings left out."""
    from core.tenancy import all_tenants
    from core.tenants.models import Tenant

    with all_tenants():
        held = sa.select(Seat.body_id).where(Seat.holder_id == user.id,
                                             Seat.not_ended_sql(after.date()))
        return list(db.session.execute(
            sa.select(Meeting, Tenant).join(Tenant, Tenant.id == Meeting.tenant_id)
            .where(Meeting.body_id.in_(held), Meeting.starts_at >= after,
                   Meeting.state != MeetingState.CANCELLED)
            .order_by(Meeting.starts_at).limit(limit)
        ).all())
