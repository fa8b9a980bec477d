"""Migration f002 moves the files an installation already has into the one store, on
SQLite (the local store) and on PostgreSQL (the database store): agenda attachments from
the old folder, proposal attachments and generated PDFs from their columns. Each is checked
against its checksum; a damaged one stops the migration before anything is written; the
old columns keep their data (docs/decisions/0046-one-store-for-files.md)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core import storage
from core.extensions import db
from core.schema import include_name
from tests.documents.conftest import MEMBER, SEC, T, png

BEFORE = "l001"


def _rows(sql: str) -> list:
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT set_config('app.bypass_rls', 'on', false)"))
        return [tuple(r) for r in conn.execute(sa.text(sql)).all()]


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_every_existing_file_is_moved_into_the_store_and_checked(seeded, api, app, tmp_path, monkeypatch):
    from flask_migrate import downgrade, upgrade

    old_dir = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(old_dir))
    agenda = api(MEMBER, T).client.get(f"/{T}/moeder/{seeded['meeting']}/dagsorden.pdf").data
    member = api(MEMBER, T)
    proposal = member.post("proposals", json={"body": "gruppe", "title": "Legehus", "text": "Se tegningen",
                                              "decision_sought": "Anbefaling"}).get_json()
    drawing = member.post(f"proposals/{proposal['id']}/attachments", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(png() + b"\x00rev2"), "tegning.png")})
    assert drawing.status_code == 201, drawing.get_json()
    files = {a["sha256"]: storage.read(a["sha256"]) for a in seeded["attachments"]}  # PDF, PNG, Word
    files[storage.key_of(agenda)] = agenda
    files[drawing.get_json()["sha256"]] = png() + b"\x00rev2"
    tenant_id = _rows("SELECT tenant_id FROM attachments")[0][0]
    db.session.remove()

    downgrade(revision=BEFORE)  # an installation as it was: bilag on disk, the rest in columns
    try:
        assert "file_contents" not in _tables()
        for a in seeded["attachments"]:
            assert (old_dir / str(tenant_id) / a["sha256"][:2] / a["sha256"]).read_bytes() == files[a["sha256"]]
        assert _rows("SELECT content FROM generated_documents") == [(agenda,)]
        assert [bytes(c) for (c,) in _rows("SELECT content FROM proposal_attachments")] == [png() + b"\x00rev2"]
        new_store = tmp_path / "new-store"  # the store it migrates into is empty
        monkeypatch.setitem(app.config, "FILE_STORE_DIR", str(new_store))

        word = seeded["attachments"][2]
        damaged = old_dir / str(tenant_id) / word["sha256"][:2] / word["sha256"]
        damaged.write_bytes(files[word["sha256"]].replace(b"Personalesagen", b"Personalesagan"))
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            upgrade(revision="heads")
        db.session.remove()
        assert _rows("SELECT version_num FROM alembic_version") == [(BEFORE,)]
        assert "file_contents" not in _tables() and not list(Path(new_store).rglob("*"))
        damaged.write_bytes(files[word["sha256"]])
    finally:
        upgrade(revision="heads")

    for key, data in files.items():
        assert storage.read(key) == data
    assert _rows("SELECT content FROM generated_documents") == [(agenda,)]  # the old column kept
    sec = api(SEC, T)
    for a in seeded["attachments"]:
        got = sec.get(f"attachments/{a['id']}")
        assert got.status_code == 200 and got.data == files[a["sha256"]]
    got = sec.get(f"proposals/{proposal['id']}/attachments/{drawing.get_json()['id']}")
    assert got.status_code == 200 and got.headers["Content-Type"] == "image/png"
    again = api(MEMBER, T).client.get(f"/{T}/moeder/{seeded['meeting']}/dagsorden.pdf")
    assert again.data == agenda
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}),
                                db.metadata)
    assert diff == []
