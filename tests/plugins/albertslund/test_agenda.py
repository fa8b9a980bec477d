"""Albertslund's agendas: member submissions and their deadline in the resource groups
(ALB-R3), guests invited to one item (ALB-R5; Slagelse's SLA-13 and Copenhagen's KBH-8 invite
guests alike), closed items (ALB-B11, ALB-R6): a reason, members only, left out of the
public agenda."""

from datetime import datetime, timezone

import pytest

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


def test_member_submits_an_item_before_the_deadline_ALB_R3(ff_meeting, api, clock):
    clock.set(at(2018, 3, 10, 13))  # 10 days and 1 hour before
    resp = api(FF_MEMBER, "albertslund").post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "Lektiecafé"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["submitted_by"] == FF_MEMBER


def test_member_submission_after_the_deadline_is_refused_with_the_clause_ALB_R3(ff_meeting, api, clock):
    clock.set(at(2018, 3, 10, 15))  # less than 10 days before
    member = api(FF_MEMBER, "albertslund")
    resp = member.post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "For sent"})
    assert resp.status_code == 422
    assert resp.get_json()["clause"] == "ALB-R3" and resp.get_json()["rule"] == "meeting_rules"
    assert "2018-03-10" in resp.get_json()["message"]
    assert all(i["title"] != "For sent" for i in api(PETER, "albertslund").get(f"meetings/{ff_meeting}").get_json()["items"])
    # The secretariat may still add it.
    assert api(PETER, "albertslund").post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "For sent"}).status_code == 201


def test_a_non_member_cannot_submit(ff_meeting, api, clock):
    resp = api("vibeke.vestergaard@va.example", "albertslund").post(f"meetings/{ff_meeting}/items", json={"kind": "D", "title": "x"})
    assert resp.status_code == 404


def test_guests_are_invited_to_one_item_ALB_R5(ff_meeting, api):
    sec = api(PETER, "albertslund")
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
    sec = api(SANNE, "albertslund")
    resp = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Personalesag", "is_confidential": True})
    assert resp.status_code == 422 and "confidentiality_reason" in resp.get_json()["errors"]["json"]
    resp = sec.post(f"meetings/{board_meeting}/items", json={
        "kind": "B", "title": "Personalesag", "is_confidential": True, "confidentiality_reason": "because"})
    assert resp.status_code == 422
    resp = sec.post(f"meetings/{board_meeting}/items", json={
        "kind": "B", "title": "Personalesag", "is_confidential": True, "confidentiality_reason": "personnel"})
    assert resp.status_code == 201


def _closed_item(api, meeting_id):
    sec = api(SANNE, "albertslund")
    return sec.post(f"meetings/{meeting_id}/items", json={
        "kind": "B", "title": "Ansættelse af projektleder", "case_text": "Fortroligt CV …",
        "is_confidential": True, "confidentiality_reason": "personnel"}).get_json()


def test_closed_items_are_for_members_only_ALB_B11(board_meeting, api, sync_tenant):
    item = _closed_item(api, board_meeting)
    member_view = api("vibeke.vestergaard@va.example", "albertslund").get(f"meetings/{board_meeting}").get_json()
    seen = next(i for i in member_view["items"] if i["id"] == item["id"])
    assert seen["title"] == "Ansættelse af projektleder" and seen["case_text"] == "Fortroligt CV …"


def test_closed_items_are_left_out_of_the_public_agenda_ALB_B11(board_meeting, api, clock, client):
    item = _closed_item(api, board_meeting)
    clock.set(at(2018, 2, 20, 9))
    api(SANNE, "albertslund").post(f"meetings/{board_meeting}/publish-agenda")
    public = client.get(f"/api/v1/public/tenants/albertslund/meetings/{board_meeting}").get_json()
    closed = [i for i in public["items"] if i["is_confidential"]]
    # the item by its public title, the default of its reason, and the reason (ALB-B11)
    assert len(closed) == 1 and closed[0]["title"] == "Personalesag" and closed[0]["case_text"] == ""
    assert closed[0]["confidentiality_reason"] == "Personalesager (forvaltningslovens § 27)"
    assert "Ansættelse" not in str(public) and "CV" not in str(public)
    assert item["id"]
