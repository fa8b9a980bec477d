"""The meeting rules of each tenant's bodies, as the tenant files and plugins give them:
meetings required a year (ALB-B7, ALB-R2, ALB-S3, SLA-7, KBH-1, KBH-3, VEJ-8), notice
(ALB-S3), guests per item (ALB-R5, SLA-13, KBH-8) and closed items in a resource group
(ALB-R6)."""

from datetime import datetime, timedelta, timezone

import pytest

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("tenant, body, required, clause, year", [
    ("albertslund", "bestyrelse", 2, "ALB-B7", 2018),
    ("albertslund", "ressourcegruppe-ff", 3, "ALB-R2", 2018),
    ("albertslund", "styregruppe-hyldespjaeldet", 6, "ALB-S3", 2018),
    ("slagelse", "bestyrelse", 4, "SLA-7", 2019),
    ("kobenhavn", "samarbejdsforum", 4, "KBH-1", 2021),
    ("kobenhavn", "bydelsbestyrelse-amager-vvvk", 3, "KBH-3", 2021),
    ("vejle", "loeget", 6, "VEJ-8", 2021),
])
def test_meetings_held_against_meetings_required_ALB_B7_ALB_R2_ALB_S3_SLA_7_KBH_1_KBH_3_VEJ_8(
        sync_tenant, clock, make_meeting, in_tenant, tenant, body, required, clause, year):
    from core.bodies.models import Body
    from core.extensions import db
    from core.meetings import operations as ops
    from core.meetings.models import Meeting, MeetingState
    from core.tenancy import tenant_hooks
    import sqlalchemy as sa

    sync_tenant(tenant)
    ids = [make_meeting(tenant, body, at(year, 1, 10, 12) + timedelta(days=30 * n)) for n in range(required)]

    def figures(held: int):
        with in_tenant(tenant) as t:
            for n, meeting_id in enumerate(ids):
                m = db.session.get(Meeting, meeting_id)
                m.state = MeetingState.HELD if n < held else MeetingState.PLANNED
            db.session.flush()
            b = db.session.scalar(sa.select(Body).filter_by(key=body))
            return ops.compliance(b, year, t, tenant_hooks(t))

    short = figures(required - 1)
    assert short["meetings_required"] == required and short["meetings_required_clause"] == clause
    assert short["meetings_held"] == required - 1 and short["requirement_met"] is False
    assert figures(required)["requirement_met"] is True


def test_steering_group_notice_and_minutes_ALB_S3(sync_tenant, clock, make_meeting, api):
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "styregruppe-hyldespjaeldet", at(2018, 2, 1, 15))
    d = api("amina.ali@abc.example", "albertslund").get(f"meetings/{meeting}").get_json()["deadlines"]
    assert d["agenda_clause"] == "ALB-S3" and d["agenda_due_at"].startswith("2018-01-27T15:00")
    assert d["minutes_clause"] == "ALB-S3" and d["minutes_due_at"].startswith("2018-02-15T15:00")


@pytest.mark.parametrize("tenant, body, secretary, clause", [
    ("slagelse", "bestyrelse", "idris.skovgaard@slagelse-boligsocial.example", "SLA-13"),
    ("kobenhavn", "bydelsbestyrelse-amager-vvvk", "bolette.sejr@bsk.example", "KBH-8"),
])
def test_ad_hoc_guests_are_invited_to_a_single_item_SLA_13_KBH_8(
        sync_tenant, clock, make_meeting, api, tenant, body, secretary, clause):
    sync_tenant(tenant)
    clock.set(at(2021, 1, 5, 9))
    meeting = make_meeting(tenant, body, at(2021, 3, 1, 13))
    sec = api(secretary, tenant)
    item = sec.post(f"meetings/{meeting}/items", json={
        "kind": "O", "title": f"Oplæg ({clause})",
        "guests": [{"name": "Projektleder Demo", "organisation": "Projekt", "email": "pl@projekt.example"}],
    }).get_json()
    items = sec.get(f"meetings/{meeting}").get_json()["items"]
    assert [i["guests"] for i in items if i["id"] == item["id"]] == [[
        {"name": "Projektleder Demo", "organisation": "Projekt", "email": "pl@projekt.example"}]]
    assert all(i["guests"] == [] for i in items if i["id"] != item["id"])


def test_closed_item_in_a_resource_group_ALB_R6(sync_tenant, clock, make_meeting, api):
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "ressourcegruppe-ff", at(2018, 3, 20, 14))
    sec = api("peter.poulsen@abc.example", "albertslund")
    resp = sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Bekymring for en familie", "is_confidential": True})
    assert resp.status_code == 422  # a reason is required
    item = sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Bekymring for en familie", "is_confidential": True,
        "confidentiality_reason": "personal_matters"}).get_json()
    member = api("dennis.dahl@va.example", "albertslund").get(f"meetings/{meeting}").get_json()
    assert any(i["title"] == "Bekymring for en familie" for i in member["items"])
    board_member = api("vibeke.vestergaard@va.example", "albertslund").get(f"meetings/{meeting}")
    assert board_member.status_code == 404  # not a member of the group
    assert item["is_confidential"] is True
