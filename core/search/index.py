"""Keeping the index in step with the data, in the write's own transaction.

A session hook notes, at each flush, which meeting or proposal a written row belongs to
(an item, its attachment, a minutes entry, a hearing answer …); before the transaction
commits, those meetings and proposals are indexed again from what the database now holds,
inside the same transaction. A write and its index commit together or not at all: nothing
is lost, and a correction or an erasure leaves no stale row (docs/decisions/0030).

The rows a meeting or a proposal gives, and who may read each, are built here:
:func:`meeting_documents` and :func:`proposal_documents`.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from core import clock, storage
from core.extensions import db
from core.search import text as words
from core.search.models import Kind, Level, SearchDocument, SearchGrant
from core.tenancy import all_tenants, tenant_scope

PENDING = "search_pending"
_BUSY = "search_indexing"


# ------------------------------------------------------------------ noticing writes


def _keys_of(obj, session: Session) -> list[tuple]:
    """What a written row asks to be indexed again: ``(kind, tenant_id, id)``, where the
    kind is a root (``meeting``, ``proposal``) or a row that leads to one."""
    from core.annotations.models import Annotation, AnnotationKind
    from core.bodies.models import Body
    from core.documents.models import GeneratedDocument
    from core.identity.models import User
    from core.meetings.models import AgendaItem, Attachment, Meeting, MinutesEntry, MinutesVersion
    from core.proposals.models import (
        Hearing, HearingOrganisation, HearingResponse, Proposal, ProposalAttachment,
        ProposalEvent, ProposalStep,
    )

    t = getattr(obj, "tenant_id", None)
    if isinstance(obj, Meeting):
        return [("meeting", t, obj.id)]
    if isinstance(obj, (AgendaItem, MinutesVersion)):
        return [("meeting", t, obj.meeting_id)]
    if isinstance(obj, (Attachment, MinutesEntry)):
        return [("item", t, obj.item_id)]
    if isinstance(obj, Annotation):  # a comment; a private note is never indexed
        return [("item", t, obj.item_id)] if obj.kind == AnnotationKind.COMMENT else []
    if isinstance(obj, GeneratedDocument):
        return [("attachment", t, obj.attachment_id)] if obj.kind == "rendition" else []
    if isinstance(obj, Proposal):
        return [("proposal", t, obj.id)]
    if isinstance(obj, (ProposalStep, ProposalEvent, ProposalAttachment)):
        return [("proposal", t, obj.proposal_id)]
    if isinstance(obj, Hearing):
        return [("step", t, obj.step_id)]
    if isinstance(obj, (HearingOrganisation, HearingResponse)):
        return [("hearing", t, obj.hearing_id)]
    if isinstance(obj, User) and _changed(obj, "name", "email"):
        return [("user", None, obj.id)]
    if isinstance(obj, Body) and _changed(obj, "name"):
        return [("body", t, obj.id)]
    return []


def _changed(obj, *names: str) -> bool:
    """A stored row whose ``names`` changed in this flush (a new one is in no row yet)."""
    state = sa.inspect(obj)
    if not state.persistent or state.deleted:
        return False
    return any(state.attrs[n].history.has_changes() for n in names)


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, flush_context) -> None:
    pending = session.info.setdefault(PENDING, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, (SearchDocument, SearchGrant)):
            continue
        for key in _keys_of(obj, session):
            if key[2] is not None:
                pending.add(key)


@event.listens_for(Session, "before_commit")
def _index_before_commit(session: Session) -> None:
    apply_pending(session)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def apply_pending(session: Session | None = None) -> int:
    """Index again every meeting and proposal written in this transaction; the number."""
    session = session or db.session
    if session.info.get(_BUSY):
        return 0
    session.info[_BUSY] = True
    done = 0
    try:
        for _ in range(5):  # indexing writes only the index: once more at most
            if session.new or session.dirty or session.deleted:
                session.flush()
            pending = session.info.pop(PENDING, set())
            if not pending:
                break
            for kind, tenant_id, root_id in sorted(_roots(pending), key=lambda r: (r[1], r[0], r[2])):
                with tenant_scope(tenant_id):
                    rebuild(kind, root_id, tenant_id)
                    session.flush()
                done += 1
            session.info.pop(PENDING, None)  # the index's own rows lead nowhere
    finally:
        session.info[_BUSY] = False
    return done


def _roots(pending: set[tuple]) -> set[tuple[str, int, int]]:
    """The meetings and proposals the noted rows belong to: ``(kind, tenant_id, id)``."""
    from core.meetings.models import AgendaItem, Attachment, Meeting
    from core.proposals.models import Hearing, ProposalStep

    roots: set[tuple[str, int, int]] = set()
    for kind, tenant_id, key in pending:
        if kind in ("meeting", "proposal"):
            roots.add((kind, tenant_id, key))
            continue
        if kind == "user":
            with all_tenants():
                rows = db.session.execute(
                    sa.select(SearchDocument.root_kind, SearchDocument.tenant_id, SearchDocument.root_id)
                    .where(SearchDocument.person_ids.like(f"%,{int(key)},%")).distinct()).all()
            roots.update((r.root_kind, r.tenant_id, r.root_id) for r in rows)
            continue
        with tenant_scope(tenant_id):
            if kind == "item":
                found = db.session.scalar(sa.select(AgendaItem.meeting_id).where(AgendaItem.id == key))
                roots.update([("meeting", tenant_id, found)] if found else [])
            elif kind == "attachment":
                found = db.session.scalar(
                    sa.select(AgendaItem.meeting_id).join(Attachment, Attachment.item_id == AgendaItem.id)
                    .where(Attachment.id == key))
                roots.update([("meeting", tenant_id, found)] if found else [])
            elif kind in ("step", "hearing"):
                q = sa.select(ProposalStep.proposal_id)
                q = (q.where(ProposalStep.id == key) if kind == "step" else
                     q.join(Hearing, Hearing.step_id == ProposalStep.id).where(Hearing.id == key))
                found = db.session.scalar(q)
                roots.update([("proposal", tenant_id, found)] if found else [])
            elif kind == "body":
                roots.update(("meeting", tenant_id, m) for m in db.session.scalars(
                    sa.select(Meeting.id).where(Meeting.body_id == key)))
    return roots


# ------------------------------------------------------------------ writing the rows


#: Meetings or proposals indexed in one go (one statement per kind of row, not per root).
BATCH = 200


def rebuild(kind: str, root_id: int, tenant_id: int) -> int:
    """Index one meeting or proposal again (inside its tenant's scope)."""
    return rebuild_many(kind, [root_id], tenant_id)


def rebuild_many(kind: str, root_ids: list[int], tenant_id: int) -> int:
    """Index these meetings or proposals again (inside their tenant's scope): their old
    rows go, the rows they give now are written, a batch at a time. The text of an
    attachment already read is kept. The number of rows written."""
    table, grants_table = SearchDocument.__table__, SearchGrant.__table__
    postgres = db.session.get_bind().dialect.name == "postgresql"
    zone = _zone(tenant_id)
    written = 0
    for at in range(0, len(root_ids), BATCH):
        chunk = sorted(set(root_ids[at:at + BATCH]))
        mine = sa.and_(table.c.tenant_id == tenant_id, table.c.root_kind == kind, table.c.root_id.in_(chunk))
        old_texts = dict(db.session.execute(
            sa.select(table.c.source_sha256, table.c.text).where(
                mine, table.c.kind == Kind.ATTACHMENT.value, table.c.source_sha256.is_not(None))).all())
        db.session.execute(sa.delete(table).where(mine))
        build = meeting_documents if kind == "meeting" else proposal_documents
        rows: list[tuple[dict, list[dict]]] = []
        now = clock.now()
        for root in _load(kind, chunk):
            for doc, grants in build(root, old_texts, zone):
                title = doc["title"][:400]
                doc.update(tenant_id=tenant_id, root_kind=kind, root_id=root.id, title=title,
                           title_key=words.fold(title)[:400], indexed_at=now, vector=None,
                           title_terms=None if postgres else words.terms(title),
                           text_terms=None if postgres else words.terms(doc["text"]))
                rows.append((doc, grants))
        if not rows:
            continue
        ids = db.session.execute(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), [d for d, _ in rows]
        ).scalars().all()
        granted = [{"tenant_id": tenant_id, "document_id": doc_id, "body_id": None, "organisation_id": None,
                    "user_id": None, **g} for doc_id, (_, grants) in zip(ids, rows) for g in grants]
        if granted:
            db.session.execute(sa.insert(grants_table), granted)
        if postgres:  # the danish tsvector, made by PostgreSQL from the row's own columns
            db.session.execute(sa.update(table).where(mine, table.c.vector.is_(None))
                               .values(vector=_pg_vector(table.c.title, table.c.text)))
        written += len(rows)
    return written


def _load(kind: str, ids: list[int]) -> list:
    """The meetings or proposals with what their rows are made of, in a few statements."""
    from sqlalchemy.orm import joinedload, selectinload

    from core.meetings.models import AgendaItem, Meeting, MinutesVersion
    from core.proposals.models import Hearing, Proposal, ProposalStep

    if kind == "meeting":
        return db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(ids)).options(
            joinedload(Meeting.body), selectinload(Meeting.items).selectinload(AgendaItem.attachments),
            selectinload(Meeting.minutes_versions).selectinload(MinutesVersion.entries))).unique().all()
    hearing = selectinload(Proposal.steps).selectinload(ProposalStep.hearing)
    return db.session.scalars(sa.select(Proposal).where(Proposal.id.in_(ids)).options(
        hearing.selectinload(Hearing.asked), hearing.selectinload(Hearing.responses),
        selectinload(Proposal.events), selectinload(Proposal.attachments),
        joinedload(Proposal.proposed_by))).unique().all()


def _pg_vector(title, text):
    danish = sa.cast("danish", postgresql.REGCONFIG)
    return sa.func.setweight(sa.func.to_tsvector(danish, title), sa.literal_column("'A'")).op("||")(
        sa.func.setweight(sa.func.to_tsvector(danish, text), sa.literal_column("'B'")))


def _zone(tenant_id: int):
    from core.tenants.models import Tenant

    return clock.tenant_zone(db.session.get(Tenant, tenant_id))


def _doc(kind: Kind, level: Level, title: str, text: str, **fields) -> dict:
    """A row's values (the columns :func:`rebuild_many` adds aside)."""
    return {"kind": kind.value, "level": int(level), "title": title or "", "text": text or "",
            "is_redacted": False, "is_closed": False, "person_ids": "", "source_sha256": None, "meeting_id": None,
            "item_id": None, "proposal_id": None, "attachment_id": None, "position": None, **fields}


def _join(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _attachment_text(att, old_texts: dict, read) -> str:
    if att.sha256 in old_texts:
        return old_texts[att.sha256]
    try:
        data = read(att)
    except Exception:  # noqa: BLE001 — a file missing from the store gives no text
        return ""
    return words.file_text(data, att.content_type)


def meeting_documents(meeting, old_texts: dict, zone) -> list[tuple[dict, list]]:
    """A meeting's rows: the meeting, each item, the current minutes' entries and each
    attachment, at the level the meeting's state and the item's closure allow
    (CORE-CLOSED-ITEMS: a closed item's content for the members only, its decision's public
    part for the others)."""
    from core.meetings import operations as meetings
    from core.meetings import present
    from core.meetings.models import MeetingState

    body = meeting.body
    local = meeting.starts_at.astimezone(zone)
    happened_at, year = meeting.starts_at, local.year
    common = dict(body_id=body.id, meeting_id=meeting.id, happened_at=happened_at, year=year)
    published = meeting.state in present.PUBLIC_AGENDA_STATES
    open_level = Level.PUBLIC if published else Level.READERS
    rows: list[tuple[dict, list]] = []
    rows.append((_doc(Kind.MEETING, open_level, meeting.title or f"Møde i {body.name}", _join(
        body.name, f"{local.day}. {_MONTHS[local.month - 1]} {local.year}", meeting.location,
        meeting.call_reason, meeting.cancel_reason), **common), []))
    for item in meeting.items:
        level = Level.MEMBERS if item.is_confidential else open_level
        at = dict(common, item_id=item.id, position=item.position, is_closed=item.is_confidential)
        rows.append((_doc(Kind.ITEM, level, item.title, _join(
            item.decision_theme, item.case_text, item.economy, item.recommendation), **at), []))
        if item.is_confidential:  # the others read its public title and § 27 reason only
            rows.append((_doc(Kind.ITEM, open_level, present.public_title(item), "", is_redacted=True, **at), []))
        for att in item.attachments:
            text = _attachment_text(att, old_texts, meetings.read_attachment)
            if not text:
                text = _rendition_text(att)
            rows.append((_doc(Kind.ATTACHMENT, Level.MEMBERS if item.is_confidential else Level.READERS,
                              att.filename, text, attachment_id=att.id, source_sha256=att.sha256
                              if text else None, **at), []))
    rows += _comment_rows(meeting, common)
    version = meetings.current_version(meeting)
    if version is not None:
        # A draft is the members' business; the others read the minutes once sent.
        drafting = meeting.state in (MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED,
                                     MeetingState.IN_SESSION, MeetingState.HELD)
        others = (Level.PUBLIC if present.minutes_are_public(meeting) else
                  None if drafting else Level.READERS)
        items = {i.id: i for i in meeting.items}
        for entry in version.entries:
            item = items.get(entry.item_id)
            if item is None:
                continue
            at = dict(common, item_id=item.id, position=item.position, is_closed=item.is_confidential)
            full = _join(entry.decision, entry.explanation)
            if not item.is_confidential:
                rows.append((_doc(Kind.MINUTES, others if others is not None else Level.MEMBERS,
                                  item.title, full, **at), []))
                continue
            rows.append((_doc(Kind.MINUTES, Level.MEMBERS, item.title, full, **at), []))
            if others is not None and entry.public_decision.strip():
                rows.append((_doc(Kind.MINUTES, others, present.public_title(item), entry.public_decision,
                                  is_redacted=True, **at), []))
    return rows


def _comment_rows(meeting, common: dict) -> list[tuple[dict, list]]:
    """The members' comments on the meeting's items (core/annotations): for the body's
    members and its secretariat only (``Level.MEMBERS``, as a closed item's content,
    CORE-CLOSED-ITEMS), never a private note, never a removed or erased comment's text."""
    from core.annotations.models import Annotation, AnnotationKind
    from core.identity.models import User

    items = {i.id: i for i in meeting.items}
    found = db.session.execute(
        sa.select(Annotation.item_id, Annotation.text, Annotation.author_id, User.name)
        .outerjoin(User, User.id == Annotation.author_id)
        .where(Annotation.meeting_id == meeting.id, Annotation.kind == AnnotationKind.COMMENT,
               Annotation.removed_at.is_(None)).order_by(Annotation.id)).all()
    rows = []
    for item_id, text, author_id, name in found:
        item = items.get(item_id)
        if item is None or not text.strip():
            continue
        at = dict(common, item_id=item.id, position=item.position, is_closed=item.is_confidential)
        rows.append((_doc(Kind.COMMENT, Level.MEMBERS, item.title, _join(text, name or ""),
                          person_ids=f",{author_id}," if author_id else "", **at), []))
    return rows


_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
           "oktober", "november", "december")


def _rendition_text(att) -> str:
    """An Office file whose own text could not be read: its PDF rendition's, once made."""
    from core.documents import operations as documents

    if att.content_type not in documents.OFFICE_TYPES:
        return ""
    made = documents.rendition(att)
    return words.file_text(documents.content(made), "application/pdf") if made is not None else ""


def proposal_documents(proposal, old_texts: dict, zone) -> list[tuple[dict, list]]:
    """A proposal's rows: the proposal with its history, each hearing answer and each
    attachment, for those who may follow the proposal (its proposer, the members of the
    bodies on its route, the organisations asked in its hearing, the secretariat)."""
    happened_at, year = proposal.created_at, proposal.created_at.astimezone(zone).year
    common = dict(body_id=proposal.origin_body_id, proposal_id=proposal.id, happened_at=happened_at, year=year)
    bodies = {proposal.origin_body_id, *(s.body_id for s in proposal.steps if s.body_id is not None)}
    hearings = [s.hearing for s in proposal.steps if s.hearing is not None]
    organisations = {a.organisation_id for h in hearings for a in h.asked}

    def grants() -> list[dict]:
        out = [{"body_id": b} for b in sorted(bodies)]
        out += [{"organisation_id": o} for o in sorted(organisations)]
        if proposal.proposed_by_id is not None:
            out.append({"user_id": proposal.proposed_by_id})
        return out

    proposer = proposal.proposed_by
    rows = [(_doc(Kind.PROPOSAL, Level.GRANTED, proposal.title, _join(
        proposal.text, proposal.decision_sought, proposer.name if proposer else "",
        proposal.route_reason, *(s.decision_text for s in proposal.steps),
        *(e.message for e in proposal.events)), person_ids=_people(proposer), **common), grants())]
    for hearing in hearings:
        for response in hearing.responses:
            by = response.responded_by
            rows.append((_doc(Kind.HEARING_ANSWER, Level.GRANTED,
                              f"Høringssvar fra {response.organisation.name}",
                              _join(response.text, by.name if by else ""),
                              person_ids=_people(by), **common), grants()))
    for att in proposal.attachments:
        text = _attachment_text(att, old_texts, lambda a: storage.read(a.sha256))
        rows.append((_doc(Kind.ATTACHMENT, Level.GRANTED, att.filename, text, attachment_id=att.id,
                          source_sha256=att.sha256 if text else None, **common), grants()))
    return rows


def _people(*users) -> str:
    ids = [str(u.id) for u in users if u is not None]
    return f",{','.join(ids)}," if ids else ""


# ------------------------------------------------------------------ everything again


def reindex(tenant_ids: list[int] | None = None, *, missing_only: bool = False) -> int:
    """Index every meeting and proposal (of the given tenants) again, or only those with no
    row yet; commits per tenant. The number of meetings and proposals indexed."""
    from core.meetings.models import Meeting
    from core.proposals.models import Proposal
    from core.tenants.models import Tenant

    with all_tenants():
        tenants = db.session.scalars(sa.select(Tenant.id).order_by(Tenant.id)).all()
    done = 0
    for tenant_id in tenants:
        if tenant_ids is not None and tenant_id not in tenant_ids:
            continue
        with tenant_scope(tenant_id):
            have = set() if not missing_only else set(db.session.execute(
                sa.select(SearchDocument.root_kind, SearchDocument.root_id).distinct()).all())
            for kind, model in (("meeting", Meeting), ("proposal", Proposal)):
                ids = [i for i in db.session.scalars(sa.select(model.id).order_by(model.id))
                       if (kind, i) not in have]
                rebuild_many(kind, ids, tenant_id)
                done += len(ids)
            db.session.commit()
    return done
