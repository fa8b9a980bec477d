"""Notes and comments on a meeting's material (docs/annotations.md).

* **Who reads what.** A note is its author's alone: every other caller is told it does not
  exist (404). Comments are read and written by the body's members, its secretary and the
  tenant's secretariat (``Role.MEMBER`` and up in the body); a closed item's comments only
  by those who may read the closed item: the meetings feature's own decision,
  :func:`core.meetings.operations.can_see_confidential` (CORE-CLOSED-ITEMS), called here,
  never decided a second time.
* **What they are written on.** An item, or a page of one of its attachments. They belong
  to the item, so they stay while the agenda changes; on an attachment they belong to that
  version of the file, so when it is replaced they stay with the old one, which says so.
* **Personal data.** Both are part of the author's export; an erasure deletes the notes and
  empties the comments (their place in a thread stays, so replies still read in order).
* Operations flush, never commit (STYLE.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from core import clock
from core.annotations.models import Annotation, AnnotationKind
from core.errors import refuse
from core.extensions import db
from core.identity import operations as identity
from core.identity.models import User
from core.identity.permissions import Role, refuse as refuse_role, role_in_body
from core.meetings import operations as meetings
from core.meetings.models import AgendaItem, Attachment, Meeting
from core.tenancy import all_tenants

#: The least role in the body that reads and writes comments and keeps notes.
WRITES = Role.MEMBER
#: The least role a route declares (core/identity/permissions.py: checked before the
#: input is read): who may know the item exists. The rest is :func:`check_item`'s, so a
#: closed item one may not read answers 404 like the item's other readings.
SEES = Role.INFORMATION_RECIPIENT
INVALID = "The input is invalid; see errors for each field."


# --------------------------------------------------------------------------- who may


def may_read(item: AgendaItem, role: Role, hidden: frozenset[int] = frozenset()) -> bool:
    """Whether a reader with ``role`` in the item's body reads its comments (and keeps
    notes on it): a member, the secretary or the secretariat; for a closed item, only one
    who may read the closed item (CORE-CLOSED-ITEMS, the meetings feature's decision), so
    not a member disqualified on it (``hidden``, CORE-DISQUALIFIED)."""
    if item.is_confidential and (not meetings.can_see_confidential(role) or item.id in hidden):
        return False
    return role >= WRITES


def check_item(item: AgendaItem, user) -> Role:
    """The caller's role in the item's body, if they may read its comments: a closed item
    they may not read is not there (404); an open one they may see but not comment is a 403."""
    role = role_in_body(user, item.meeting.body)
    if item.is_confidential and (  # CORE-CLOSED-ITEMS, CORE-DISQUALIFIED
            not meetings.can_see_confidential(role)
            or item.id in meetings.disqualified_items(item.meeting_id, user)):
        refuse(404, message="Not found.")
    if role < WRITES:
        refuse_role(WRITES, item.meeting.body)
    return role


# --------------------------------------------------------------------------- input


def _invalid(field: str, why: str):
    refuse(422, message=INVALID, errors={"json": {field: [why]}})


def _anchor(item: AgendaItem, data: dict) -> tuple[Attachment | None, int | None]:
    """The attachment (a current one of the item) and page written on, checked."""
    attachment_id, page = data.get("attachment_id"), data.get("page")
    if attachment_id is None:
        if page is not None:
            _invalid("page", "A page is a page of an attachment: name the attachment too.")
        return None, None
    att = next((a for a in item.attachments if a.id == attachment_id), None)
    if att is None:
        _invalid("attachment_id", "Not an attachment of this item.")
    if page is not None and att.page_count is not None and page > att.page_count:
        _invalid("page", f"The attachment has {att.page_count} pages.")
    return att, page


# --------------------------------------------------------------------------- notes


def my_notes(item: AgendaItem, user) -> list[Annotation]:
    return db.session.scalars(
        sa.select(Annotation).where(Annotation.item_id == item.id, Annotation.author_id == user.id,
                                    Annotation.kind == AnnotationKind.NOTE)
        .options(selectinload(Annotation.attachment)).order_by(Annotation.id)).all()


def get_note(item: AgendaItem, note_id: int, user) -> Annotation:
    """The caller's own note on the item; anyone else's, or none, is not there (404)."""
    note = db.session.get(Annotation, note_id)
    if (note is None or note.item_id != item.id or note.kind != AnnotationKind.NOTE
            or note.author_id != user.id):
        refuse(404, message="Not found.")
    return note


def add_note(item: AgendaItem, user, data: dict) -> Annotation:
    att, page = _anchor(item, data)
    note = Annotation(kind=AnnotationKind.NOTE, meeting_id=item.meeting_id, item_id=item.id,
                      attachment=att, page=page, author_id=user.id, text=data["text"])
    db.session.add(note)
    db.session.flush()
    return note


def update_note(note: Annotation, data: dict) -> Annotation:
    note.text = data["text"]
    note.updated_at = clock.now()
    db.session.flush()
    return note


def remove_note(note: Annotation) -> None:
    db.session.delete(note)
    db.session.flush()


# --------------------------------------------------------------------------- comments


def comments(item: AgendaItem) -> list[Annotation]:
    """The item's threads: each first comment with its replies, oldest first."""
    return db.session.scalars(
        sa.select(Annotation).where(Annotation.item_id == item.id, Annotation.reply_to_id.is_(None),
                                    Annotation.kind == AnnotationKind.COMMENT)
        .options(selectinload(Annotation.replies).selectinload(Annotation.author),
                 selectinload(Annotation.replies).selectinload(Annotation.attachment),
                 selectinload(Annotation.author), selectinload(Annotation.attachment))
        .order_by(Annotation.id)).all()


def get_comment(item: AgendaItem, comment_id: int) -> Annotation:
    comment = db.session.get(Annotation, comment_id)
    if comment is None or comment.item_id != item.id or comment.kind != AnnotationKind.COMMENT:
        refuse(404, message="Not found.")
    return comment


def add_comment(item: AgendaItem, user, data: dict) -> Annotation:
    """A comment, or a reply (``reply_to``: a comment of the same item; a reply to a reply
    joins the thread of the first comment)."""
    parent = None
    if data.get("reply_to") is not None:
        parent = db.session.get(Annotation, data["reply_to"])
        if parent is None or parent.item_id != item.id or parent.kind != AnnotationKind.COMMENT:
            _invalid("reply_to", "Not a comment on this item.")
        parent = parent.reply_to or parent
    att, page = _anchor(item, data)
    comment = Annotation(kind=AnnotationKind.COMMENT, meeting_id=item.meeting_id, item_id=item.id,
                         attachment=att, page=page, author_id=user.id, text=data["text"],
                         reply_to=parent)
    db.session.add(comment)
    db.session.flush()
    return comment


def remove_comment(comment: Annotation, user) -> None:
    """The author takes a comment back: its text goes, its place in the thread stays."""
    if comment.author_id != user.id:
        refuse(403, message="Kun den, der skrev kommentaren, kan fjerne den.",
               reason_en="Only the comment's author may remove it.")
    _empty(comment)
    db.session.flush()


def _empty(comment: Annotation) -> None:
    comment.text = ""
    comment.removed_at = comment.removed_at or clock.now()


# --------------------------------------------------------------------------- the meeting page


def for_meeting(meeting: Meeting, user, role: Role,
                hidden: frozenset[int] | None = None) -> dict[int, dict]:
    """What the meeting page shows ``user`` on each item they may read: their own notes and
    the comments, ``{item_id: {"notes": [...], "comments": [threads]}}``, in one statement.
    Nothing for a reader below a member: no statement at all. ``hidden``: the closed items
    the reader is disqualified on (read here when not given)."""
    if hidden is None:
        hidden = meetings.hidden_items(meeting, user) if role >= WRITES else frozenset()
    readable = {i.id for i in meeting.items if may_read(i, role, hidden)}
    if user is None or not readable:
        return {}
    rows = db.session.scalars(
        sa.select(Annotation).where(
            Annotation.meeting_id == meeting.id, Annotation.item_id.in_(readable),
            sa.or_(Annotation.kind == AnnotationKind.COMMENT, Annotation.author_id == user.id))
        .options(joinedload(Annotation.author).lazyload(User.affiliations), joinedload(Annotation.attachment))
        .order_by(Annotation.id)).all()
    out = {i: {"notes": [], "comments": []} for i in readable}
    threads: dict[int, dict] = {}
    for row in rows:
        if row.kind == AnnotationKind.NOTE:
            out[row.item_id]["notes"].append(row)
        elif row.reply_to_id is None:
            threads[row.id] = {"comment": row, "replies": []}
            out[row.item_id]["comments"].append(threads[row.id])
        elif row.reply_to_id in threads:
            threads[row.reply_to_id]["replies"].append(row)
    return out


# --------------------------------------------------------------------------- personal data


def export_for(user) -> list[dict]:
    """Every note and comment ``user`` wrote, in every tenant (GDPR art. 15 and 20)."""
    from core.tenants.models import Tenant

    with all_tenants():
        rows = db.session.execute(
            sa.select(Annotation, Tenant.slug, AgendaItem.title, Meeting.starts_at)
            .join(Tenant, Tenant.id == Annotation.tenant_id)
            .join(AgendaItem, AgendaItem.id == Annotation.item_id)
            .join(Meeting, Meeting.id == Annotation.meeting_id)
            .where(Annotation.author_id == user.id).order_by(Annotation.id)).all()
        return [{
            "kind": a.kind.value, "tenant": slug, "meeting_id": a.meeting_id,
            "meeting_starts_at": starts.isoformat(), "item_id": a.item_id, "item_title": title,
            **{k: v for k, v in a.where.items() if k != "replaced_by_id"},
            "reply_to": a.reply_to_id, "text": a.text, "created_at": a.created_at.isoformat(),
            "updated_at": a.updated_at.isoformat() if a.updated_at else None,
            "removed_at": a.removed_at.isoformat() if a.removed_at else None,
        } for a, slug, title, starts in rows]


def erase_for(user) -> None:
    """With the author's erasure: their notes are deleted, their comments emptied (replies
    to them stay in their thread). Through the ORM, so each meeting's page is written."""
    with all_tenants():
        for a in db.session.scalars(sa.select(Annotation).where(Annotation.author_id == user.id)).all():
            if a.kind == AnnotationKind.NOTE:
                db.session.delete(a)
            else:
                _empty(a)
        db.session.flush()


identity.personal_data_part("notes_and_comments", export_for, erase_for)
