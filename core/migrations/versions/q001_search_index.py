"""the search index: a row per piece of text each reader class may read, who may read the
granted ones; PostgreSQL's weighted tsvector (``danish``) behind a GIN index, SQLite's FTS5
table of Danish stems kept by triggers (docs/decisions/0030-search-index-and-danish-stems.md)

Both tables are tenant-scoped and behind the row-level security policy. The rows are built
from the data by ``kommissorium search reindex`` (which ``kommissorium demo`` runs for what
has none); from then on each write indexes what it changed, in its own transaction.

Revision ID: q001
Revises: n002
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from core.tenancy import disable_row_level_security, enable_row_level_security

# revision identifiers, used by Alembic.
revision = "q001"
down_revision = "n002"
branch_labels = None
depends_on = None

#: SQLite: FTS5 over the stems in ``search_documents`` (external content: no second copy),
#: kept by triggers so every writer of the table (a restore, the tests' snapshots) keeps it.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, text_terms, content='search_documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title_terms, text_terms) VALUES (new.id, new.title_terms, new.text_terms); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, text_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.text_terms); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, text_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.text_terms); "
    "INSERT INTO search_fts(rowid, title_terms, text_terms) VALUES (new.id, new.title_terms, new.text_terms); END",
]


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("root_kind", sa.String(length=16), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("is_redacted", sa.Boolean(), nullable=False),
        sa.Column("is_closed", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("title_key", sa.String(length=400), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("person_ids", sa.String(length=400), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("vector", postgresql.TSVECTOR() if postgres else sa.Text(), nullable=True),
        sa.Column("title_terms", sa.Text(), nullable=True),
        sa.Column("text_terms", sa.Text(), nullable=True),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_search_documents_tenant_id_tenants"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_documents_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_documents_body_id"), ["body_id"], unique=False)
        batch_op.create_index("ix_search_documents_tenant_root", ["tenant_id", "root_kind", "root_id"],
                              unique=False)
        batch_op.create_index("ix_search_documents_vector", ["vector"], unique=False,
                              postgresql_using="gin")
    op.create_table(
        "search_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_search_grants_tenant_id_tenants"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["search_documents.id"],
                                name=op.f("fk_search_grants_document_id_search_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_grants")),
    )
    with op.batch_alter_table("search_grants", schema=None) as batch_op:
        for column in ("tenant_id", "document_id", "body_id", "organisation_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_search_grants_{column}"), [column], unique=False)
    enable_row_level_security(op, "search_documents")
    enable_row_level_security(op, "search_grants")
    if not postgres:
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        for name in ("search_documents_au", "search_documents_ad", "search_documents_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    disable_row_level_security(op, "search_grants")
    disable_row_level_security(op, "search_documents")
    op.drop_table("search_grants")
    op.drop_table("search_documents")
