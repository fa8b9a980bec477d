"""The whole meeting's attendance in one go: ``PUT …/meetings/<id>/attendance`` and the
secretary's one form, all or nothing, each refused seat named with its reason and clause
(KBH-6: no stand-ins; KBH-7: a delegated mandate; ALB-B5: a substitute); one seat can still
be changed alone."""

from datetime import datetime, timezone

import pytest


UTC = timezone.utc
SANNE = "sanne.skov@abc.example"
KBH_SEC = "bolette.sejr@bsk.example"  # secretary of Bydelsbestyrelse Amager + VVVK
KAB_DEPUTY = "aysel.holm@kab.example"
AMAGER = "bydelsbestyrelse-amager-vvvk"


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def district(sync_tenant, clock, make_meeting):
    sync_tenant("kobenhavn")
    clock.set(at(2021, 1, 5, 9))
    return make_meeting("kobenhavn", AMAGER, at(2021, 3, 1, 13))


def _seats(sec):
    return [s["key"] for s in sec.get(f"bodies/{AMAGER}").get_json()["seats"] if s["holder"]]


def _recorded(sec, meeting):
    return {a["seat"]: a for a in sec.get(f"meetings/{meeting}").get_json()["attendance"]}


def test_every_seat_in_one_call(district, api):
    sec = api(KBH_SEC, "kobenhavn")
    seats = _seats(sec)
    body = {key: {"status": "present"} for key in seats}
    body[seats[0]] = {"status": "apologies"}
    resp = sec.put(f"meetings/{district}/attendance", json={"seats": body})
    assert resp.status_code == 200, resp.get_json()
    got = {a["seat"]: a["status"] for a in resp.get_json()}
    assert got == {key: ("apologies" if key == seats[0] else "present") for key in seats}
    assert {k: a["status"] for k, a in _recorded(sec, district).items()} == got
    # One seat still changes alone.
    one = sec.put(f"meetings/{district}/attendance/{seats[0]}", json={"status": "present"})
    assert one.status_code == 200 and _recorded(sec, district)[seats[0]]["status"] == "present"


def test_all_or_nothing_each_refused_seat_named_with_its_clause_KBH_6_KBH_7(district, api):
    sec = api(KBH_SEC, "kobenhavn")
    seats = _seats(sec)
    body = {key: {"status": "present"} for key in seats}
    # KAB sends a stand-in (KBH-6), Domea's mandate is claimed by KAB's deputy without a
    # delegation (KBH-7), and a seat the body does not have.
    body["kab"] = {"status": "present", "acting_as": "substitute", "person": KAB_DEPUTY}
    body["domea"] = {"status": "present", "acting_as": "delegate", "person": KAB_DEPUTY}
    body["no-such-seat"] = {"status": "present"}
    resp = sec.put(f"meetings/{district}/attendance", json={"seats": body})
    assert resp.status_code == 422, resp.get_json()
    refused = resp.get_json()["errors"]["json"]["seats"]
    assert set(refused) == {"kab", "domea", "no-such-seat"}
    assert refused["kab"][0].endswith("(KBH-6)") and "vikar" in refused["kab"][0]
    assert "(CORE-MANDATE)" in refused["domea"][0] or "(KBH-7)" in refused["domea"][0]
    assert "ingen plads no-such-seat" in refused["no-such-seat"][0]
    assert _recorded(sec, district) == {}  # nothing kept, not even the seats that were fine


def test_only_the_secretary_records_every_seat(district, api):
    member = api("signe.vang@sof.kk.example", "kobenhavn")
    resp = member.put(f"meetings/{district}/attendance", json={"seats": {"sof-voksen": {"status": "present"}}})
    assert resp.status_code == 403
    empty = api(KBH_SEC, "kobenhavn").put(f"meetings/{district}/attendance", json={"seats": {}})
    assert empty.status_code == 422 and "seats" in empty.get_json()["errors"]["json"]


def test_the_secretarys_one_form_KBH_6(district, api, member, in_tenant):
    """The page: one form lists every seat; a refusal comes back with each refused seat's
    reason and clause next to it and what was chosen kept; then the whole form is saved."""
    from tests.web.conftest import csrf_token

    sec = member(KBH_SEC)
    page = f"/kobenhavn/moeder/{district}/fremmoede/alle"
    html = sec.get(page).get_data(as_text=True)
    seats = _seats(api(KBH_SEC, "kobenhavn"))
    assert all(f'name="status-{k}"' in html for k in seats)
    form = {f"status-{k}": "present" for k in seats}
    form.update({"acting_as-kab": "substitute", "person-kab": KAB_DEPUTY})
    resp = sec.post(page, data={"csrf_token": csrf_token(sec, page), **form})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "(KBH-6)" in html and 'aria-invalid="true"' in html
    assert f'value="{KAB_DEPUTY}"' in html  # what was typed is kept
    assert _recorded(api(KBH_SEC, "kobenhavn"), district) == {}

    form.update({"acting_as-kab": "holder", "person-kab": "", "status-kab": "apologies"})
    resp = sec.post(page, data={"csrf_token": csrf_token(sec, page), **form}, follow_redirects=True)
    assert resp.status_code == 200 and "Fremmødet er registreret." in resp.get_data(as_text=True)
    got = {k: a["status"] for k, a in _recorded(api(KBH_SEC, "kobenhavn"), district).items()}
    assert got == {k: ("apologies" if k == "kab" else "present") for k in seats}
