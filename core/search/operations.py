"""The search: one interface over PostgreSQL full-text search and SQLite FTS5, behind the
walls reading has (docs/decisions/0030-search-index-and-danish-stems.md).

:func:`reader_for` works out, once per search, what a person may read in each body (by
the one policy, :func:`core.identity.permissions.role_in_body`); :func:`visible` turns that
into a condition on the index's rows; :func:`search` ranks what matches (a title that *is*
the query first, then a hit in the title, then the backend's rank, the newest first) and
gives each hit a snippet cut from its own row's text, which its reader may read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from core.extensions import db
from core.search import index
from core.search import text as words
from core.search.models import Kind, Level, SearchDocument, SearchGrant
from core.tenancy import all_tenants, tenant_scope

#: A result page at most.
MAX_PER_PAGE = 50


@dataclass
class Reader:
    """What one reader may read, per tenant and body."""

    #: A platform administrator: every tenant's full rows.
    everything: bool = False
    #: Tenants whose secretariat the reader is: every row there.
    admin_tenants: set[int] = field(default_factory=set)
    #: Bodies where the reader is a member (or its secretary): closed items too.
    member_bodies: set[int] = field(default_factory=set)
    #: Bodies whose material the reader's organisation receives (CORE-INFORMATION-RECIPIENTS).
    reader_bodies: set[int] = field(default_factory=set)
    #: The organisations the reader acts for (a hearing's asked organisations).
    organisation_ids: set[int] = field(default_factory=set)
    #: The reader (a proposal's proposer).
    user_id: int | None = None
    #: Closed items the reader stands disqualified on (CORE-DISQUALIFIED): of those they
    #: read what a non-member reads, the public title and decision.
    disqualified_items: set[int] = field(default_factory=set)

    def level_in(self, tenant_id: int, body_id: int) -> Level:
        if self.everything or tenant_id in self.admin_tenants or body_id in self.member_bodies:
            return Level.MEMBERS
        return Level.READERS if body_id in self.reader_bodies else Level.PUBLIC


#: The public: published agendas and final minutes only.
PUBLIC = Reader()


def reader_for(user) -> Reader:
    """What ``user`` may read: their bodies' roles as :func:`role_in_body` gives them."""
    from core.bodies.models import Body, BodyRecipient, Seat, SeatHolding
    from core.identity.permissions import Role, role_in_body
    from core.tenants.models import TenantAdmin

    if user is None:
        return PUBLIC
    if user.is_platform_admin:
        return Reader(everything=True, user_id=user.id)
    orgs = {a.organisation_id for a in user.affiliations}
    with all_tenants():
        admin = set(db.session.scalars(sa.select(TenantAdmin.tenant_id).where(TenantAdmin.user_id == user.id)))
        candidates = set(db.session.scalars(  # any holding: the body's role decides below
            sa.select(Seat.body_id).join(SeatHolding, SeatHolding.seat_id == Seat.id)
            .where(SeatHolding.holder_id == user.id)))
        if orgs:
            candidates |= set(db.session.scalars(
                sa.select(BodyRecipient.body_id).where(BodyRecipient.organisation_id.in_(orgs))))
        bodies = db.session.scalars(sa.select(Body).where(Body.id.in_(candidates))).all() if candidates else []
    reader = Reader(admin_tenants=admin, organisation_ids=orgs, user_id=user.id)
    from core.meetings.models import Disqualification

    with all_tenants():
        reader.disqualified_items = set(db.session.scalars(sa.select(Disqualification.item_id).where(
            Disqualification.person_id == user.id, Disqualification.withdrawn_at.is_(None))))
    for body in bodies:
        if body.tenant_id in admin:
            continue
        with tenant_scope(body.tenant_id):
            role = role_in_body(user, body)
        if role >= Role.MEMBER:
            reader.member_bodies.add(body.id)
        elif role >= Role.INFORMATION_RECIPIENT:
            reader.reader_bodies.add(body.id)
    return reader


def visible(reader: Reader):
    """The rows ``reader`` may read, as a condition on :class:`SearchDocument`."""
    d = SearchDocument
    if reader.everything:
        return ~d.is_redacted
    full = sa.or_(d.tenant_id.in_(reader.admin_tenants), d.body_id.in_(reader.member_bodies))
    granted = sa.select(SearchGrant.document_id).where(sa.or_(
        SearchGrant.body_id.in_(reader.member_bodies),
        SearchGrant.organisation_id.in_(reader.organisation_ids),
        SearchGrant.user_id == (reader.user_id if reader.user_id is not None else -1),
    ))
    if reader.disqualified_items:  # CORE-DISQUALIFIED: such an item as a non-member reads it
        barred = sa.and_(d.is_closed, d.item_id.in_(reader.disqualified_items))
        full_rows = sa.or_(sa.and_(~d.is_redacted, ~barred), sa.and_(d.is_redacted, barred))
    else:
        full_rows = ~d.is_redacted
    return sa.or_(
        sa.and_(full, full_rows),
        sa.and_(~full, d.level == int(Level.PUBLIC)),
        sa.and_(~full, d.body_id.in_(reader.reader_bodies), d.level == int(Level.READERS)),
        sa.and_(~full, d.level == int(Level.GRANTED), d.id.in_(granted)),
    )


@dataclass
class Filters:
    """What a search is narrowed to."""

    tenant_ids: list[int] | None = None
    body_ids: list[int] | None = None
    year: int | None = None
    kind: str | None = None


def _filtered(q, filters: Filters):
    d = SearchDocument
    if filters.tenant_ids is not None:
        q = q.where(d.tenant_id.in_(filters.tenant_ids))
    if filters.body_ids is not None:
        q = q.where(d.body_id.in_(filters.body_ids))
    if filters.year is not None:
        q = q.where(d.year == filters.year)
    if filters.kind is not None:
        q = q.where(d.kind == filters.kind)
    return q


def _matching(roots: list[str], query: str):
    """The backend's match condition and its ordering, best first."""
    d = SearchDocument
    exact = sa.case((d.title_key == words.fold(query)[:400], 1), else_=0)
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = sa.func.to_tsquery(sa.cast("simple", postgresql.REGCONFIG),
                                     " & ".join(f"'{r}':*" for r in roots))
        in_title = sa.func.ts_rank(sa.literal_column("'{0,0,0,1}'::real[]"), d.vector, tsquery)
        rank = sa.func.ts_rank(d.vector, tsquery)
        return (d.vector.op("@@")(tsquery), None,
                [exact.desc(), (in_title > 0).desc(), rank.desc()])
    fts = sa.table("search_fts", sa.column("rowid"))
    match = " AND ".join(f'"{r}"*' for r in roots)
    in_title = sa.and_(*[sa.func.instr(" " + sa.func.coalesce(d.title_terms, ""), " " + r) > 0 for r in roots])
    rank = sa.func.bm25(sa.literal_column("search_fts"), 10.0, 1.0)
    return (sa.literal_column("search_fts").op("MATCH")(match), fts,
            [exact.desc(), sa.case((in_title, 1), else_=0).desc(), rank.asc()])


@dataclass
class Page:
    query: str
    total: int
    page: int
    per_page: int
    results: list[dict]


def search(query: str, reader: Reader, filters: Filters | None = None, *, page: int = 1,
           per_page: int = 20, links=None) -> Page:
    """The rows ``reader`` may read that match every word of ``query``, ranked, with
    snippets; ``links(row, level)`` gives a hit its page."""
    filters = filters or Filters()
    roots = words.query_roots(query)
    if not roots:
        return Page(query, 0, page, per_page, [])
    index.apply_pending(db.session)  # what this transaction wrote is found too
    d = SearchDocument
    condition, fts, order = _matching(roots, query)
    with all_tenants():  # the walls are :func:`visible`'s, per row
        base = sa.select(d.id)
        if fts is not None:
            base = base.select_from(fts).join(d, d.id == fts.c.rowid)
        base = _filtered(base.where(condition, visible(reader)), filters)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
        ids = db.session.scalars(base.order_by(*order, d.happened_at.desc(), d.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)).all()
        rows = {r.id: r for r in db.session.scalars(sa.select(d).where(d.id.in_(ids)))} if ids else {}
        names = _names(rows.values())
        results = [_result(rows[i], roots, reader, links, names) for i in ids if i in rows]
    return Page(query, total, page, per_page, results)


def _names(rows) -> dict:
    """The hits' tenants and bodies, in two statements for the page."""
    from core.bodies.models import Body
    from core.tenants.models import Tenant

    rows = list(rows)
    if not rows:
        return {}
    tenants = {t.id: t for t in db.session.scalars(sa.select(Tenant).where(Tenant.id.in_({r.tenant_id for r in rows})))}
    bodies = {b.id: b for b in db.session.scalars(sa.select(Body).where(Body.id.in_({r.body_id for r in rows})))}
    return {"tenants": tenants, "bodies": bodies}


def _result(row: SearchDocument, roots: list[str], reader: Reader, links, names: dict) -> dict:
    tenant, body = names["tenants"][row.tenant_id], names["bodies"][row.body_id]
    level = reader.level_in(row.tenant_id, row.body_id)
    return {
        "kind": row.kind, "title": row.title,
        "snippet": words.snippet(row.text, roots) if row.text else "",
        "tenant": tenant.slug, "tenant_name": tenant.name, "body": body.key, "body_name": body.name,
        "year": row.year, "date": row.happened_at, "is_confidential": row.is_closed,
        "meeting_id": row.meeting_id, "item_id": row.item_id, "proposal_id": row.proposal_id,
        "attachment_id": row.attachment_id,
        "url": links(row, tenant.slug, level) if links else None,
    }


def page_url(row: SearchDocument, slug: str, level: Level) -> str:
    """The page a hit opens: the meeting (the public one for the public), the item on it,
    the proposal, the attachment."""
    if row.proposal_id is not None:
        if row.kind == Kind.ATTACHMENT.value:
            return f"/{slug}/forslag/{row.proposal_id}/bilag/{row.attachment_id}"
        return f"/{slug}/forslag/{row.proposal_id}"
    if row.kind == Kind.ATTACHMENT.value:
        return f"/{slug}/bilag/{row.attachment_id}"
    if row.kind == Kind.COMMENT.value:  # the comments under the item on the meeting page
        return f"/{slug}/moeder/{row.meeting_id}#noter-{row.item_id}"
    base = (f"/{slug}/moeder/{row.meeting_id}" if level >= Level.READERS
            else f"/{slug}/offentlig/moeder/{row.meeting_id}")
    return base + (f"#punkt-{row.item_id}" if row.item_id is not None and level >= Level.READERS else "")


class UnknownFilter(LookupError):
    """A filter names a tenant or body that does not exist."""

    def __init__(self, field: str, value: str):
        super().__init__(field, value)
        self.field, self.value = field, value


def filters_for(args: dict, tenant_id: int | None = None) -> Filters:
    """The filters of a query (``tenant`` slug, ``body`` key, ``year``, ``kind``); a fixed
    ``tenant_id`` for a tenant's own search. Raises :class:`UnknownFilter`."""
    filters = Filters(year=args.get("year"), kind=args.get("kind"))
    if tenant_id is not None:
        filters.tenant_ids = [tenant_id]
    elif args.get("tenant"):
        found = tenant_ids([args["tenant"]])
        if not found:
            raise UnknownFilter("tenant", args["tenant"])
        filters.tenant_ids = list(found.values())
    if args.get("body"):
        filters.body_ids = body_ids(args["body"], filters.tenant_ids)
        if not filters.body_ids:
            raise UnknownFilter("body", args["body"])
    return filters


def tenant_ids(slugs: list[str]) -> dict[str, int]:
    from core.tenants.models import Tenant

    return dict(db.session.execute(sa.select(Tenant.slug, Tenant.id).where(Tenant.slug.in_(slugs))).all())


def body_ids(key: str, tenant_ids_: list[int] | None) -> list[int]:
    from core.bodies.models import Body

    with all_tenants():
        q = sa.select(Body.id).where(Body.key == key)
        if tenant_ids_ is not None:
            q = q.where(Body.tenant_id.in_(tenant_ids_))
        return list(db.session.scalars(q))


def years(reader: Reader, tenant_id: int | None = None) -> list[int]:
    """The years the reader's rows span, newest first (the page's year filter)."""
    with all_tenants():
        q = sa.select(SearchDocument.year).where(visible(reader)).distinct().order_by(SearchDocument.year.desc())
        if tenant_id is not None:
            q = q.where(SearchDocument.tenant_id == tenant_id)
        return list(db.session.scalars(q))
