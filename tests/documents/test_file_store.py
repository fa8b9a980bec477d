"""The one store for files (core/storage.py): the same tests for both backends (a local
folder, the shared database's ``file_contents``), then an upload made through the
application: stored once however often it is attached, served with the type sniffed from
its content (docs/documents.md, "One store for files")."""

from __future__ import annotations

import hashlib
import io

import pytest
import sqlalchemy as sa

from core import storage
from core.extensions import db
from tests.documents.conftest import MEMBER, SEC, T, png, two_page_pdf, upload
from tests.fixtures.files import corrupt_stored

DATA = "%PDF-1.4 Referat fra bestyrelsesmødet\n".encode() * 40


@pytest.fixture(params=["local", "database"])
def backend(request, app, tmp_path):
    if request.param == "local":
        return storage.LocalStore(tmp_path / "store")
    return storage.DatabaseStore()


def _stored_copies(backend, key: str) -> int:
    if isinstance(backend, storage.LocalStore):
        return len([p for p in backend.root.rglob("*") if p.is_file()])
    return db.session.scalar(sa.select(sa.func.count()).select_from(storage.FileContent)
                             .where(storage.FileContent.sha256 == key))


def test_a_content_is_stored_under_its_sha256_and_read_back(backend):
    key = backend.put(DATA)
    assert key == hashlib.sha256(DATA).hexdigest()
    assert backend.read(key) == DATA
    assert backend.exists(key) and backend.size(key) == len(DATA)


def test_the_same_content_put_twice_is_stored_once(backend):
    assert backend.put(DATA) == backend.put(DATA)
    assert _stored_copies(backend, storage.key_of(DATA)) == 1


def test_a_content_is_read_in_chunks(backend, monkeypatch):
    monkeypatch.setattr(storage, "CHUNK", 100)
    key = backend.put(DATA)
    chunks = list(backend.open(key))
    assert len(chunks) == -(-len(DATA) // 100) and all(len(c) <= 100 for c in chunks)
    assert b"".join(chunks) == DATA


def test_a_missing_content_is_damaged_not_empty(backend):
    key = hashlib.sha256(b"aldrig gemt").hexdigest()
    assert not backend.exists(key) and backend.size(key) is None
    with pytest.raises(storage.Damaged):
        backend.read(key)
    with pytest.raises(storage.Damaged):
        backend.open(key)


def test_a_changed_byte_is_detected_on_reading(backend):
    key = backend.put(DATA)
    changed = DATA.replace(b"Referat", b"REferat", 1)
    if isinstance(backend, storage.LocalStore):
        backend.path(key).write_bytes(changed)
    else:
        db.session.execute(sa.update(storage.FileContent).where(storage.FileContent.sha256 == key)
                           .values(content=changed))
    with pytest.raises(storage.Damaged, match="checksum"):
        backend.read(key)


def test_the_local_store_takes_only_keys_as_names(tmp_path):
    local = storage.LocalStore(tmp_path / "store")
    for bad in ("../../etc/passwd", "A" * 64, "ab"):
        with pytest.raises(ValueError):
            local.path(bad)
    local.put(DATA)
    assert not [p for p in (tmp_path / "store").rglob("*.part")]  # written whole, then renamed


def test_the_database_store_writes_with_the_row_that_refers_to_it(app):
    """A rolled-back upload leaves no content behind (the transaction is the request's)."""
    key = storage.DatabaseStore().put(DATA)
    db.session.rollback()
    assert not storage.DatabaseStore().exists(key)


def test_the_backend_is_chosen_by_setting_or_by_database(app, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORE", "")
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", "sqlite:///x.db")
    assert storage.backend_name() == "local"
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", "postgresql://db/kommissorium")
    assert storage.backend_name() == "database"
    monkeypatch.setitem(app.config, "FILE_STORE", "local")
    assert isinstance(storage.store(), storage.LocalStore)
    monkeypatch.setitem(app.config, "FILE_STORE", "s3")
    with pytest.raises(ValueError, match="FILE_STORE"):
        storage.store()


# --------------------------------------------------------------------------- through the application


def _copies_in_app_store(key: str) -> int:
    store = storage.store()
    if isinstance(store, storage.LocalStore):
        return int(store.path(key).is_file())
    return db.session.scalar(sa.select(sa.func.count()).select_from(storage.FileContent)
                             .where(storage.FileContent.sha256 == key))


def test_a_file_attached_three_times_is_stored_once_and_served_with_its_type(seeded, api):
    """The same PDF on two agenda items and on a proposal: three rows, one content; each
    download is the file with its sniffed type, whatever the client said it was."""
    pdf = two_page_pdf()
    sec, meeting = seeded["sec"], seeded["meeting"]
    again = upload(sec, meeting, seeded["closed"], pdf, "kopi-af-tilbud.bin")
    assert again["sha256"] == seeded["attachments"][0]["sha256"] == storage.key_of(pdf)
    assert again["content_type"] == "application/pdf"
    member = api(MEMBER, T)
    proposal = member.post("proposals", json={"body": "gruppe", "title": "Legehus", "text": "Se tilbud",
                                              "decision_sought": "Anbefaling"}).get_json()
    attached = member.post(f"proposals/{proposal['id']}/attachments", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(pdf), "tilbud.pdf", "text/html")})
    assert attached.status_code == 201, attached.get_json()
    assert attached.get_json()["sha256"] == storage.key_of(pdf)
    assert _copies_in_app_store(storage.key_of(pdf)) == 1
    for url in (f"attachments/{seeded['attachments'][0]['id']}", f"attachments/{again['id']}",
                f"proposals/{proposal['id']}/attachments/{attached.get_json()['id']}"):
        got = api(SEC, T).get(url)
        assert got.status_code == 200 and got.data == pdf, url
        assert got.headers["Content-Type"] == "application/pdf"
    image = seeded["attachments"][1]
    shown = api(MEMBER, T).client.get(f"/{T}/bilag/{image['id']}/vis")
    assert shown.status_code == 200 and shown.data == png() and shown.headers["Content-Type"] == "image/png"


def test_a_generated_pdf_is_kept_in_the_store_under_its_etag(seeded, api):
    from core.documents.models import GeneratedDocument

    reader = api(MEMBER, T).client
    first = reader.get(f"/{T}/moeder/{seeded['meeting']}/dagsorden.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    with db.session.no_autoflush:
        from core.tenancy import all_tenants

        with all_tenants():
            (row,) = db.session.execute(sa.select(GeneratedDocument.sha256, GeneratedDocument.content)).all()
    assert row.sha256 == storage.key_of(first.data) and row.content is None  # not in the row
    assert storage.read(row.sha256) == first.data
    again = reader.get(f"/{T}/moeder/{seeded['meeting']}/dagsorden.pdf")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]


def test_a_damaged_attachment_is_not_served(seeded, api, caplog):
    """A stored file changed behind the platform's back is never served: 404 to the
    reader (page and API), not a 500, and an error in the log for the operator."""
    pdf = seeded["attachments"][0]
    corrupt_stored(pdf["sha256"], b"%PDF-1.4 noget andet")
    got = api(SEC, T).get(f"attachments/{pdf['id']}")
    assert got.status_code == 404 and "file store" in got.get_json()["message"]
    page = api(SEC, T).client.get(f"/{T}/bilag/{pdf['id']}/vis")
    assert page.status_code == 404 and b"noget andet" not in page.data
    assert any("stored file not served" in r.getMessage() for r in caplog.records)
