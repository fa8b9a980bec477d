"""The secretariat adds a seat, gives a seat a new holder from a day and ends a seat, over
the API (core/bodies/seats.py): each checked as a tenant file's seat is, refused with a 4xx
naming the field and nothing written, the same request twice changing nothing, every change
in the tenant's hash-chained audit log; only the tenant's secretariat (and the platform
administrator) may, and another tenant's seat answers 404."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify_chain
from core.bodies.models import Seat, SeatHolding
from core.extensions import db
from tests.fixtures.dates import at
from tests.fixtures.testby import ANNA, BENT, CHAIR, NABO_SECRETARY, OUTSIDER, SECRETARY, SUBSTITUTE

T = "/api/v1/tenants/testby"
SEATS = f"{T}/bodies/bestyrelse/seats"
NEW_SEAT = {"key": "b2", "title": "Medlem 2 (Boligselskabet B)", "organisation": "TST-B",
            "role": "member", "voting": True, "holder": OUTSIDER, "valid_from": "2018-02-01"}


@pytest.fixture
def sec(testby, clock, member):
    clock.set(at(2018, 1, 15, 9))
    return member(SECRETARY)


def _state(in_tenant) -> tuple:
    """Everything a refused change must leave as it was: the seats, holdings and audit."""
    with in_tenant("testby"):
        seats = db.session.execute(sa.select(Seat.key, Seat.ended_on, Seat.valid_to)
                                   .order_by(Seat.id)).all()
        holdings = db.session.execute(sa.select(SeatHolding.seat_id, SeatHolding.holder_id,
                                                SeatHolding.valid_from, SeatHolding.valid_to)
                                      .order_by(SeatHolding.id)).all()
        audit = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    return seats, holdings, audit


def _audit(in_tenant, action: str) -> list[dict]:
    with in_tenant("testby") as tenant:
        assert verify_chain(tenant.id).ok
        return [e.payload for e in db.session.scalars(
            sa.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq))]


def test_the_secretariat_adds_a_seat_held_from_a_day(sec, in_tenant):
    resp = sec.post(SEATS, json=NEW_SEAT)
    assert resp.status_code == 201, resp.get_json()
    seat = resp.get_json()
    assert (seat["key"], seat["organisation"], seat["role"], seat["is_voting"]) == ("b2", "TST-B", "member", True)
    assert seat["holdings"] == [{"holder": "Ulla Udenfor", "valid_from": "2018-02-01", "valid_to": None}]
    body = sec.get(f"{T}/bodies/bestyrelse").get_json()
    assert "b2" in [s["key"] for s in body["seats"]]
    (entry,) = [e for e in _audit(in_tenant, "seat.created") if e.get("by")]  # not the sync's
    assert entry["key"] == "b2" and entry["organisation"] == "TST-B" and entry["by"].startswith("user:")
    assert entry["holder"].startswith("user:") and entry["valid_from"] == "2018-02-01"
    # the same seat again: its key is taken, nothing is written
    before = _state(in_tenant)
    again = sec.post(SEATS, json=NEW_SEAT)
    assert again.status_code == 422 and "key" in again.get_json()["errors"]["json"]
    assert _state(in_tenant) == before


@pytest.mark.parametrize("change, field", [
    ({"organisation": "NOPE"}, "organisation"),
    ({"holder": CHAIR}, "holder"),  # acts for TST-A, not for the seat's TST-B
    ({"holder": NABO_SECRETARY}, "holder"),  # a person of another tenant is unknown here
    ({"holder": "nobody@testby.example"}, "holder"),
    ({"role": "secretary", "voting": True}, "voting"),
    ({"valid_to": "2018-01-31"}, "valid_to"),
    ({"key": "Not A Key"}, "key"),
    ({"valid_from": "2018-13-01"}, "valid_from"),
    ({"role": "king"}, "role"),
])
def test_a_seat_the_tenant_file_would_refuse_is_refused_naming_the_field(sec, in_tenant, change, field):
    before = _state(in_tenant)
    resp = sec.post(SEATS, json={**NEW_SEAT, **change})
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]["json"], resp.get_json()
    assert _state(in_tenant) == before


def test_a_new_holder_from_a_day_closes_the_holding_the_day_before(sec, in_tenant):
    path = f"{SEATS}/formand/holdings"
    resp = sec.post(path, json={"holder": SUBSTITUTE, "valid_from": "2018-04-01"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["holdings"] == [
        {"holder": "Formand Testby", "valid_from": None, "valid_to": "2018-03-31"},
        {"holder": "Sofie Suppleant", "valid_from": "2018-04-01", "valid_to": None},
    ]
    assert resp.get_json()["holder"] == "Formand Testby"  # still today's (15 January)
    (entry,) = _audit(in_tenant, "seat.holder_changed")
    assert entry["key"] == "formand" and entry["valid_from"] == "2018-04-01"
    assert entry["holder"]["from"].startswith("user:") and entry["holder"]["to"].startswith("user:")
    assert entry["holder"]["from"] != entry["holder"]["to"]
    # the same change again changes nothing and writes nothing
    before = _state(in_tenant)
    assert sec.post(path, json={"holder": SUBSTITUTE, "valid_from": "2018-04-01"}).status_code == 200
    assert _state(in_tenant) == before
    # a change on or before the day a later holding begins would overlap it
    for day in ("2018-04-01", "2018-03-01"):
        refused = sec.post(path, json={"holder": CHAIR, "valid_from": day})
        assert refused.status_code == 422 and "valid_from" in refused.get_json()["errors"]["json"]
    assert _state(in_tenant) == before
    # vacant from a later day: the holding ends the day before
    vacant = sec.post(path, json={"holder": None, "valid_from": "2018-09-01"})
    assert vacant.status_code == 200
    assert vacant.get_json()["holdings"][-1] == {
        "holder": "Sofie Suppleant", "valid_from": "2018-04-01", "valid_to": "2018-08-31"}


def test_a_change_may_not_rewrite_who_sat_in_a_meeting_held(sec, in_tenant, make_meeting, clock):
    make_meeting("testby", "bestyrelse", at(2018, 1, 10, 15))  # held before "today" (15 January)
    before = _state(in_tenant)
    resp = sec.post(f"{SEATS}/a2/holdings", json={"holder": SUBSTITUTE, "valid_from": "2018-01-10"})
    assert resp.status_code == 422 and "valid_from" in resp.get_json()["errors"]["json"]
    assert "10.01.2018" in resp.get_json()["errors"]["json"]["valid_from"][0]
    ended = sec.post(f"{SEATS}/a2/end", json={"ended_on": "2018-01-05"})
    assert ended.status_code == 422 and "ended_on" in ended.get_json()["errors"]["json"]
    assert _state(in_tenant) == before
    assert sec.post(f"{SEATS}/a2/holdings",
                    json={"holder": SUBSTITUTE, "valid_from": "2018-01-11"}).status_code == 200


def test_a_holder_must_act_for_the_seats_organisation(sec, in_tenant):
    before = _state(in_tenant)
    resp = sec.post(f"{SEATS}/b/holdings", json={"holder": ANNA, "valid_from": "2018-03-01"})
    assert resp.status_code == 422
    assert resp.get_json()["errors"]["json"]["holder"] == ["Personen handler ikke for pladsens organisation."]
    bad = sec.post(f"{SEATS}/b/holdings", json={"holder": BENT, "valid_from": "2018-03-01",
                                                "valid_to": "2018-02-01"})
    assert bad.status_code == 422 and "valid_to" in bad.get_json()["errors"]["json"]
    missing = sec.post(f"{SEATS}/b/holdings", json={"holder": BENT})
    assert missing.status_code == 422 and "valid_from" in missing.get_json()["errors"]["json"]
    assert _state(in_tenant) == before


def test_the_secretariat_ends_a_seat_from_a_day(sec, in_tenant):
    resp = sec.post(f"{SEATS}/b/end", json={"ended_on": "2018-06-01"})
    assert resp.status_code == 200, resp.get_json()
    seat = resp.get_json()
    assert seat["ended_on"] == "2018-06-01"
    assert seat["holdings"][-1]["valid_to"] == "2018-05-31"
    (entry,) = _audit(in_tenant, "seat.ended")
    assert entry["key"] == "b" and entry["ended_on"] == {"from": None, "to": "2018-06-01"}
    before = _state(in_tenant)
    assert sec.post(f"{SEATS}/b/end", json={"ended_on": "2018-06-01"}).status_code == 200
    assert _state(in_tenant) == before
    other = sec.post(f"{SEATS}/b/end", json={"ended_on": "2018-07-01"})
    assert other.status_code == 422 and "ended_on" in other.get_json()["errors"]["json"]
    # an ended seat takes no new holder from the day it ended
    late = sec.post(f"{SEATS}/b/holdings", json={"holder": OUTSIDER, "valid_from": "2018-06-01"})
    assert late.status_code == 422 and "valid_from" in late.get_json()["errors"]["json"]
    assert _state(in_tenant) == before
    # the seat and its history stay readable
    history = sec.get(f"{SEATS}/b").get_json()
    assert history["holdings"][0]["holder"] == "Bent Berg"


def test_only_the_secretariat_changes_seats(sec, member, app, in_tenant):
    before = _state(in_tenant)
    anonymous = app.test_client()
    assert anonymous.post(SEATS, json=NEW_SEAT).status_code == 401
    # a board member: 403; a person with no role in the tenant: 404 (docs/permissions.md)
    for who, status in ((CHAIR, 403), (OUTSIDER, 404)):
        assert member(who).post(SEATS, json=NEW_SEAT).status_code == status
        assert member(who).post(f"{SEATS}/formand/holdings",
                                json={"holder": SUBSTITUTE, "valid_from": "2018-04-01"}).status_code == status
        assert member(who).post(f"{SEATS}/formand/end", json={"ended_on": "2018-04-01"}).status_code == status
    assert _state(in_tenant) == before


def test_another_tenants_seat_answers_404(sec, naboby, member, in_tenant):
    nabo = member(NABO_SECRETARY)
    before = _state(in_tenant)
    # Naboby's secretariat on Testby's seats: the tenant wall
    assert nabo.post(SEATS, json=NEW_SEAT).status_code == 404
    assert nabo.post(f"{SEATS}/formand/holdings",
                     json={"holder": SUBSTITUTE, "valid_from": "2018-04-01"}).status_code == 404
    # Testby's secretariat on Naboby's seats, and on a seat its board does not have
    nabo_seats = "/api/v1/tenants/naboby/bodies/bestyrelse/seats"
    with in_tenant("naboby"):
        nabo_before = db.session.execute(sa.select(SeatHolding.id, SeatHolding.valid_to)).all()
    assert sec.post(f"{nabo_seats}/formand/end", json={"ended_on": "2018-04-01"}).status_code == 404
    assert sec.post(f"{nabo_seats}/formand/holdings",
                    json={"holder": SUBSTITUTE, "valid_from": "2018-04-01"}).status_code == 404
    assert sec.post(nabo_seats, json=NEW_SEAT).status_code == 404
    assert sec.post(f"{SEATS}/findes-ikke/end", json={"ended_on": "2018-04-01"}).status_code == 404
    assert sec.get(f"{SEATS}/findes-ikke").status_code == 404
    assert _state(in_tenant) == before
    with in_tenant("naboby"):
        assert db.session.execute(sa.select(SeatHolding.id, SeatHolding.valid_to)).all() == nabo_before


def test_the_seat_routes_are_in_the_openapi_document(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/tenants/{tenant}/bodies/{key}/seats"
    assert "post" in paths[base]
    assert "get" in paths[base + "/{seat_key}"]
    assert "post" in paths[base + "/{seat_key}/holdings"]
    assert "post" in paths[base + "/{seat_key}/end"]


def test_a_platform_administrator_changes_seats_too(sec, member, in_tenant):
    """A platform administrator with no role in the tenant may do what its secretariat may."""
    from core.identity.models import User

    with in_tenant("testby"):
        admin = db.session.scalar(sa.select(User).filter_by(email=BENT))
        admin.is_platform_admin = True
        db.session.commit()
    resp = member(BENT).post(f"{SEATS}/a2/holdings", json={"holder": SUBSTITUTE, "valid_from": "2018-03-01"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["holdings"][-1]["holder"] == "Sofie Suppleant"


def test_the_seat_page_takes_a_person_or_a_vacancy_chosen_on_purpose(sec, in_tenant):
    """The page's holder list starts with «Vælg …»: sent as it is, nothing is written and
    the field is named; «Ledig» leaves the seat vacant from the date."""
    from tests.web.conftest import csrf_token

    page = "/testby/organer/bestyrelse/pladser/b"
    action = f"{page}/indehaver"
    before = _state(in_tenant)
    refused = sec.post(action, data={"csrf_token": csrf_token(sec, page), "holder": "",
                                     "valid_from": "2018-03-01"})
    assert refused.status_code == 422
    assert "Indehaver: vælg en person eller «Ledig»." in refused.get_data(as_text=True)
    assert _state(in_tenant) == before
    vacant = sec.post(action, data={"csrf_token": csrf_token(sec, page), "holder": "ledig",
                                    "valid_from": "2018-03-01"})
    assert vacant.status_code == 302
    assert sec.get(f"{SEATS}/b").get_json()["holdings"] == [
        {"holder": "Bent Berg", "valid_from": None, "valid_to": "2018-02-28"}]


def test_another_tenants_organisation_is_not_one_a_seat_may_represent(sec, naboby, in_tenant):
    """NAB-BO takes part in Naboby, not in Testby: a seat for it is refused (``organisation``),
    and the seats' page does not offer it."""
    before = _state(in_tenant)
    resp = sec.post(SEATS, json={**NEW_SEAT, "organisation": "NAB-BO", "holder": None})
    assert resp.status_code == 422 and "organisation" in resp.get_json()["errors"]["json"], resp.get_json()
    assert _state(in_tenant) == before
    page = sec.get("/testby/organer/bestyrelse/pladser").get_data(as_text=True)
    assert 'value="TST-B"' in page and "NAB-BO" not in page
