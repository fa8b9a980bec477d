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
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["clause"] == "KBH-6" and "vikarer" in body["message"]
    assert _attendees(app, in_tenant, district_meeting, "kobenhavn")["kab"].person is None


def test_delegated_mandate_lets_the_delegate_fill_the_seat_KBH_7(district_meeting, api, app, in_tenant):
    sec = api(KBH_SEC, "kobenhavn")
    # Without a delegation, nobody sits as delegate; the refusal cites København's
    # delegation rule, not the core's (issue 14, item 5).
    resp = sec.put(f"meetings/{district_meeting}/attendance/domea", json={
        "status": "present", "acting_as": "delegate", "person": "aysel.holm@kab.example"})
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("KBH-7", "delegation_allowed")
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
    assert resp.status_code == 409 and resp.get_json()["clause"] == "KBH-7"
    from core.extensions import db
    from core.meetings.models import MandateDelegation

    with in_tenant("kobenhavn"):
        assert db.session.scalar(sa.select(sa.func.count(MandateDelegation.id))) == 0


AMAGER_DELEGATIONS = "bodies/bydelsbestyrelse-amager-vvvk/delegations"
DOMEA = "dorit.mejer@domea.example"  # holds Domea's seat on the district board


def _delegations(in_tenant):
    from core.extensions import db
    from core.meetings.models import MandateDelegation

    with in_tenant("kobenhavn"):
        return db.session.scalar(sa.select(sa.func.count(MandateDelegation.id)))


@pytest.mark.parametrize("seat, to, field, why", [
    ("domea", "FOB", "to_organisation", "deltager ikke i"),  # a Slagelse organisation
    ("domea", "DOMEA", "to_organisation", "pladsens egen organisation"),  # to itself
    ("domea", "NOPE", "to_organisation", "Ukendt organisation"),
])
def test_a_mandate_goes_only_to_another_organisation_of_the_tenant_KBH_7(
        district_meeting, sync_tenant, api, in_tenant, seat, to, field, why):
    """A Slagelse organisation holding Domea's mandate would be counted present for quorum
    in København; a mandate handed to its own organisation is no delegation."""
    sync_tenant("slagelse")  # FOB exists on the platform, in another tenant
    resp = api(KBH_SEC, "kobenhavn").post(AMAGER_DELEGATIONS, json={
        "seat": seat, "to_organisation": to, "starts_on": "2021-01-01", "ends_on": "2021-12-31"})
    assert resp.status_code == 422, resp.get_json()
    assert why in resp.get_json()["errors"]["json"][field][0]
    assert _delegations(in_tenant) == 0


def test_a_seat_without_a_vote_has_no_mandate_to_delegate_KBH_7(district_meeting, api, in_tenant):
    resp = api(KBH_SEC, "kobenhavn").post(AMAGER_DELEGATIONS, json={
        "seat": "bsk-sekretaer", "to_organisation": "KAB", "starts_on": "2021-01-01",
        "ends_on": "2021-12-31"})
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("CORE-MANDATE", "delegation_allowed")
    assert "ingen stemme" in resp.get_json()["message"]
    assert _delegations(in_tenant) == 0


def test_overlapping_delegations_of_one_seat_are_refused_KBH_7(district_meeting, api, in_tenant):
    sec = api(KBH_SEC, "kobenhavn")
    assert sec.post(AMAGER_DELEGATIONS, json={
        "seat": "domea", "to_organisation": "KAB", "starts_on": "2021-01-01",
        "ends_on": "2021-12-31"}).status_code == 201
    resp = sec.post(AMAGER_DELEGATIONS, json={
        "seat": "domea", "to_organisation": "AAB", "starts_on": "2021-06-01", "ends_on": "2022-05-31"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "KBH-7"
    assert "allerede lagt hos KAB" in resp.get_json()["message"]
    # After the first ends, a new year may be delegated.
    assert sec.post(AMAGER_DELEGATIONS, json={
        "seat": "domea", "to_organisation": "AAB", "starts_on": "2022-01-01",
        "ends_on": "2022-12-31"}).status_code == 201
    assert _delegations(in_tenant) == 2


def test_the_member_delegates_its_own_mandate_KBH_7(district_meeting, api, in_tenant):
    """KBH-7: "medlemmerne kan lægge sit mandat": Domea's member records it; not another's."""
    member = api(DOMEA, "kobenhavn")
    resp = member.post(AMAGER_DELEGATIONS, json={
        "seat": "domea", "to_organisation": "KAB", "starts_on": "2021-01-01", "ends_on": "2021-12-31"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["verdict"]["clause"] == "KBH-7"
    other = member.post(AMAGER_DELEGATIONS, json={
        "seat": "aab", "to_organisation": "KAB", "starts_on": "2021-01-01", "ends_on": "2021-12-31"})
    assert other.status_code == 403
    assert _delegations(in_tenant) == 1


def test_an_expired_delegation_is_refused_with_the_delegation_rule_KBH_7(
        district_meeting, api, in_tenant):
    sec = api(KBH_SEC, "kobenhavn")
    assert sec.post(AMAGER_DELEGATIONS, json={
        "seat": "domea", "to_organisation": "KAB", "starts_on": "2020-01-01",
        "ends_on": "2020-12-31"}).status_code == 201
    resp = sec.put(f"meetings/{district_meeting}/attendance/domea", json={
        "status": "present", "acting_as": "delegate", "person": "aysel.holm@kab.example"})
    assert resp.status_code == 409
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("KBH-7", "delegation_allowed")
    assert "til 31.12.2020" in resp.get_json()["message"]
