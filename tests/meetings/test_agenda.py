"""Agendas on Testby's board: item kinds, a planned agenda is not public, items reordered
and removed, attachments (stored by checksum, limited in size and type). Albertslund's
submissions, guests and closed items (ALB-R3, ALB-R5, ALB-B11) are tested in
tests/plugins/albertslund/test_agenda.py."""

import hashlib
import io
from datetime import datetime, timezone

import pytest

from core import storage
from tests.fixtures.testby import BENT, GROUP_MEMBER, SECRETARY

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def board_meeting(testby, clock, make_meeting):
    return make_meeting(testby, "bestyrelse", at(2018, 3, 1, 15))


def test_items_have_kind_B_D_or_O(board_meeting, api):
    sec = api(SECRETARY)
    for kind in ("B", "D", "O"):
        resp = sec.post(f"meetings/{board_meeting}/items", json={"kind": kind, "title": f"Punkt {kind}"})
        assert resp.status_code == 201 and resp.get_json()["kind"] == kind
    resp = sec.post(f"meetings/{board_meeting}/items", json={"kind": "X", "title": "?"})
    assert resp.status_code == 422 and "kind" in resp.get_json()["errors"]["json"]


def test_a_planned_agenda_is_not_public(board_meeting, client):
    assert client.get(f"/api/v1/public/tenants/testby/meetings/{board_meeting}").status_code == 404
    assert client.get("/api/v1/public/tenants/testby/meetings").get_json() == []


def test_items_are_reordered_and_removed(board_meeting, api):
    sec = api(SECRETARY)
    for title in ("Budget", "Regnskab"):  # after the standing item (TST-3)
        assert sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": title}).status_code == 201
    items = sec.get(f"meetings/{board_meeting}").get_json()["items"]
    assert len(items) == 3
    last = items[-1]
    assert sec.patch(f"meetings/{board_meeting}/items/{last['id']}", json={"position": 1}).status_code == 200
    items = sec.get(f"meetings/{board_meeting}").get_json()["items"]
    assert items[0]["id"] == last["id"] and [i["position"] for i in items] == list(range(1, len(items) + 1))
    assert sec.delete(f"meetings/{board_meeting}/items/{last['id']}").status_code == 204
    assert len(sec.get(f"meetings/{board_meeting}").get_json()["items"]) == len(items) - 1


@pytest.fixture
def store(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORE_DIR", str(tmp_path / "files"))
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1000)
    return tmp_path / "files"


def upload(client, meeting_id, item_id, data: bytes, name="bilag.pdf", mimetype="application/pdf"):
    return client.post(
        f"meetings/{meeting_id}/items/{item_id}/attachments",
        data={"file": (io.BytesIO(data), name, mimetype)}, content_type="multipart/form-data",
    )


def test_attachment_is_stored_with_its_checksum_and_downloaded(board_meeting, api, store):
    sec = api(SECRETARY)
    item = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Budget"}).get_json()
    content = b"%PDF-1.4 budget"
    resp = upload(sec, board_meeting, item["id"], content)
    assert resp.status_code == 201, resp.get_json()
    att = resp.get_json()
    assert att["sha256"] == hashlib.sha256(content).hexdigest() and att["size_bytes"] == len(content)
    assert storage.store().size(att["sha256"]) == len(content)  # in the one store, by its checksum
    member = api(BENT)
    got = member.get(f"attachments/{att['id']}")
    assert got.status_code == 200 and got.data == content
    assert got.headers["X-Content-SHA256"] == att["sha256"]
    # a member of the follow group only, not of the board
    assert api(GROUP_MEMBER).get(f"attachments/{att['id']}").status_code == 404


def test_attachment_limits_on_size_and_type(board_meeting, api, store):
    sec = api(SECRETARY)
    item = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Budget"}).get_json()
    assert upload(sec, board_meeting, item["id"], b"x" * 1001).status_code == 413
    assert upload(sec, board_meeting, item["id"], b"MZ...", "virus.exe", "application/x-msdownload").status_code == 422
    assert sec.get(f"meetings/{board_meeting}").get_json()["items"][-1]["attachments"] == []
