"""The search index: what each reader class may find, one row per piece of text.

A closed item (forvaltningsloven § 27) gives a row for the members and, where the public
may read its decision without the confidential part, a second, *redacted* row with only
that part: a search reads the rows its reader may read, so neither a hit nor a snippet can
come from text the reader may not see (docs/decisions/0030-search-index-and-danish-stems.md).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import UTCDateTime, utcnow
from core.tenancy import TenantScoped


class Kind(enum.Enum):
    """What a hit is."""

    MEETING = "meeting"
    ITEM = "item"
    MINUTES = "minutes"
    PROPOSAL = "proposal"
    HEARING_ANSWER = "hearing_answer"
    ATTACHMENT = "attachment"
    #: A member's comment on an item (core/annotations); private notes are never indexed.
    COMMENT = "comment"


class Level(enum.IntEnum):
    """The least a reader needs in the row's body to read it."""

    #: Anyone: a published agenda, final minutes (without the confidential part).
    PUBLIC = 0
    #: The body's information recipients and up (CORE-INFORMATION-RECIPIENTS): its material that is not closed.
    READERS = 1
    #: The body's members and secretariat: closed items (CORE-CLOSED-ITEMS), draft minutes.
    MEMBERS = 2
    #: Those the row's grants name, and the tenant's secretariat: a proposal, its hearing.
    GRANTED = 3


#: PostgreSQL's tsvector (weighted: A the title, B the text); unused on SQLite, whose FTS5
#: table (migration q001) reads ``title_terms`` and ``text_terms``.
Vector = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")


class SearchDocument(TenantScoped, db.Model):
    """One searchable piece of text as one reader class may read it."""

    __tablename__ = "search_documents"
    __table_args__ = (
        sa.Index("ix_search_documents_tenant_root", "tenant_id", "root_kind", "root_id"),
        sa.Index("ix_search_documents_vector", "vector", postgresql_using="gin"),
    )

    #: Primary key (the FTS5 table's rowid on SQLite).
    id: Mapped[int] = mapped_column(primary_key=True)
    #: What it is: a meeting, an item, minutes, a proposal, a hearing answer, an attachment.
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    #: What it is rebuilt with: ``meeting`` or ``proposal``.
    root_kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    #: The meeting's or the proposal's id.
    root_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: The body it belongs to (a proposal: the body it was raised in). No foreign key: the
    #: index is no history of the body's (core/tenants/history.py counts what refers to a
    #: body), and a body with meetings or proposals is never deleted.
    body_id: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    #: The meeting, for a meeting's pieces.
    meeting_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: The agenda item, for an item, its minutes and its attachments.
    item_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: The proposal, for a proposal's pieces.
    proposal_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: The attachment (of an item or of a proposal).
    attachment_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: The item's place on the agenda, for the link to it.
    position: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: When: the meeting's start, the proposal's start.
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: The year of ``happened_at`` in Danish time, for the year filter.
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: The least a reader needs in the body (:class:`Level`).
    level: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    #: A closed item's public part: for readers below :attr:`Level.MEMBERS` only, who do
    #: not read the full row.
    is_redacted: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: A closed item's piece (its content for the members, or its public part).
    is_closed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: The heading shown for the hit.
    title: Mapped[str] = mapped_column(sa.String(400), nullable=False)
    #: The heading folded (lower case, single spaces): an exact title ranks first.
    title_key: Mapped[str] = mapped_column(sa.String(400), nullable=False)
    #: The text searched and shown in snippets.
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The people whose names the text holds (``,3,17,``): rebuilt when one is erased.
    person_ids: Mapped[str] = mapped_column(sa.String(400), nullable=False, default="")
    #: For an attachment: the SHA-256 of the file its text was read from.
    source_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    #: PostgreSQL: the weighted tsvector of the ``danish`` configuration.
    vector: Mapped[str | None] = mapped_column(Vector, nullable=True)
    #: SQLite: the title's Danish stems, for FTS5.
    title_terms: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: SQLite: the text's Danish stems, for FTS5.
    text_terms: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: When the row was written.
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SearchGrant(TenantScoped, db.Model):
    """Who may read a :attr:`Level.GRANTED` row besides the tenant's secretariat: the
    members of a body, those who act for an organisation, one person."""

    __tablename__ = "search_grants"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The row granted.
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("search_documents.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The members of this body (and its secretary).
    body_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True, index=True)
    #: Those who act for this organisation (an organisation asked in a hearing).
    organisation_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True, index=True)
    #: This person (the proposer).
    user_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True, index=True)
