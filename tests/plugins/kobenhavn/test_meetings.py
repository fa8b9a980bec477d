"""København's attendance through the meetings API: no stand-ins (KBH-6), and a mandate
delegated for at most a year lets the delegate fill the seat (KBH-7)."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

UTC = timezone.utc
KBH_SEC = "bolette.sejr@bsk.example"  # secretary of Bydelsbestyrelse Amager + VVVK


def at(*args):
    return datetime(*args, tzinfo=UTC)


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
