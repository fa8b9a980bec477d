"""Copenhagen's Samarbejdsforum: a closed item's attachment is for its members only; DAB,
receiving the forum's material without a seat (KBH-2), sees neither the closed item's
title nor its attachment, as closed items are kept (ALB-B11 in Albertslund)."""

import io
from datetime import datetime, timezone

import pytest

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


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


def test_a_closed_items_attachment_is_for_members_only_CORE_CLOSED_ITEMS_KBH_2(sync_tenant, clock, make_meeting, api, store):
    sync_tenant("kobenhavn")
    meeting = make_meeting("kobenhavn", "samarbejdsforum", at(2021, 3, 1, 13))
    sec = api("tobias.trier@tmf.kk.example", "kobenhavn")
    item = sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Køb af ejendom", "is_confidential": True,
        "confidentiality_reason": "property_transaction"}).get_json()
    att = upload(sec, meeting, item["id"], b"%PDF- tilbud").get_json()
    member = api("karin.kundby@kab.example", "kobenhavn")
    assert member.get(f"attachments/{att['id']}").status_code == 200
    # KBH-2: DAB receives the forum's material without a seat, but not closed items.
    recipient = api("dan.brix@dab.example", "kobenhavn")
    view = recipient.get(f"meetings/{meeting}").get_json()
    assert view["items"][-1]["title"] == "Ejendomshandel" and view["items"][-1]["attachments"] == []
    assert recipient.get(f"attachments/{att['id']}").status_code == 404
