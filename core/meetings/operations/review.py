"""A review round for the draft minutes (gennemlæsning, docs/meetings.md and
docs/decisions/0041-review-round-for-draft-minutes.md).

* The secretary sends the draft (version 1, while the meeting is held) to the members for
  comments, with an optional deadline. Each round keeps the draft as it was sent (its
  ``snapshot``); sending a changed draft again is a new round, so every version the members
  read stays readable. Nothing is deleted.
* The body's members (``Role.MEMBER`` and up in the body; information recipients take no
  part) comment on an item's entry or on the minutes as a whole, while the round is open
  and before its deadline. A closed item's comments are as closed as the item: only those
  who may read the closed item (:func:`core.meetings.operations.can_see_confidential`,
  CORE-CLOSED-ITEMS) write or read them.
* The secretary resolves each comment: ``accepted`` (the draft is changed; an item's new
  wording is written into the draft here and the entry before and after is kept with the
  comment) or ``answered`` (a reply, the draft stays).
* Sending the minutes for approval (:func:`core.meetings.operations.send_minutes`) is
  refused while a comment is unresolved, and ends the round; the body's approval mode
  (CORE-APPROVAL-MODE) then applies as without a review.
* Sending, commenting and resolving are recorded in the tenant's audit chain (without the
  comment's text, which goes with its author's erasure).

Operations flush, never commit (STYLE.md).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core import clock
from core.audit import operations as audit
from core.errors import refuse
from core.extensions import db
from core.identity import operations as identity
from core.identity.models import User
from core.identity.permissions import Role
from core.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingState,
    MinutesReview,
    MinutesReviewComment,
    ReviewResolution,
)
from core.meetings.operations.agenda import can_see_confidential, closed_title
from core.meetings.operations.disqualification import disqualified_items, hidden_items
from core.meetings.operations.loading import get_item
from core.meetings.operations.minutes import draft, write_entry
from core.tenancy import all_tenants

INVALID = "The input is invalid; see errors for each field."
#: The longest comment or reply.
TEXT_MAX = 5000


def _invalid(field: str, why: str, why_en: str):
    refuse(422, message=INVALID, errors={"json": {field: [why]}}, reason_en=why_en)


def _not_in_review(meeting: Meeting):
    refuse(409, message="Referatet er ikke sendt til gennemlæsning; der kan ikke kommenteres nu.",
           rule="minutes_review", clause=None,
           reason_en="The minutes are not out for review; comments cannot be made now.")


def _text(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        _invalid(field, "Skriv en tekst.", "Write a text.")
    if len(text) > TEXT_MAX:
        _invalid(field, f"Højst {TEXT_MAX} tegn.", f"At most {TEXT_MAX} characters.")
    return text


def _snapshot(meeting: Meeting) -> dict:
    version = draft(meeting)
    return {str(e.item_id): {"decision": e.decision, "public_decision": e.public_decision}
            for e in version.entries}


# --------------------------------------------------------------------------- reading


def reviews(meeting: Meeting) -> list[MinutesReview]:
    return list(meeting.minutes_reviews)


def open_review(meeting: Meeting) -> MinutesReview | None:
    """The round the members may comment in now: the latest, if not ended, while the
    minutes are a draft."""
    latest = meeting.minutes_reviews[-1] if meeting.minutes_reviews else None
    if latest is None or latest.closed_at is not None or meeting.state is not MeetingState.HELD:
        return None
    return latest


def may_read_comment(comment: MinutesReviewComment, role: Role,
                     hidden: frozenset[int] = frozenset()) -> bool:
    """CORE-CLOSED-ITEMS: a closed item's comments are read by those who read the item (not
    by a member disqualified on it, ``hidden``, CORE-DISQUALIFIED); every comment by the
    body's members and up (information recipients take no part)."""
    if role < Role.MEMBER:
        return False
    return comment.item is None or not comment.item.is_confidential or (
        can_see_confidential(role) and comment.item_id not in hidden)


def comments(meeting: Meeting, role: Role, hidden: frozenset[int] = frozenset()) -> list[MinutesReviewComment]:
    """Every round's comments that ``role`` may read, oldest first (none on the closed
    items in ``hidden``)."""
    return [c for r in meeting.minutes_reviews for c in r.comments
            if may_read_comment(c, role, hidden)]


def unresolved(meeting: Meeting) -> list[MinutesReviewComment]:
    return [c for r in meeting.minutes_reviews for c in r.comments if c.resolution is None]


def get_comment(meeting: Meeting, comment_id: int, role: Role) -> MinutesReviewComment:
    """The comment ``comment_id`` on ``meeting``'s review; another meeting's, another
    tenant's and a closed item's the caller may not read all answer 404."""
    comment = db.session.get(MinutesReviewComment, comment_id)
    if comment is None or comment.meeting_id != meeting.id or not may_read_comment(comment, role):
        refuse(404, message="Not found.")
    return comment


# --------------------------------------------------------------------------- acting


def send_for_review(meeting: Meeting, user: User, deadline_at: datetime | None = None) -> MinutesReview:
    """Send the draft minutes to the members for comments: a new round with the draft as
    it is now. Sending again while a round is open with the same draft and deadline is no
    change; a changed draft (or deadline) ends the open round and begins the next one."""
    if meeting.state is not MeetingState.HELD:
        refuse(409, message="Kun et referat under udarbejdelse kan sendes til gennemlæsning.",
               rule="minutes_review", clause=None,
               reason_en="Only minutes being drafted can be sent for review.")
    now = clock.now()
    if deadline_at is not None and deadline_at <= now:
        _invalid("deadline_at", "Fristen for kommentarer skal ligge i fremtiden.",
                 "The deadline for comments must be in the future.")
    snapshot = _snapshot(meeting)
    current = open_review(meeting)
    if current is not None and current.snapshot == snapshot and current.deadline_at == deadline_at:
        return current
    if current is not None:
        current.closed_at = now
    review = MinutesReview(meeting_id=meeting.id, version_id=draft(meeting).id,
                           round=len(meeting.minutes_reviews) + 1, snapshot=snapshot,
                           deadline_at=deadline_at, sent_by_id=user.id, sent_at=now)
    meeting.minutes_reviews.append(review)
    db.session.flush()
    audit.record("minutes.review_sent", f"meeting:{meeting.id}", {
        "round": review.round, "deadline_at": deadline_at.isoformat() if deadline_at else None,
        "entries": snapshot,
    }, actor_id=user.id)
    return review


def add_comment(meeting: Meeting, user: User, role: Role, item_id: int | None, text: str) -> MinutesReviewComment:
    """A member comments on an item's entry (``item_id``) or on the minutes as a whole
    (``None``), while the round is open and before its deadline. The same comment sent
    twice is kept once."""
    text = _text(text, "text")
    item: AgendaItem | None = None
    if item_id is not None:
        item = get_item(meeting, item_id)
        if item.is_confidential and (  # CORE-CLOSED-ITEMS, CORE-DISQUALIFIED
                not can_see_confidential(role) or item.id in disqualified_items(meeting.id, user)):
            refuse(404, message="Not found.")
    review = open_review(meeting)
    if review is None:
        _not_in_review(meeting)
    if review.deadline_at is not None and clock.now() > review.deadline_at:
        refuse(409, message="Fristen for kommentarer til referatet er overskredet.",
               rule="minutes_review", clause=None,
               reason_en="The deadline for comments on the minutes has passed.")
    same = next((c for c in review.comments if c.author_id == user.id and c.item_id == item_id
                 and c.text == text), None)
    if same is not None:
        return same
    comment = MinutesReviewComment(meeting_id=meeting.id, item_id=item_id, author_id=user.id,
                                   text=text, created_at=clock.now(), reply="")
    review.comments.append(comment)
    db.session.flush()
    audit.record("minutes.review_comment", f"meeting:{meeting.id}", {
        "round": review.round, "comment": comment.id, "item": item_id,
    }, actor_id=user.id)
    return comment


def resolve_comment(meeting: Meeting, comment: MinutesReviewComment, user: User, data: dict) -> MinutesReviewComment:
    """The secretary resolves a comment: ``accepted`` (for an item, with the new
    ``decision``/``public_decision`` written into the draft, before and after kept) or
    ``answered`` (a ``reply`` is required). Resolving it again the same way is no change;
    a resolved comment is not resolved otherwise."""
    resolution = ReviewResolution(data["resolution"])
    reply = (data.get("reply") or "").strip()
    if len(reply) > TEXT_MAX:
        _invalid("reply", f"Højst {TEXT_MAX} tegn.", f"At most {TEXT_MAX} characters.")
    if resolution is ReviewResolution.ANSWERED and not reply:
        _invalid("reply", "Et besvaret kommentar kræver et svar.", "An answered comment needs a reply.")
    wording = {k: data[k] for k in ("decision", "public_decision") if data.get(k) is not None}
    if wording and (resolution is not ReviewResolution.ACCEPTED or comment.item is None):
        field = next(iter(wording))
        _invalid(field, "En ny ordlyd gives kun, når en kommentar til et punkt imødekommes.",
                 "A new wording is only given when a comment on an item is accepted.")
    if comment.resolution is not None:
        if comment.resolution is resolution and comment.reply == reply and not wording:
            return comment
        refuse(409, message="Kommentaren er allerede behandlet.", rule="minutes_review", clause=None,
               reason_en="The comment has already been resolved.")
    if meeting.state is not MeetingState.HELD:
        refuse(409, message="Referatet er sendt; kommentarer fra gennemlæsningen kan ikke længere "
               "behandles.", rule="minutes_review", clause=None,
               reason_en="The minutes have been sent; review comments can no longer be resolved.")
    if wording:
        version = draft(meeting)
        old = next((e for e in version.entries if e.item_id == comment.item_id), None)
        before = {"decision": old.decision if old else "", "public_decision": old.public_decision if old else ""}
        entry = write_entry(meeting, comment.item, wording)
        after = {"decision": entry.decision, "public_decision": entry.public_decision}
        comment.change = {"before": before, "after": after} if after != before else None
    comment.resolution = resolution
    comment.reply = reply
    comment.resolved_by_id = user.id
    comment.resolved_at = clock.now()
    db.session.flush()
    audit.record("minutes.review_resolved", f"meeting:{meeting.id}", {
        "comment": comment.id, "resolution": resolution.value, "item": comment.item_id,
        "change": comment.change,
    }, actor_id=user.id)
    return comment


def before_sending(meeting: Meeting) -> None:
    """Called when the minutes are sent for approval: refused while a comment of the review
    is unresolved; otherwise the open round ends."""
    left = unresolved(meeting)
    if left:
        refuse(409, message=f"{len(left)} kommentar(er) fra gennemlæsningen er ikke behandlet. "
               "Imødekom eller besvar dem, før referatet sendes til godkendelse.",
               rule="minutes_review", clause=None,
               reason_en=f"{len(left)} review comment(s) are unresolved. Accept or answer them "
               "before sending the minutes for approval.")
    review = open_review(meeting)
    if review is not None:
        review.closed_at = clock.now()


# --------------------------------------------------------------------------- personal data


def export_for(user: User) -> list[dict]:
    """Every review comment ``user`` wrote, in every tenant (GDPR art. 15 and 20)."""
    from core.tenants.models import Tenant

    with all_tenants():
        rows = db.session.execute(
            sa.select(MinutesReviewComment, Tenant.slug)
            .join(Tenant, Tenant.id == MinutesReviewComment.tenant_id)
            .where(MinutesReviewComment.author_id == user.id).order_by(MinutesReviewComment.id)).all()
        return [{"tenant": slug, "meeting_id": c.meeting_id, "item_id": c.item_id, "text": c.text,
                 "created_at": c.created_at.isoformat(),
                 "resolution": c.resolution.value if c.resolution else None, "reply": c.reply}
                for c, slug in rows]


def erase_for(user: User) -> None:
    """With the author's erasure the comments' texts are emptied; their place in the round
    and the secretary's resolution stay."""
    with all_tenants():
        for c in db.session.scalars(sa.select(MinutesReviewComment)
                                    .where(MinutesReviewComment.author_id == user.id)).all():
            c.text = ""
            c.author_id = None
        db.session.flush()


identity.personal_data_part("minutes_review_comments", export_for, erase_for)


# --------------------------------------------------------------------------- presenting


def review_view(meeting: Meeting, role: Role, user: User | None = None) -> dict:
    """The review as ``role`` reads it: each round with the draft as it was sent (a closed
    item's decision only to those who read the closed item, CORE-CLOSED-ITEMS), the comments
    they may read, and what is left to resolve."""
    items = {i.id: i for i in meeting.items}
    hidden = hidden_items(meeting, user)  # closed items the reader is disqualified on
    rounds = []
    for r in meeting.minutes_reviews:
        entries = []
        for item in meeting.items:
            e = (r.snapshot or {}).get(str(item.id)) or {}
            closed = item.is_confidential and (not can_see_confidential(role) or item.id in hidden)
            entries.append({"item_id": item.id, "position": item.position,
                            "title": closed_title(item) if closed else item.title,
                            "decision": e.get("public_decision", "") if closed else e.get("decision", ""),
                            "public_decision": e.get("public_decision", "")})
        rounds.append({"round": r.round, "sent_at": r.sent_at, "deadline_at": r.deadline_at,
                       "closed_at": r.closed_at, "entries": entries})
    shown = comments(meeting, role, hidden)
    review = open_review(meeting)
    return {
        "meeting_id": meeting.id, "state": meeting.state.value,
        "open": review is not None,
        "round": review.round if review is not None else None,
        "deadline_at": review.deadline_at if review is not None else None,
        "deadline_passed": bool(review is not None and review.deadline_at is not None
                                and clock.now() > review.deadline_at),
        "rounds": rounds,
        "comments": [{
            "id": c.id, "round": c.review.round, "item_id": c.item_id,
            "item_position": items[c.item_id].position if c.item_id in items else None,
            "author": c.author.name if c.author is not None else "",
            "mine": bool(user is not None and c.author_id == user.id),
            "text": c.text, "created_at": c.created_at,
            "resolution": c.resolution.value if c.resolution else None, "reply": c.reply,
            "change": c.change,
            "resolved_by": c.resolved_by.name if c.resolved_by is not None else None,
            "resolved_at": c.resolved_at,
        } for c in shown],
        "unresolved": sum(1 for c in shown if c.resolution is None),
    }
