"""Notes and comments through the API (core/annotations, docs/annotations.md): a note is its
author's alone; comments and replies are the body's members' and its secretariat's, a
closed item's only for those who may read the closed item (CORE-CLOSED-ITEMS, the meetings
feature's own decision); they stay through a new version of the agenda, stay with an
attachment's old version when it is replaced, and go with their author's export and
erasure."""

from __future__ import annotations

import sqlalchemy as sa

from core.annotations.models import Annotation
from core.extensions import db
from core.identity.permissions import Role
from core.tenancy import all_tenants
from tests.annotations.conftest import T, upload
from tests.documents.conftest import two_page_pdf
from tests.fixtures.testby import (
    ANNA,
    BENT,
    BOTH,
    GROUP_MEMBER,
    NABO_SECRETARY,
    OUTSIDER,
    SECRETARY,
    SUBSTITUTE,
)


def _note(api, board, who=BENT, **body):
    resp = api(who, T).post(board.url("notes"), json={"text": "Husk at spørge til prisen", **body})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _comment(api, board, who=BENT, item=None, **body):
    resp = api(who, T).post(board.url("comments", item), json={"text": "Er prisen med moms?", **body})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_a_note_is_read_by_its_author_only(api, board):
    note = _note(api, board, attachment_id=board.attachment, page=2)
    assert note["where"] == {"attachment_id": board.attachment, "filename": "tilbud.pdf", "page": 2,
                             "replaced": False, "replaced_by_id": None}
    assert [n["text"] for n in api(BENT, T).get(board.url("notes")).get_json()] == ["Husk at spørge til prisen"]
    for other in (ANNA, SECRETARY, BOTH):
        assert api(other, T).get(board.url("notes")).get_json() == []
        assert api(other, T).patch(board.url(f"notes/{note['id']}"), json={"text": "x"}).status_code == 404
        assert api(other, T).delete(board.url(f"notes/{note['id']}")).status_code == 404
    changed = api(BENT, T).patch(board.url(f"notes/{note['id']}"), json={"text": "Prisen er 2 mio."})
    assert changed.status_code == 200 and changed.get_json()["updated_at"] is not None
    assert api(BENT, T).delete(board.url(f"notes/{note['id']}")).status_code == 204
    assert api(BENT, T).get(board.url("notes")).get_json() == []


def test_bad_input_names_its_field_and_writes_nothing(api, board, app):
    bent = api(BENT, T)
    other_item_att = upload(api(SECRETARY, T), board.url("attachments", board.closed), two_page_pdf())
    cases = [
        ({"text": "   "}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"text": "Side tre", "attachment_id": board.attachment, "page": 3}, "page"),
        ({"text": "Side uden bilag", "page": 1}, "page"),
        ({"text": "Andet punkts bilag", "attachment_id": other_item_att.get_json()["id"]}, "attachment_id"),
        ({"text": "Side nul", "attachment_id": board.attachment, "page": 0}, "page"),
    ]
    for body, field in cases:
        for what in ("notes", "comments"):
            resp = bent.post(board.url(what), json=body)
            assert resp.status_code == 422, (body, resp.get_json())
            assert field in resp.get_json()["errors"]["json"], resp.get_json()
    assert bent.post(board.url("comments"), json={"text": "Svar", "reply_to": 999999}).status_code == 422
    huge = bent.post(board.url("notes"), data="{" + '"text": "' + "x" * (app.config["API_MAX_JSON_BYTES"] + 1) + '"}',
                     content_type="application/json")
    assert huge.status_code == 413
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count(Annotation.id))) == 0


def test_comments_are_read_by_the_body_and_its_secretariat_with_replies(api, board, naboby):
    first = _comment(api, board, attachment_id=board.attachment, page=1)
    reply = _comment(api, board, who=ANNA, reply_to=first["id"], text="Ja, med moms.")
    again = _comment(api, board, who=SECRETARY, reply_to=reply["id"], text="Bekræftet af sekretariatet.")
    assert reply["reply_to"] == first["id"] and again["reply_to"] == first["id"]  # one thread
    for reader in (BENT, ANNA, SECRETARY, BOTH):
        (thread,) = api(reader, T).get(board.url("comments")).get_json()
        assert thread["text"] == "Er prisen med moms?" and thread["author"]["name"] == "Bent Berg"
        assert thread["where"]["page"] == 1
        assert [r["text"] for r in thread["replies"]] == ["Ja, med moms.", "Bekræftet af sekretariatet."]
    # information recipients (TST-B's people) know the item but do not read the comments
    assert api(OUTSIDER, T).get(board.url("comments")).status_code == 403
    assert api(GROUP_MEMBER, T).get(board.url("comments")).status_code == 403
    # one without a seat or a recipient's organisation, another tenant's secretary, the
    # public: not there
    assert api(SUBSTITUTE, T).get(board.url("comments")).status_code == 404
    assert api(NABO_SECRETARY, T).get(board.url("comments")).status_code == 404
    assert api(NABO_SECRETARY, "naboby").get(board.url("comments")).status_code == 404
    assert api(None, T).get(board.url("comments")).status_code == 401
    # a reply must answer a comment of the same item
    other = _comment(api, board, item=board.closed, text="Lukket sag")
    wrong = api(ANNA, T).post(board.url("comments"), json={"text": "Svar", "reply_to": other["id"]})
    assert wrong.status_code == 422 and "reply_to" in wrong.get_json()["errors"]["json"]


def test_a_comment_taken_back_keeps_its_place_in_the_thread(api, board):
    first = _comment(api, board)
    _comment(api, board, who=ANNA, reply_to=first["id"], text="Ja.")
    assert api(ANNA, T).delete(board.url(f"comments/{first['id']}")).status_code == 403
    assert api(BENT, T).delete(board.url(f"comments/{first['id']}")).status_code == 204
    (thread,) = api(ANNA, T).get(board.url("comments")).get_json()
    assert thread["removed"] is True and thread["text"] == ""
    assert [r["text"] for r in thread["replies"]] == ["Ja."]


def test_closed_items_comments_follow_the_closed_item_decision_CORE_CLOSED_ITEMS(api, board, monkeypatch):
    _comment(api, board, item=board.closed, text="Hansen bør høres")
    assert len(api(BENT, T).get(board.url("comments", board.closed)).get_json()) == 1
    # an information recipient may not read closed items: the item's comments are not there
    assert api(OUTSIDER, T).get(board.url("comments", board.closed)).status_code == 404
    assert api(OUTSIDER, T).get(board.url("comments")).status_code == 403
    # The comments ask the meetings feature who reads a closed item: were it only the
    # secretariat, a member would find neither the closed item's comments nor notes.
    from core.meetings import operations as meetings

    monkeypatch.setattr(meetings, "can_see_confidential", lambda role: role >= Role.BODY_SECRETARY)
    for what in ("comments", "notes"):
        assert api(BENT, T).get(board.url(what, board.closed)).status_code == 404
        assert api(BENT, T).post(board.url(what, board.closed), json={"text": "x"}).status_code == 404
    assert len(api(SECRETARY, T).get(board.url("comments", board.closed)).get_json()) == 1
    assert api(BENT, T).get(board.url("comments")).status_code == 200


def test_notes_and_comments_stay_through_a_new_version_of_the_agenda(api, board, clock):
    note = _note(api, board)
    comment = _comment(api, board)
    sec = api(SECRETARY, T)
    assert sec.patch(f"meetings/{board.meeting}/items/{board.item}",
                     json={"title": "Ny legeplads i gården", "position": 2}).status_code == 200
    assert sec.post(f"meetings/{board.meeting}/items", json={"kind": "O", "title": "Orientering"}).status_code == 201
    assert sec.post(f"meetings/{board.meeting}/publish-agenda").status_code == 200
    assert sec.patch(f"meetings/{board.meeting}/items/{board.item}", json={"case_text": "Rettet"}).status_code == 200
    assert [n["id"] for n in api(BENT, T).get(board.url("notes")).get_json()] == [note["id"]]
    assert [c["id"] for c in api(ANNA, T).get(board.url("comments")).get_json()] == [comment["id"]]


def test_a_replaced_attachment_keeps_what_was_written_on_it(api, board):
    note = _note(api, board, attachment_id=board.attachment, page=2)
    comment = _comment(api, board, attachment_id=board.attachment, page=1)
    sec = api(SECRETARY, T)
    replaced = upload(sec, board.url(f"attachments/{board.attachment}/replacement"), two_page_pdf(), "tilbud-v2.pdf")
    assert replaced.status_code == 201, replaced.get_json()
    new = replaced.get_json()["id"]
    (mine,) = api(BENT, T).get(board.url("notes")).get_json()
    assert mine["id"] == note["id"] and mine["where"] == {
        "attachment_id": board.attachment, "filename": "tilbud.pdf", "page": 2, "replaced": True,
        "replaced_by_id": new}
    (thread,) = api(ANNA, T).get(board.url("comments")).get_json()
    assert thread["id"] == comment["id"] and thread["where"]["replaced_by_id"] == new
    # the item lists the new version only; the old one is still read by its id
    items = api(BENT, T).get(f"meetings/{board.meeting}").get_json()["items"]
    assert [a["filename"] for a in next(i for i in items if i["id"] == board.item)["attachments"]] == ["tilbud-v2.pdf"]
    assert api(BENT, T).get(f"attachments/{board.attachment}").status_code == 200
    # new notes go on the current version; the old one is replaced once
    stale = api(BENT, T).post(board.url("notes"), json={"text": "x", "attachment_id": board.attachment})
    assert stale.status_code == 422 and "attachment_id" in stale.get_json()["errors"]["json"]
    assert api(BENT, T).post(board.url("notes"), json={"text": "Ny udgave", "attachment_id": new}).status_code == 201
    again = upload(sec, board.url(f"attachments/{board.attachment}/replacement"), two_page_pdf())
    assert again.status_code == 409
    elsewhere = upload(sec, board.url(f"attachments/{new}/replacement", board.closed), two_page_pdf())
    assert elsewhere.status_code == 404
    assert upload(api(BENT, T), board.url(f"attachments/{new}/replacement"), two_page_pdf()).status_code == 403
    # the item taken off the agenda takes both versions and what was written on them along
    assert sec.delete(f"meetings/{board.meeting}/items/{board.item}").status_code == 204
    assert api(BENT, T).get(f"attachments/{board.attachment}").status_code == 404
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count(Annotation.id))) == 0


def test_notes_and_comments_are_exported_and_go_with_an_erasure(api, board):
    _note(api, board, attachment_id=board.attachment, page=2)
    first = _comment(api, board)
    _comment(api, board, who=ANNA, reply_to=first["id"], text="Ja, med moms.")
    mine = api(BENT, T).get("/api/v1/me/personal-data").get_json()["notes_and_comments"]
    assert [(m["kind"], m["tenant"], m["text"], m["page"]) for m in mine] == [
        ("note", T, "Husk at spørge til prisen", 2), ("comment", T, "Er prisen med moms?", None)]
    assert all(m["item_title"] == "Ny legeplads" for m in mine)
    assert api(BENT, T).post("/api/v1/me/erase", json={"confirm": True}).status_code == 204
    (thread,) = api(ANNA, T).get(board.url("comments")).get_json()
    assert thread["removed"] is True and thread["text"] == ""
    assert [r["text"] for r in thread["replies"]] == ["Ja, med moms."]
    with all_tenants():
        texts = db.session.scalars(sa.select(Annotation.text)).all()
    assert sorted(texts) == ["", "Ja, med moms."]  # the note is deleted, the comment emptied
