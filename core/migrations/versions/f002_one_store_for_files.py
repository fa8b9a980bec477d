"""one store for files: the ``file_contents`` table, and every existing file copied into
the configured store (core/storage.py)

Copied, each checked against its SHA-256 before anything is written, again as it is stored,
and read back from the store after: agenda attachments from the folder they were kept in (``ATTACHMENTS_DIR``, default
``instance/attachments``, ``<tenant>/<sha[:2]>/<sha>``), proposal attachments from
``proposal_attachments.content``, generated PDFs and renditions from
``generated_documents.content``. A content whose bytes do not match its checksum stops the
migration before it writes anything, naming the row. Nothing is half-written: on
PostgreSQL the whole migration is one transaction; a local store writes each file whole or
not at all under its checksum, and the table is made only if missing, so a second run
takes up where a first stopped. An attachment whose file is
already missing from the old folder has nothing to copy; it is logged and left as it was
(its download was already failing).

Nothing is dropped: the two ``content`` columns stay, with their data, and become nullable
(new rows leave them empty); the old folder is left as it was
(docs/decisions/0046-one-store-for-files.md). Downgrade writes back what only the store
holds (the columns of rows made since, and the attachment files) and drops the table.

Revision ID: f002
Revises: l001
Create Date: 2026-12-07

"""
import hashlib
import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "f002"
down_revision = "l001"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.f002")

#: The tables whose ``content`` column held a file, and what to call a row of each.
COLUMNS = (("proposal_attachments", "proposal attachment"), ("generated_documents", "generated document"))


def _bypass_rls():
    if op.get_bind().dialect.name == "postgresql":  # every tenant's rows (core/tenancy.py)
        op.execute("SELECT set_config('app.bypass_rls', 'on', true)")


def _store():
    from core import storage

    return storage.store(op.get_bind)


def _old_attachments_dir() -> Path:
    configured = current_app.config.get("ATTACHMENTS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "attachments"


def _files(bind, old_dir: Path):
    """(what, checksum, bytes) of every file to move, one in memory at a time."""
    for att_id, tenant_id, sha256 in bind.execute(sa.text(
            "SELECT id, tenant_id, sha256 FROM attachments ORDER BY id")).all():
        path = old_dir / str(tenant_id) / sha256[:2] / sha256
        if path.is_file():
            yield f"attachment {att_id} ({path})", sha256, path.read_bytes()
        else:
            yield f"attachment {att_id} ({path})", sha256, None
    for table, what in COLUMNS:
        for row_id in bind.execute(sa.text(f"SELECT id FROM {table} ORDER BY id")).scalars().all():  # noqa: S608
            sha256, data = bind.execute(sa.text(
                f"SELECT sha256, content FROM {table} WHERE id = :id"), {"id": row_id}).one()  # noqa: S608
            yield f"{what} {row_id}", sha256, None if data is None else bytes(data)


def _check(what: str, sha256: str, data: bytes) -> None:
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RuntimeError(f"f002: {what} does not match its checksum {sha256}; nothing was moved. "
                           "Restore the file (or correct the row) and run the migration again.")


def upgrade():
    _bypass_rls()
    bind = op.get_bind()
    old_dir = _old_attachments_dir()
    # First every file is read and checked, before anything is written: a file that does
    # not match its checksum stops the migration here, on any database.
    for what, sha256, data in _files(bind, old_dir):
        if data is not None:
            _check(what, sha256, data)
    if not sa.inspect(bind).has_table("file_contents"):
        op.create_table(
            "file_contents",
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("size_bytes", sa.BigInteger(), nullable=False),
            sa.Column("content", sa.LargeBinary(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("sha256", name=op.f("pk_file_contents")),
        )
    store = _store()
    moved = missing = 0
    for what, sha256, data in _files(bind, old_dir):
        if data is None:
            if what.startswith("attachment ") and not store.exists(sha256):
                missing += 1
                log.warning("f002: %s has no file; nothing to copy", what)
            continue
        _check(what, sha256, data)
        if store.put(data) != sha256 or store.read(sha256) != data:
            raise RuntimeError(f"f002: {what} could not be read back from the store")
        moved += 1
    log.info("f002: %s files checked and in the %s store; %s attachments had no file", moved,
             store.name, missing)
    for table, _what in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    _bypass_rls()
    bind = op.get_bind()
    store = _store()
    for table, _what in COLUMNS:
        ids = bind.execute(sa.text(
            f"SELECT id FROM {table} WHERE content IS NULL ORDER BY id")).scalars().all()  # noqa: S608
        for row_id in ids:
            sha256 = bind.execute(sa.text(f"SELECT sha256 FROM {table} WHERE id = :id"),  # noqa: S608
                                  {"id": row_id}).scalar_one()
            bind.execute(sa.text(f"UPDATE {table} SET content = :c WHERE id = :id"),  # noqa: S608
                         {"c": store.read(sha256), "id": row_id})
    old_dir = _old_attachments_dir()
    for tenant_id, sha256 in bind.execute(sa.text("SELECT DISTINCT tenant_id, sha256 FROM attachments")).all():
        path = old_dir / str(tenant_id) / sha256[:2] / sha256
        if not path.is_file() and store.exists(sha256):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(store.read(sha256))
            tmp.replace(path)
    for table, _what in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_table("file_contents")
