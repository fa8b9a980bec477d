"""JSON API: meetings of a body, their agendas, attendance and compliance; and the
unauthenticated public view of published agendas and final minutes. The minutes' routes are
on the same blueprint in ``minutes_api``.

Handlers are thin: load, check access, call the operation, commit, dump.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request

from core import clock, files, transactions
from core.bodies import operations as bodies
from core.extensions import db
from core.identity.permissions import (
    Role,
    access,
    body_from_param,
    current_person,
    keep_for_request,
    require,
)
from core.meetings import cache, present
from core.meetings import operations as ops
from core.meetings.models import Meeting
from core.meetings.schemas import (
    AttendanceAllInputSchema,
    AttendanceInputSchema,
    AttendanceSchema,
    CancelSchema,
    ComplianceSchema,
    DelegationCreateSchema,
    DelegationSchema,
    ItemAttachmentSchema,
    ItemCreateSchema,
    ItemSchema,
    ItemUpdateSchema,
    MeetingCreateSchema,
    MeetingSchema,
    MeetingSummarySchema,
    MeetingUpdateSchema,
    PlanSchema,
    PublicMeetingSchema,
    UploadSchema,
    YearQuerySchema,
)
from core.openapi import Blueprint, file_response
from core.tenancy import bind_tenant, current_tenant, tenant_hooks

blp = Blueprint(
    "meetings", __name__, url_prefix="/api/v1/tenants/<tenant>",
    description="Meetings: annual plan, agendas, attendance, minutes, deadlines",
)


@blp.url_value_preprocessor
def _decided_from_cache(endpoint, values):
    """A meeting's document for a caller whose access decision is cached and fresh, before
    the tenant, the user's row or the role are loaded (docs/decisions/0009-cached-access-decision.md).
    The login is verified as on every request; on any miss the request is decided in full."""
    if endpoint != "meetings.get_meeting" or not values:
        return
    doc = cache.answer_from_decision(values, render=True)
    if doc is not None:
        g.decided_document = doc


bind_tenant(blp)  # after _decided_from_cache


@blp.url_value_preprocessor
def _generations_read(endpoint, values):
    """After the tenant is found, before the user and the role are: the generations the
    document and the decision will be stamped with (core/meetings/cache/)."""
    if endpoint == "meetings.get_meeting" and "decided_document" not in g:
        g.meeting_generations = cache.generations_for(
            g.tenant, values["meeting_id"], g.pop("meeting_generations", None))

public_blp = Blueprint(
    "public", __name__, url_prefix="/api/v1/public/tenants/<tenant>",
    description="Published agendas and approved minutes, without confidential content",
)
bind_tenant(public_blp)

#: Who may know a meeting exists through the members' API.
SEES = Role.INFORMATION_RECIPIENT



def _rules(body):
    return ops.meeting_rules(body, current_tenant(), tenant_hooks())


def _meeting(meeting_id: int, role: Role) -> tuple[Meeting, Role]:
    meeting = ops.get_meeting(meeting_id)
    have = require(role, meeting.body, visible_from=SEES)
    return meeting, have


def _view(meeting: Meeting, role: Role, hidden: frozenset[int] | None = None):
    meeting = ops.load_for_view(meeting)
    if hidden is None:
        hidden = ops.hidden_items(meeting, current_person()) if ops.can_see_confidential(role) \
            else frozenset()
    return present.meeting_view(meeting, role, _rules(meeting.body), hidden)


# --------------------------------------------------------------------------- meetings


@blp.route("/bodies/<key>/meetings")
@blp.arguments(YearQuerySchema, location="query")
@blp.response(200, MeetingSummarySchema(many=True))
@access(Role.INFORMATION_RECIPIENT)
def list_meetings(args, key: str):
    """The body's meetings (of one year, with ``?year=``)."""
    body = bodies.get_body(key)
    require(SEES, body, visible_from=SEES)
    return ops.body_meetings(body, args.get("year"))


@blp.route("/bodies/<key>/plan", methods=["POST"])
@blp.arguments(PlanSchema)
@blp.response(201, MeetingSummarySchema(many=True))
@access(Role.BODY_SECRETARY)
def plan_year(data, key: str):
    """Fix the year's ordinary meetings (CORE-MEETINGS-PER-YEAR), with standing items."""
    body = bodies.get_body(key)
    require(Role.BODY_SECRETARY, body, visible_from=SEES)
    meetings = ops.plan_year(body, data["year"], data["meetings"], current_tenant(), tenant_hooks())
    transactions.commit()
    return meetings


@blp.route("/bodies/<key>/meetings", methods=["POST"])
@blp.arguments(MeetingCreateSchema)
@blp.response(201, MeetingSchema)
@access(Role.MEMBER)
def create_meeting(data, key: str):
    """An ordinary meeting (secretariat), or an extraordinary one called by those the rules
    allow (CORE-EXTRAORDINARY)."""
    body = bodies.get_body(key)
    role = require(Role.MEMBER, body, visible_from=SEES)
    meeting = ops.create_meeting(body, data, current_person(), current_tenant(), tenant_hooks())
    transactions.commit()
    return _view(meeting, role)


@blp.route("/meetings/<int:meeting_id>")
@blp.response(200, MeetingSchema)
@access(Role.INFORMATION_RECIPIENT)
def get_meeting(meeting_id: int):
    """A meeting with its deadlines, agenda (closed items for members only) and attendance.

    Served from the meeting document cache while nothing was written since it was rendered
    for this audience (core/meetings/cache/); the caller's access is checked first, in
    full or, when nothing was written since, from the cached decision
    (:func:`_decided_from_cache`). ``If-None-Match`` with the ETag answers 304."""
    payload = g.pop("decided_document", None)  # _decided_from_cache
    if payload is None:
        payload = _meeting_document(meeting_id)
    tag = cache.etag(payload)
    if request.if_none_match.contains(tag):
        resp = Response(status=304)
    else:
        resp = Response(payload, mimetype="application/json")
    resp.set_etag(tag)
    return resp


def _meeting_document(meeting_id: int) -> bytes:
    # The generations were read before the tenant's, the user's and the meeting's rows
    # (_generations_read), so the access is decided once, from rows no older than them.
    gens = g.pop("meeting_generations", None) or cache.Generations.off()
    role = cache.decided_role(gens)  # a fresh kept decision whose document is stale
    if role is not None:
        meeting = ops.get_meeting(meeting_id)
    else:
        meeting, role = _meeting(meeting_id, SEES)
    # closed items the reader does not read: only a member's (or above) may be hidden
    hidden = ops.hidden_items(meeting, current_person()) if ops.can_see_confidential(role) \
        else frozenset()
    audience = cache.audience(role, hidden)
    cached = gens.lookup(audience)
    payload = cached.doc
    if payload is None:
        payload = jsonify(MeetingSchema().dump(_view(meeting, role, hidden))).get_data()
        cached.store(payload)
    cache.keep_decision(cached, meeting, role, audience)
    return payload


@blp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@blp.arguments(MeetingUpdateSchema)
@blp.response(200, MeetingSchema)
@access(Role.BODY_SECRETARY)
def update_meeting(data, meeting_id: int):
    """Change time, place or link before the meeting is held."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.update_meeting(meeting, data)
    transactions.commit()
    return _view(meeting, role)


@blp.route("/meetings/<int:meeting_id>/publish-agenda", methods=["POST"])
@blp.response(200, MeetingSchema)
@access(Role.BODY_SECRETARY)
def publish_agenda(meeting_id: int):
    """Send out the agenda; after the notice deadline it is recorded as a breach
    (CORE-NOTICE-DAYS)."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.publish_agenda(meeting, _rules(meeting.body))
    transactions.commit()
    return _view(meeting, role)


@blp.route("/meetings/<int:meeting_id>/session", methods=["POST"])
@blp.response(200, MeetingSchema)
@access(Role.MEMBER)
def open_session(meeting_id: int):
    """Open the meeting (CORE-SESSION): the meeting leader or the secretary, on the meeting's
    day in the tenant's time zone, once the agenda went out. Votes, objections and closing a
    motion are refused (409, CORE-SESSION) until the meeting is opened and after it is
    recorded held."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    ops.open_session(meeting, current_person(), current_tenant())
    transactions.commit()
    return _view(meeting, role)


@blp.route("/meetings/<int:meeting_id>/held", methods=["POST"])
@blp.response(200, MeetingSchema)
@access(Role.BODY_SECRETARY)
def record_held(meeting_id: int):
    """Record that the meeting took place: its session ends. Refused (409) unless it was
    opened (CORE-SESSION) and someone's attendance is recorded (CORE-ATTENDANCE)."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.record_held(meeting)
    transactions.commit()
    return _view(meeting, role)


@blp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@blp.arguments(CancelSchema)
@blp.response(200, MeetingSchema)
@access(Role.BODY_SECRETARY)
def cancel_meeting(data, meeting_id: int):
    """Cancel a meeting that has not been held."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.cancel(meeting, data["reason"])
    transactions.commit()
    return _view(meeting, role)


# --------------------------------------------------------------------------- agenda


@blp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@blp.arguments(ItemCreateSchema)
@blp.response(201, ItemSchema)
@access(Role.MEMBER)
def add_item(data, meeting_id: int):
    """Add an item (secretariat), or ask for one as a member before the deadline
    (CORE-SUBMISSION-DEADLINE-DAYS)."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    item = ops.add_item(meeting, data, current_person(), role, _rules(meeting.body))
    transactions.commit()
    return present.visible_items(meeting, role, ops.hidden_items(meeting, current_person()))[item.position - 1]


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>", methods=["PATCH"])
@blp.arguments(ItemUpdateSchema)
@blp.response(200, ItemSchema)
@access(Role.BODY_SECRETARY)
def update_item(data, meeting_id: int, item_id: int):
    """Change an item (kind, texts, confidentiality, guests, position)."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    item = ops.update_item(meeting, ops.get_item(meeting, item_id), data)
    transactions.commit()
    return item


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>", methods=["DELETE"])
@blp.response(204)
@access(Role.BODY_SECRETARY)
def remove_item(meeting_id: int, item_id: int):
    """Take an item off the agenda."""
    meeting, _ = _meeting(meeting_id, Role.BODY_SECRETARY)
    ops.remove_item(meeting, ops.get_item(meeting, item_id))
    transactions.commit()


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>/attachments", methods=["POST"])
@blp.arguments(UploadSchema, location="files")
@blp.response(201, ItemAttachmentSchema)
@access(Role.BODY_SECRETARY)
def add_attachment(files, meeting_id: int, item_id: int):
    """Attach a file (bilag): checksum, size and type limits."""
    meeting, _ = _meeting(meeting_id, Role.BODY_SECRETARY)
    att = ops.add_attachment(meeting, ops.get_item(meeting, item_id), files["file"], current_person())
    transactions.commit()
    return att


@blp.route("/meetings/<int:meeting_id>/items/<int:item_id>/attachments/<int:attachment_id>/replacement",
           methods=["POST"])
@blp.arguments(UploadSchema, location="files")
@blp.response(201, ItemAttachmentSchema)
@access(Role.BODY_SECRETARY)
def replace_attachment(files, meeting_id: int, item_id: int, attachment_id: int):
    """Replace a bilag by a new version: the new file takes its place on the item; the old
    one stays readable by its id, with the notes and comments written on it, and names
    its replacement (``replaced_by_id``). 409 for one replaced already."""
    meeting, _ = _meeting(meeting_id, Role.BODY_SECRETARY)
    item = ops.get_item(meeting, item_id)
    old = ops.get_attachment(attachment_id)
    if old.item_id != item.id:
        from flask_smorest import abort

        abort(404, message="Not found.")
    att = ops.replace_attachment(meeting, old, files["file"], current_person())
    transactions.commit()
    return att


@blp.route("/attachments/<int:attachment_id>")
@blp.doc(**file_response("*/*", "The bilag, with the content type it was uploaded with."))
@access(Role.INFORMATION_RECIPIENT)
def download_attachment(attachment_id: int):
    """Download a bilag; a closed item's bilag only for the body's members
    (CORE-CLOSED-ITEMS) who are not disqualified on it (CORE-DISQUALIFIED)."""
    att = ops.get_attachment(attachment_id)
    item = att.item
    role = require(SEES, item.meeting.body, visible_from=SEES)
    if not ops.reads_closed_item(item, role, current_person()):  # CORE-DISQUALIFIED too
        from flask_smorest import abort

        abort(404, message="Not found.")
    data = ops.read_attachment(att)
    resp = Response(data, mimetype=att.content_type)
    resp.headers["Content-Disposition"] = files.content_disposition(att.filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Content-SHA256"] = att.sha256
    return resp


# --------------------------------------------------------------------------- attendance


@blp.route("/meetings/<int:meeting_id>/attendance", methods=["PUT"])
@blp.arguments(AttendanceAllInputSchema)
@blp.response(200, AttendanceSchema(many=True))
@access(Role.BODY_SECRETARY)
def record_attendance_all(data, meeting_id: int):
    """The whole meeting's attendance in one call (the secretary): ``{"seats": {seat_key:
    {status, acting_as, person}}}``, all or nothing. Each seat follows the rules of one seat
    (CORE-SUBSTITUTE, CORE-MANDATE, or the tenant's rules); a refusal is a 422 naming each refused seat with its reason and
    clause in ``errors.json.seats`` and keeps nothing. Seats not named stay as they were;
    ``PUT …/attendance/<seat>`` still changes one seat."""
    meeting, role = _meeting(meeting_id, Role.BODY_SECRETARY)
    rows = ops.record_attendance_all(meeting, data["seats"], current_person(), role, current_tenant(),
                                     tenant_hooks())
    transactions.commit()
    return rows


@blp.route("/meetings/<int:meeting_id>/attendance/<seat_key>", methods=["PUT"])
@blp.arguments(AttendanceInputSchema)
@blp.response(200, AttendanceSchema)
@access(Role.MEMBER)
def record_attendance(data, meeting_id: int, seat_key: str):
    """Who fills a seat: holder, substitute (CORE-SUBSTITUTE), delegate (CORE-MANDATE), or
    apologies."""
    meeting, role = _meeting(meeting_id, Role.MEMBER)
    att = ops.record_attendance(meeting, seat_key, data, current_person(), role, current_tenant(), tenant_hooks())
    transactions.commit()
    return att


@blp.route("/bodies/<key>/delegations", methods=["POST"])
@blp.arguments(DelegationCreateSchema)
@blp.response(201, DelegationSchema)
@access(Role.MEMBER)
def delegate_mandate(data, key: str):
    """Record a seat's mandate delegated to another organisation (CORE-MANDATE, or the
    tenant's delegation rule): by the seat's holder, or by the body's secretary or the
    secretariat for them."""
    body = bodies.get_body(key)
    role = require(Role.MEMBER, body, visible_from=SEES)
    delegation = ops.delegate_mandate(body, data, current_person(), current_tenant(), tenant_hooks(),
                                      role=role)
    transactions.commit()
    return delegation


# --------------------------------------------------------------------------- compliance


@blp.route("/bodies/<key>/compliance")
@blp.arguments(YearQuerySchema, location="query")
@blp.response(200, ComplianceSchema)
@access(Role.MEMBER)
def compliance(args, key: str):
    """Meetings held vs required, agendas and minutes on time, for a year."""
    body = bodies.get_body(key)
    require(Role.MEMBER, body, visible_from=SEES)
    return ops.compliance(body, args.get("year") or clock.today().year, current_tenant(), tenant_hooks())


# --------------------------------------------------------------------------- public


@public_blp.route("/meetings")
@public_blp.arguments(YearQuerySchema, location="query")
@public_blp.response(200, PublicMeetingSchema(many=True))
@access(Role.PUBLIC)
def public_meetings(args):
    """Every published agenda of the tenant, with final minutes; no closed content."""
    import sqlalchemy as sa

    q = sa.select(Meeting).where(Meeting.state.in_(present.PUBLIC_AGENDA_STATES)).order_by(Meeting.starts_at)
    if args.get("year"):
        q = q.where(Meeting.starts_at >= ops._year_start(args["year"]),
                    Meeting.starts_at < ops._year_start(args["year"] + 1))
    return [present.public_meeting(m) for m in db.session.scalars(q)]


@public_blp.route("/meetings/<int:meeting_id>")
@public_blp.response(200, PublicMeetingSchema)
@access(Role.PUBLIC)
def public_meeting(meeting_id: int):
    """One published agenda, with its final minutes; no closed content (CORE-CLOSED-ITEMS)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.state not in present.PUBLIC_AGENDA_STATES:
        from flask_smorest import abort

        abort(404, message="Not found.")
    return present.public_meeting(meeting)




# ------------------------------------------------------------------ body of a URL's row
# Body roles are checked on these before a request's input is parsed (permissions.py).


@body_from_param("meeting_id")
def _body_of_meeting(meeting_id: int):
    from sqlalchemy.orm import joinedload

    meeting = db.session.get(Meeting, meeting_id, options=[joinedload(Meeting.body)])
    # The session's identity map holds rows weakly: keep this one for the handler, which
    # would otherwise load the meeting and its body (and check the role) a second time.
    if meeting is None:
        return None
    keep_for_request(meeting)
    keep_for_request(meeting.body)
    return meeting.body


@body_from_param("item_id")
def _body_of_item(item_id: int):
    from core.meetings.models import AgendaItem

    item = db.session.get(AgendaItem, item_id)
    return item.meeting.body if item is not None else None


@body_from_param("attachment_id")
def _body_of_attachment(attachment_id: int):
    from core.meetings.models import Attachment

    attachment = db.session.get(Attachment, attachment_id)
    return attachment.item.meeting.body if attachment is not None else None
