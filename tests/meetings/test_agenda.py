"""Agendas: item kinds, member submissions and their deadline (ALB-R3), guests (ALB-R5,
SLA-13, KBH-8), closed items (ALB-B11, ALB-R6) and attachments."""

import hashlib
import io
from datetime import datetime, timezone

import pytest

from core import storage

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"
PETER = "peter.poulsen@abc.example"  # secretary of the resource groups
FF_MEMBER = "dennis.dahl@va.example"  # a member of Ressourcegruppe FF


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def ff_meeting(sync_tenant, clock, make_meeting):
    sync_tenant("albertslund")
    return make_meeting("albertslund", "ressourcegruppe-ff", at(2018, 3, 20, 14))


@pytest.fixture
def board_meeting(sync_tenant, clock, make_meeting):
    sync_tenant("albertslund")
    return make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))


def test_items_have_kind_B_D_or_O(board_meeting, api):
    sec = api(SANNE)
    for kind in ("B", "D", "O"):
        resp = sec.post(f"meetings/{board_meeting}/items", json={"kind": kind, "title": f"Punkt {kind}"})
        assert resp.status_code == 201 and resp.get_json()["kind"] == kind
    resp = sec.post(f"meetings/{board_meeting}/items", json={"kind": "X", "title": "?"})
    assert resp.status_code == 422 and "kind" in resp.get_json()["errors"]["json"]


def test_member_submits_an_item_before_the_deadline_ALB_R3(ff_meeting, api, clock):
    clock.set(at(2018, 3, 10, 13))  # 10 days and 1 hour before
    resp = api(FF_MEMBER).post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "Lektiecafé"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["submitted_by"] == FF_MEMBER


def test_member_submission_after_the_deadline_is_refused_with_the_clause_ALB_R3(ff_meeting, api, clock):
    clock.set(at(2018, 3, 10, 15))  # less than 10 days before
    member = api(FF_MEMBER)
    resp = member.post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "For sent"})
    assert resp.status_code == 422
    assert resp.get_json()["clause"] == "ALB-R3" and resp.get_json()["rule"] == "meeting_rules"
    assert "2018-03-10" in resp.get_json()["message"]
    assert all(i["title"] != "For sent" for i in api(PETER).get(f"meetings/{ff_meeting}").get_json()["items"])
    # The secretariat may still add it.
    assert api(PETER).post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "For sent"}).status_code == 201


def test_a_non_member_cannot_submit(ff_meeting, api, clock):
    resp = api("vibeke.vestergaard@va.example").post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "x"})
    assert resp.status_code == 404


def test_guests_are_invited_to_one_item_ALB_R5(ff_meeting, api):
    sec = api(PETER)
    resp = sec.post(f"meetings/{ff_meeting}/items", json={
        "kind": "D", "title": "Temadrøftelse: skolestart",
        "guests": [{"name": "Gæst Demo Skoleleder", "organisation": "Albertslund Kommune", "email": "gaest@skole.example"}],
    })
    assert resp.status_code == 201
    assert resp.get_json()["guests"][0]["name"] == "Gæst Demo Skoleleder"
    other = sec.post(f"meetings/{ff_meeting}/items", json={"kind": "O", "title": "Orientering"}).get_json()
    assert other["guests"] == []
    resp = sec.post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "x", "guests": [{"email": "a@b.example"}]})
    assert resp.status_code == 422  # a guest needs a name


def test_a_closed_item_needs_a_reason_ALB_B11(board_meeting, api):
    sec = api(SANNE)
    resp = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Personalesag", "is_confidential": True})
    assert resp.status_code == 422 and "confidentiality_reason" in resp.get_json()["errors"]["json"]
    resp = sec.post(f"meetings/{board_meeting}/items", json={
        "kind": "B", "title": "Personalesag", "is_confidential": True, "confidentiality_reason": "because"})
    assert resp.status_code == 422
    resp = sec.post(f"meetings/{board_meeting}/items", json={
        "kind": "B", "title": "Personalesag", "is_confidential": True, "confidentiality_reason": "personnel"})
    assert resp.status_code == 201


def _closed_item(api, meeting_id):
    sec = api(SANNE)
    return sec.post(f"meetings/{meeting_id}/items", json={
        "kind": "B", "title": "Ansættelse af projektleder", "case_text": "Fortroligt CV …",
        "is_confidential": True, "confidentiality_reason": "personnel"}).get_json()


def test_closed_items_are_for_members_only_ALB_B11(board_meeting, api, sync_tenant):
    item = _closed_item(api, board_meeting)
    member_view = api("vibeke.vestergaard@va.example").get(f"meetings/{board_meeting}").get_json()
    seen = next(i for i in member_view["items"] if i["id"] == item["id"])
    assert seen["title"] == "Ansættelse af projektleder" and seen["case_text"] == "Fortroligt CV …"


def test_closed_items_are_left_out_of_the_public_agenda_ALB_B11(board_meeting, api, clock, client):
    item = _closed_item(api, board_meeting)
    clock.set(at(2018, 2, 20, 9))
    api(SANNE).post(f"meetings/{board_meeting}/publish-agenda")
    public = client.get(f"/api/v1/public/tenants/albertslund/meetings/{board_meeting}").get_json()
    closed = [i for i in public["items"] if i["is_confidential"]]
    # the item by its public title, the default of its reason, and the reason (ALB-B11)
    assert len(closed) == 1 and closed[0]["title"] == "Personalesag" and closed[0]["case_text"] == ""
    assert closed[0]["confidentiality_reason"] == "Personalesager (forvaltningslovens § 27)"
    assert "Ansættelse" not in str(public) and "CV" not in str(public)
    assert item["id"]


def test_a_planned_agenda_is_not_public(board_meeting, client):
    assert client.get(f"/api/v1/public/tenants/albertslund/meetings/{board_meeting}").status_code == 404
    assert client.get("/api/v1/public/tenants/albertslund/meetings").get_json() == []


def test_items_are_reordered_and_removed(board_meeting, api):
    sec = api(SANNE)
    items = sec.get(f"meetings/{board_meeting}").get_json()["items"]
    last = items[-1]
    assert sec.patch(f"meetings/{board_meeting}/items/{last['id']}", json={"position": 1}).status_code == 200
    items = sec.get(f"meetings/{board_meeting}").get_json()["items"]
    assert items[0]["id"] == last["id"] and [i["position"] for i in items] == list(range(1, len(items) + 1))
    assert sec.delete(f"meetings/{board_meeting}/items/{last['id']}").status_code == 204
    assert len(sec.get(f"meetings/{board_meeting}").get_json()["items"]) == len(items) - 1


# --------------------------------------------------------------------------- attachments


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
    sec = api(SANNE)
    item = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Budget"}).get_json()
    content = b"%PDF-1.4 budget"
    resp = upload(sec, board_meeting, item["id"], content)
    assert resp.status_code == 201, resp.get_json()
    att = resp.get_json()
    assert att["sha256"] == hashlib.sha256(content).hexdigest() and att["size_bytes"] == len(content)
    assert storage.store().size(att["sha256"]) == len(content)  # in the one store, by its checksum
    member = api("vibeke.vestergaard@va.example")
    got = member.get(f"attachments/{att['id']}")
    assert got.status_code == 200 and got.data == content
    assert got.headers["X-Content-SHA256"] == att["sha256"]
    assert api("dennis.dahl@va.example").get(f"attachments/{att['id']}").status_code == 404


def test_attachment_limits_on_size_and_type(board_meeting, api, store):
    sec = api(SANNE)
    item = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Budget"}).get_json()
    assert upload(sec, board_meeting, item["id"], b"x" * 1001).status_code == 413
    assert upload(sec, board_meeting, item["id"], b"MZ...", "virus.exe", "application/x-msdownload").status_code == 422
    assert sec.get(f"meetings/{board_meeting}").get_json()["items"][-1]["attachments"] == []


def test_a_closed_items_attachment_is_for_members_only_ALB_B11(sync_tenant, clock, make_meeting, api, store):
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
