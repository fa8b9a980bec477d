"""VEJ-2 when the secretariat adds FKU's seats in the browser or the API: FKU has at most 8
seats besides the head of the joint secretariat, checked by the same hook a tenant file's
sync runs (``validate_body``), refused with the clause and nothing written."""

import sqlalchemy as sa

from core.bodies.models import Body, Seat
from core.extensions import db

V = "/api/v1/tenants/vejle"
SECRETARIAT = "laerke.lindberg@bolivvejle.example"
FKU_SEATS = f"{V}/bodies/fku/seats"


def _seat(key: str, **change) -> dict:
    return {"key": key, "title": f"Ekstra plads {key}", "organisation": "VEJ-KOM", "role": "member",
            "voting": True, "holder": "vagn.vejlby@vejle.example", "valid_from": "2030-01-01", **change}


def _fku_seat_keys(in_tenant) -> list[str]:
    with in_tenant("vejle"):
        return list(db.session.scalars(sa.select(Seat.key).join(Body).where(Body.key == "fku")
                                       .order_by(Seat.id)))


def test_a_ninth_fku_seat_is_refused_with_its_clause_VEJ_2(sync_tenant, member, in_tenant):
    sync_tenant("vejle")
    sec = member(SECRETARIAT)
    eighth = sec.post(FKU_SEATS, json=_seat("ekstra-1"))  # the file has 7 besides the head
    assert eighth.status_code == 201, eighth.get_json()
    before = _fku_seat_keys(in_tenant)
    ninth = sec.post(FKU_SEATS, json=_seat("ekstra-2"))
    assert ninth.status_code == 422, ninth.get_json()
    answer = ninth.get_json()
    assert (answer["clause"], answer["rule"]) == ("VEJ-2", "validate_body")
    assert "FKU har højst 8 pladser" in answer["message"]
    assert answer["errors"]["json"]["seats"] == [answer["message"] + " (VEJ-2)"]
    assert _fku_seat_keys(in_tenant) == before  # nothing written


def test_the_head_of_the_joint_secretariat_is_not_counted_VEJ_2(sync_tenant, member, in_tenant):
    sync_tenant("vejle")
    sec = member(SECRETARIAT)
    assert sec.post(FKU_SEATS, json=_seat("ekstra-1")).status_code == 201
    secretary = sec.post(FKU_SEATS, json=_seat("sekretaer-2", role="secretary", voting=False,
                                                  organisation="FS", holder="susan.soerensen@bolivvejle.example"))
    assert secretary.status_code == 201, secretary.get_json()
    assert "sekretaer-2" in _fku_seat_keys(in_tenant)


def test_an_ended_fku_seat_makes_room_from_its_day_VEJ_2(sync_tenant, member, in_tenant):
    """Eight seats from 2030: one ended from 1 March 2030 leaves room for another from then,
    not before (the limit holds on every day)."""
    sync_tenant("vejle")
    sec = member(SECRETARIAT)
    assert sec.post(FKU_SEATS, json=_seat("ekstra-1")).status_code == 201
    assert sec.post(f"{FKU_SEATS}/ekstra-1/end", json={"ended_on": "2030-03-01"}).status_code == 200
    assert sec.post(FKU_SEATS, json=_seat("ekstra-2", valid_from="2030-03-01")).status_code == 201
