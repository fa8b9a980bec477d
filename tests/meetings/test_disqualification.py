"""Disqualification (inhabilitet, forvaltningsloven § 3) on an agenda item through the HTTP
API (CORE-DISQUALIFIED): a member declares it, the chair or the secretary records it for a
member, it is withdrawn before the item is decided, and every step is audited. Bad input is
a 422 naming the field and writes nothing; another tenant's meeting is a 404; twice is a
409."""

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.extensions import db
from core.meetings.models import Disqualification, MeetingState

T = "/api/v1/tenants/testby"
SECRETARY = "sekretaer@testby.example"
CHAIR = "formand@testby.example"
ANNA = "anna@testby.example"
BENT = "bent@testby.example"
OUTSIDER = "udenfor@testby.example"


def url(item, meeting, rest=""):
    return f"{T}/meetings/{meeting}/items/{item}/disqualifications{rest}"


def _setup(sync_tenant, decision_item, meeting_of, **item):
    sync_tenant("testby")
    item_id = decision_item("testby", "bestyrelse", title="Køb af Bygning 7", **item)
    return item_id, meeting_of("testby", item_id)


def rows(in_tenant):
    with in_tenant("testby"):
        return db.session.scalars(sa.select(Disqualification).order_by(Disqualification.id)).all()


def test_a_member_declares_themself_disqualified_and_it_is_audited(
        sync_tenant, decision_item, meeting_of, member, in_tenant):
    item, meeting = _setup(sync_tenant, decision_item, meeting_of)
    resp = member(ANNA).post(url(item, meeting), json={"reason": "Er i familie med sælger"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["person"], body["name"], body["is_standing"]) == (ANNA, "Anna Andersen", True)
    assert body["declared_by"] == "Anna Andersen" and body["reason"] == "Er i familie med sælger"
    listed = member(BENT).get(url(item, meeting)).get_json()
    assert [d["person"] for d in listed] == [ANNA]
    with in_tenant("testby"):
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == "disqualification.declared"))
        assert entry.subject == f"item:{item}" and entry.payload["person"] == ANNA
        assert entry.payload["by_self"] is True and entry.payload["clause"] == "CORE-DISQUALIFIED"


def test_twice_is_a_409_and_writes_nothing_more(sync_tenant, decision_item, meeting_of, member, in_tenant):
    item, meeting = _setup(sync_tenant, decision_item, meeting_of)
    assert member(ANNA).post(url(item, meeting), json={"reason": "Inhabil"}).status_code == 201
    again = member(ANNA).post(url(item, meeting), json={"reason": "Inhabil"})
    assert again.status_code == 409 and again.get_json()["clause"] == "CORE-DISQUALIFIED"
    again = member(SECRETARY).post(url(item, meeting), json={"reason": "x", "person": ANNA})
    assert again.status_code == 409
    assert len(rows(in_tenant)) == 1


def test_the_chair_or_secretary_records_it_for_a_member_others_may_not(
        sync_tenant, decision_item, meeting_of, member, in_tenant):
    item, meeting = _setup(sync_tenant, decision_item, meeting_of)
    refused = member(BENT).post(url(item, meeting), json={"reason": "Inhabil", "person": ANNA})
    assert refused.status_code == 403 and not rows(in_tenant)
    resp = member(CHAIR).post(url(item, meeting), json={"reason": "Ansat hos ansøger", "person": ANNA})
    assert resp.status_code == 201 and resp.get_json()["declared_by"] == "Formand Testby"
    resp = member(SECRETARY).post(url(item, meeting), json={"reason": "Part i sagen", "person": BENT})
    assert resp.status_code == 201 and resp.get_json()["person"] == BENT


def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
        sync_tenant, decision_item, meeting_of, member, in_tenant):
    item, meeting = _setup(sync_tenant, decision_item, meeting_of)
    for payload, field in (({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "x" * 501}, "reason"),
                           ({"reason": "x", "person": "ikke-en-adresse"}, "person"),
                           ({"reason": "x", "person": OUTSIDER}, "person"),
                           ({"reason": "x", "person": "ingen@nowhere.example"}, "person")):
        resp = member(SECRETARY).post(url(item, meeting), json=payload)
        assert resp.status_code == 422, (payload, resp.get_json())
        assert field in resp.get_json()["errors"]["json"], (payload, resp.get_json())
    assert not rows(in_tenant)


def test_another_tenants_meeting_or_item_is_a_404(sync_tenant, decision_item, meeting_of, member,
                                                   create_meeting, create_item):
    item, meeting = _setup(sync_tenant, decision_item, meeting_of)
    sync_tenant("naboby")
    other = create_meeting("naboby", "bestyrelse")
    other_item = create_item("naboby", other)
    # the other tenant's meeting under this tenant, and this tenant's item under another meeting
    assert member(ANNA).post(url(other_item, other), json={"reason": "x"}).status_code == 404
    assert member(ANNA).get(url(other_item, other)).status_code == 404
    second = create_meeting("testby", "bestyrelse")
    assert member(ANNA).post(url(item, second), json={"reason": "x"}).status_code == 404
    assert member(ANNA).post(url(item, meeting, "/999/withdraw")).status_code == 404


def test_withdrawn_before_the_item_is_decided_and_the_row_stays(
        sync_tenant, decision_item, meeting_of, member, in_tenant):
    item, meeting = _setup(sync_tenant, decision_item, meeting_of)
    d = member(CHAIR).post(url(item, meeting), json={"reason": "Inhabil", "person": ANNA}).get_json()
    # the member may not withdraw what the chair recorded; the chair may
    assert member(ANNA).post(url(item, meeting, f"/{d['id']}/withdraw")).status_code == 403
    resp = member(CHAIR).post(url(item, meeting, f"/{d['id']}/withdraw"))
    assert resp.status_code == 200 and resp.get_json()["is_standing"] is False
    assert resp.get_json()["withdrawn_by"] == "Formand Testby"
    again = member(CHAIR).post(url(item, meeting, f"/{d['id']}/withdraw"))
    assert again.status_code == 409 and again.get_json()["clause"] == "CORE-DISQUALIFIED"
    # declared again: a new row beside the withdrawn one
    assert member(ANNA).post(url(item, meeting), json={"reason": "Alligevel inhabil"}).status_code == 201
    assert [r.withdrawn_at is None for r in rows(in_tenant)] == [False, True]
    with in_tenant("testby"):
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.action == "disqualification.withdrawn")) == 1


def test_nothing_changes_once_the_item_is_decided(sync_tenant, decision_item, meeting_of, member,
                                                  in_tenant):
    item, meeting = _setup(sync_tenant, decision_item, meeting_of)
    d = member(ANNA).post(url(item, meeting), json={"reason": "Inhabil"}).get_json()
    motion = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "Købet godkendes"}).get_json()
    for who in (CHAIR, BENT, "karen@testby.example"):
        assert member(who).post(f"{T}/motions/{motion['id']}/votes", json={"choice": "yes"}).status_code == 201
    assert member(SECRETARY).post(f"{T}/motions/{motion['id']}/close").status_code == 200
    late = member(ANNA).post(url(item, meeting, f"/{d['id']}/withdraw"))
    assert late.status_code == 409 and late.get_json()["clause"] == "CORE-DISQUALIFIED"
    late = member(BENT).post(url(item, meeting), json={"reason": "Inhabil"})
    assert late.status_code == 409
    with in_tenant("testby"):
        assert len(db.session.scalars(sa.select(Disqualification)).all()) == 1


def test_a_member_who_voted_is_not_disqualified_afterwards(
        sync_tenant, decision_item, meeting_of, member, in_tenant):
    item, meeting = _setup(sync_tenant, decision_item, meeting_of)
    motion = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "Købet godkendes"}).get_json()
    assert member(ANNA).post(f"{T}/motions/{motion['id']}/votes", json={"choice": "yes"}).status_code == 201
    late = member(ANNA).post(url(item, meeting), json={"reason": "Inhabil"})
    assert late.status_code == 409 and "allerede stemt" in late.get_json()["message"]
    assert not rows(in_tenant)


def test_a_held_meeting_takes_no_disqualification(sync_tenant, create_meeting, create_item, member):
    sync_tenant("testby")
    meeting = create_meeting("testby", "bestyrelse", state=MeetingState.HELD)
    item = create_item("testby", meeting)
    resp = member(ANNA).post(url(item, meeting), json={"reason": "Inhabil"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-DISQUALIFIED"
