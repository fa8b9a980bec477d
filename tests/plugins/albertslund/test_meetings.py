"""Albertslund's substitutes through the meetings API: a substitute comes from the seat's
own organisation, with the same mandate (ALB-B5)."""

from datetime import datetime, timezone

import pytest

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def board_meeting(sync_tenant, clock, make_meeting):
    sync_tenant("albertslund")
    return make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))


def _attendees(app, in_tenant, meeting_id, tenant):
    from core.extensions import db
    from core.meetings.attendees import attendees
    from core.meetings.models import Meeting

    with in_tenant(tenant):
        db.session.expire_all()
        return {a.seat_key: a for a in attendees(db.session.get(Meeting, meeting_id))}


def test_substitute_from_the_same_organisation_ALB_B5(board_meeting, api, app, in_tenant):
    resp = api(SANNE, "albertslund").put(f"meetings/{board_meeting}/attendance/va-formand", json={
        "status": "present", "acting_as": "substitute", "person": "dennis.dahl@va.example"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["verdict"]["clause"] == "ALB-B5"
    got = _attendees(app, in_tenant, board_meeting, "albertslund")["va-formand"]
    assert got.person == "dennis.dahl@va.example" and got.acting_as == "substitute"


def test_substitute_from_another_organisation_is_refused_ALB_B5(board_meeting, api, app, in_tenant):
    resp = api(SANNE, "albertslund").put(f"meetings/{board_meeting}/attendance/va-formand", json={
        "status": "present", "acting_as": "substitute", "person": "dorte.dam@ab.example"})
    assert resp.status_code == 409  # a rule refused (decision 0025)
    assert resp.get_json()["clause"] == "ALB-B5" and resp.get_json()["rule"] == "substitute_allowed"
    assert _attendees(app, in_tenant, board_meeting, "albertslund")["va-formand"].person is None


def test_a_person_of_an_organisation_in_the_tenant_is_found_ALB_B5(board_meeting, sync_tenant, api):
    """KAB holds a seat in Albertslund: a KAB person without a seat there is one of its
    people, and the rule decides (refused here: a substitute comes from the seat's own
    organisation)."""
    sync_tenant("kobenhavn")
    resp = api(SANNE, "albertslund").put(f"meetings/{board_meeting}/attendance/va-formand", json={
        "status": "present", "acting_as": "substitute", "person": "aysel.holm@kab.example"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "ALB-B5"

