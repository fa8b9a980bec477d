"""Attendance: holders, apologies, substitutes (ALB-B5; KBH-6 refuses stand-ins) and
delegated mandates (KBH-7), as the quorum and vote rules will read them."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"
KBH_SEC = "bolette.sejr@bsk.example"  # secretary of Bydelsbestyrelse Amager + VVVK


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def board_meeting(sync_tenant, clock, make_meeting):
    sync_tenant("albertslund")
    return make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))


@pytest.fixture
def district_meeting(sync_tenant, clock, make_meeting):
    sync_tenant("kobenhavn")
    clock.set(at(2021, 1, 5, 9))
    return make_meeting("kobenhavn", "bydelsbestyrelse-amager-vvvk", at(2021, 3, 1, 13))


def _attendees(app, in_tenant, meeting_id, tenant):
    from core.extensions import db
    from core.meetings.attendees import attendees
    from core.meetings.models import Meeting

    with in_tenant(tenant):
        db.session.expire_all()
        return {a.seat_key: a for a in attendees(db.session.get(Meeting, meeting_id))}


def test_holder_present_and_apologies(board_meeting, api, app, in_tenant):
    sec = api(SANNE)
    assert sec.put(f"meetings/{board_meeting}/attendance/va-formand", json={"status": "present"}).status_code == 200
    # A member sends apologies for their own seat, not for another's.
    ab = api("bent.albrechtsen@ab.example")
    assert ab.put(f"meetings/{board_meeting}/attendance/ab-formand", json={"status": "apologies"}).status_code == 200
    assert ab.put(f"meetings/{board_meeting}/attendance/va-formand", json={"status": "apologies"}).status_code == 403
    got = _attendees(app, in_tenant, board_meeting, "albertslund")
    assert got["va-formand"].person == "vibeke.vestergaard@va.example"
    assert got["ab-formand"].person is None
    listed = {a["seat"]: a for a in sec.get(f"meetings/{board_meeting}").get_json()["attendance"]}
    assert listed["ab-formand"]["status"] == "apologies"


def test_someone_else_cannot_sit_as_the_holder(board_meeting, api):
    resp = api(SANNE).put(f"meetings/{board_meeting}/attendance/va-formand",
                          json={"status": "present", "person": "dennis.dahl@va.example"})
    assert resp.status_code == 422


def test_substitute_from_the_same_organisation_ALB_B5(board_meeting, api, app, in_tenant):
    resp = api(SANNE).put(f"meetings/{board_meeting}/attendance/va-formand", json={
        "status": "present", "acting_as": "substitute", "person": "dennis.dahl@va.example"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["verdict"]["clause"] == "ALB-B5"
    got = _attendees(app, in_tenant, board_meeting, "albertslund")["va-formand"]
    assert got.person == "dennis.dahl@va.example" and got.acting_as == "substitute"


def test_substitute_from_another_organisation_is_refused_ALB_B5(board_meeting, api, app, in_tenant):
    resp = api(SANNE).put(f"meetings/{board_meeting}/attendance/va-formand", json={
        "status": "present", "acting_as": "substitute", "person": "dorte.dam@ab.example"})
    assert resp.status_code == 422
    assert resp.get_json()["clause"] == "ALB-B5" and resp.get_json()["rule"] == "substitute_allowed"
    assert _attendees(app, in_tenant, board_meeting, "albertslund")["va-formand"].person is None


def test_stand_in_refused_KBH_6(district_meeting, api, app, in_tenant):
    resp = api(KBH_SEC, "kobenhavn").put(f"meetings/{district_meeting}/attendance/kab", json={
        "status": "present", "acting_as": "substitute", "person": "aysel.holm@kab.example"})
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["clause"] == "KBH-6" and "vikarer" in body["message"]
    assert _attendees(app, in_tenant, district_meeting, "kobenhavn")["kab"].person is None


def test_delegated_mandate_lets_the_delegate_fill_the_seat_KBH_7(district_meeting, api, app, in_tenant):
    sec = api(KBH_SEC, "kobenhavn")
    # Without a delegation, nobody sits as delegate.
    resp = sec.put(f"meetings/{district_meeting}/attendance/domea", json={
        "status": "present", "acting_as": "delegate", "person": "aysel.holm@kab.example"})
    assert resp.status_code == 422
    resp = sec.post("bodies/bydelsbestyrelse-amager-vvvk/delegations", json={
        "seat": "domea", "to_organisation": "KAB", "starts_on": "2021-01-01", "ends_on": "2021-12-31"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["verdict"]["clause"] == "KBH-7"
    resp = sec.put(f"meetings/{district_meeting}/attendance/domea", json={
        "status": "present", "acting_as": "delegate", "person": "aysel.holm@kab.example"})
    assert resp.status_code == 200, resp.get_json()
    got = _attendees(app, in_tenant, district_meeting, "kobenhavn")["domea"]
    assert got.person == "aysel.holm@kab.example" and got.acting_as == "delegate"
    # Someone not acting for KAB cannot use the delegated mandate.
    resp = sec.put(f"meetings/{district_meeting}/attendance/domea", json={
        "status": "present", "acting_as": "delegate", "person": "freja.storm@fsb.example"})
    assert resp.status_code == 422 and resp.get_json()["clause"] == "KBH-7"


def test_delegation_for_more_than_a_year_is_refused_KBH_7(district_meeting, api, app, in_tenant):
    resp = api(KBH_SEC, "kobenhavn").post("bodies/bydelsbestyrelse-amager-vvvk/delegations", json={
        "seat": "domea", "to_organisation": "KAB", "starts_on": "2021-01-01", "ends_on": "2022-06-30"})
    assert resp.status_code == 422 and resp.get_json()["clause"] == "KBH-7"
    from core.extensions import db
    from core.meetings.models import MandateDelegation

    with in_tenant("kobenhavn"):
        assert db.session.scalar(sa.select(sa.func.count(MandateDelegation.id))) == 0


def test_delegation_refused_where_the_rules_do_not_allow_it(board_meeting, api):
    resp = api(SANNE).post("bodies/bestyrelse/delegations", json={
        "seat": "akb-formand", "to_organisation": "KAB", "starts_on": "2018-01-01", "ends_on": "2018-12-31"})
    assert resp.status_code == 422 and resp.get_json()["clause"] == "CORE-MANDATE"


def test_attendance_is_frozen_once_minutes_are_sent(board_meeting, api, clock):
    sec = api(SANNE)
    clock.set(at(2018, 2, 20, 9))
    sec.post(f"meetings/{board_meeting}/publish-agenda")
    clock.set(at(2018, 3, 1, 18))
    sec.post(f"meetings/{board_meeting}/held")
    for item in sec.get(f"meetings/{board_meeting}").get_json()["items"]:
        if item["kind"] == "B":
            sec.put(f"meetings/{board_meeting}/items/{item['id']}/minutes", json={"decision": "Godkendt."})
    assert sec.post(f"meetings/{board_meeting}/send-minutes").status_code == 200
    assert sec.put(f"meetings/{board_meeting}/attendance/va-formand", json={"status": "present"}).status_code == 409


def test_a_person_outside_the_tenant_answers_as_an_unknown_address(board_meeting, sync_tenant, api):
    """The secretariat looking a person up learns nothing about who else has an account on
    the platform: a København member with no tie to Albertslund answers exactly as an
    address nobody has (#13), where the rule would otherwise have explained her refusal."""
    sync_tenant("kobenhavn")
    url = f"meetings/{board_meeting}/attendance/va-formand"
    answers = [
        api(SANNE).put(url, json={"status": "present", "acting_as": acting_as, "person": email})
        for email in ("freja.storm@fsb.example", "nobody.here@fsb.example")
        for acting_as in ("substitute", "delegate", "holder")
    ]
    bodies = [(r.status_code, r.get_json()) for r in answers]
    assert bodies[:3] == bodies[3:]
    assert all(code == 422 for code, _ in bodies)
    assert "kommune" in bodies[0][1]["errors"]["json"]["person"][0]
    assert "clause" not in bodies[0][1]


def test_a_person_of_an_organisation_in_the_tenant_is_found_ALB_B5(board_meeting, sync_tenant, api):
    """KAB holds a seat in Albertslund: a KAB person without a seat there is one of its
    people, and the rule decides (refused here: a substitute comes from the seat's own
    organisation)."""
    sync_tenant("kobenhavn")
    resp = api(SANNE).put(f"meetings/{board_meeting}/attendance/va-formand", json={
        "status": "present", "acting_as": "substitute", "person": "aysel.holm@kab.example"})
    assert resp.status_code == 422 and resp.get_json()["clause"] == "ALB-B5"
