"""Notes and comments on the meeting page and in the board book (core/annotations/views.py).

The meeting page is cached per reader (docs/decisions/0032-meeting-page-cache.md): a note
is on its author's page only, served from the cache and kept fresh when it changes, never
on another reader's page, in the JSON meeting document or in the shared members' board
book; the board book with notes is made for its reader and never stored. Runs on SQLite
and, with TEST_DATABASE_URL and TEST_REDIS_URL, on PostgreSQL with the pages in Redis."""

from __future__ import annotations

import io

import pypdf
import sqlalchemy as sa
from flask import g

from core import storage
from core.documents.models import GeneratedDocument
from core.extensions import db
from tests.annotations.conftest import T, upload
from tests.documents.conftest import two_page_pdf
from tests.fixtures.testby import ANNA, BENT, OUTSIDER, SECRETARY
from tests.meetings.test_page_cache import TOKEN, page, served  # noqa: F401  (a fixture)

NOTE = "Min egen note om prisen"
COMMENT = "Er prisen med moms?"
REPLY = "Ja, den er med moms."


def _post(api, email, board, path, **form):
    html = page(api, email, board.meeting).get_data(as_text=True)
    g.pop("csrf_token", None)
    return api(email, T).client.post(f"/{T}/moeder/{board.meeting}/punkter/{board.item}/{path}",
                                     data={"csrf_token": TOKEN.search(html).group(1), **form})


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_a_note_is_on_its_authors_page_only_cached_or_not(app, api, board, served, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    for reader in (BENT, ANNA, SECRETARY):
        page(api, reader, board.meeting)  # every reader's page stored before the note
    written = _post(api, BENT, board, "noter", text=NOTE, attachment_id=str(board.attachment), page="2")
    assert written.status_code == 302 and written.headers["Location"].endswith(f"#noter-{board.item}")
    mine = page(api, BENT, board.meeting).get_data(as_text=True)  # with the flashed message: not cached
    assert NOTE in mine and "tilbud.pdf</a>, side 2" in mine
    assert NOTE in page(api, BENT, board.meeting).get_data(as_text=True)
    assert served[-1] is False  # the note's write made the stored page stale: rendered again
    assert NOTE in page(api, BENT, board.meeting).get_data(as_text=True) and served[-1] is True
    for other in (ANNA, SECRETARY):
        assert NOTE not in page(api, other, board.meeting).get_data(as_text=True)
        assert NOTE not in page(api, other, board.meeting).get_data(as_text=True) and served[-1] is True
    assert NOTE not in api(BENT, T).get(f"meetings/{board.meeting}").get_data(as_text=True)


def test_comments_and_replies_on_the_page_for_the_body_not_its_recipients(app, api, board, served, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    page(api, ANNA, board.meeting)
    assert _post(api, BENT, board, "kommentarer", text=COMMENT, reply_to="").status_code == 302
    html = page(api, ANNA, board.meeting).get_data(as_text=True)
    assert COMMENT in html and "Bent Berg" in html
    (first,) = api(ANNA, T).get(board.url("comments")).get_json()
    assert _post(api, ANNA, board, "kommentarer", text=REPLY, reply_to=str(first["id"])).status_code == 302
    html = page(api, BENT, board.meeting).get_data(as_text=True)
    assert html.index(COMMENT) < html.index(REPLY)
    recipient = page(api, OUTSIDER, board.meeting).get_data(as_text=True)
    assert COMMENT not in recipient and "Noter og kommentarer" not in recipient


def test_a_refused_note_comes_back_with_what_was_typed(app, api, board):
    resp = _post(api, BENT, board, "noter", text="Side tre findes ikke", attachment_id=str(board.attachment),
                 page="3")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Side tre findes ikke" in html and "form-error-message" in html
    assert api(BENT, T).get(board.url("notes")).get_json() == []


def test_a_replaced_attachment_says_what_was_written_on_the_old_version(app, api, board):
    _post(api, BENT, board, "noter", text=NOTE, attachment_id=str(board.attachment), page="1")
    sec = api(SECRETARY, T)
    new = upload(sec, board.url(f"attachments/{board.attachment}/replacement"), two_page_pdf(), "tilbud-v2.pdf")
    assert new.status_code == 201
    html = page(api, BENT, board.meeting).get_data(as_text=True)
    assert NOTE in html and "tidligere udgave" in html and "tilbud-v2.pdf" in html
    old = api(BENT, T).client.get(f"/{T}/bilag/{board.attachment}").get_data(as_text=True)
    assert "tidligere udgave" in old and f"/{T}/bilag/{new.get_json()['id']}" in old


def test_the_board_book_with_notes_is_its_readers_own_and_never_stored(app, api, board, in_tenant):
    _post(api, BENT, board, "noter", text=NOTE)
    _post(api, ANNA, board, "kommentarer", text=COMMENT, reply_to="")
    shared = api(BENT, T).client.get(f"/{T}/moeder/{board.meeting}/samlet-dagsorden.pdf?udgave=medlemmer")
    assert shared.status_code == 200 and NOTE not in _text(shared.data)
    with_notes = api(BENT, T).client.get(f"/{T}/moeder/{board.meeting}/samlet-dagsorden-med-noter.pdf")
    assert with_notes.status_code == 200 and with_notes.headers["Cache-Control"] == "private, no-store"
    text = _text(with_notes.data)
    assert NOTE in text and COMMENT in text and "Mine noter og kommentarer" in text
    anna = _text(api(ANNA, T).client.get(f"/{T}/moeder/{board.meeting}/samlet-dagsorden-med-noter.pdf").data)
    assert COMMENT in anna and NOTE not in anna
    with in_tenant(T):
        stored = [storage.read(key) for key in db.session.scalars(sa.select(GeneratedDocument.sha256))]
    assert stored and not any(NOTE in _text(pdf) or COMMENT in _text(pdf) for pdf in stored)
    assert api(OUTSIDER, T).client.get(f"/{T}/moeder/{board.meeting}/samlet-dagsorden-med-noter.pdf").status_code == 403
