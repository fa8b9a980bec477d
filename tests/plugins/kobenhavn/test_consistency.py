"""What a user notices when things disagree (issue 14, item 8), on København's district
board: meetings within their body's period (CORE-PERIOD), meetings with titles, listed by
title and date."""

import pytest

from tests.fixtures.dates import at

KBH_SEC = "bolette.sejr@bsk.example"  # secretary of Bydelsbestyrelse Amager + VVVK
AMAGER = "bodies/bydelsbestyrelse-amager-vvvk/meetings"


@pytest.fixture
def kbh(sync_tenant, clock):
    sync_tenant("kobenhavn")
    clock.set(at(2020, 3, 1, 9))


def test_a_meeting_before_the_bodys_period_is_refused_CORE_PERIOD(kbh, api):
    """The district boards work from 1 September 2020 (their period in the tenant file)."""
    sec = api(KBH_SEC, "kobenhavn")
    resp = sec.post(AMAGER, json={"starts_at": "2020-05-01T13:00:00+00:00", "title": "Opstart"})
    assert resp.status_code == 422
    message = resp.get_json()["errors"]["json"]["starts_at"][0]
    assert "01.09.2020" in message and "CORE-PERIOD" in message
    assert sec.get(AMAGER + "?year=2020").get_json() == []
    ok = sec.post(AMAGER, json={"starts_at": "2020-10-01T13:00:00+00:00", "title": "Opstart"})
    assert ok.status_code == 201, ok.get_json()
    moved = sec.patch(f"meetings/{ok.get_json()['id']}", json={"starts_at": "2020-08-01T13:00:00+00:00"})
    assert moved.status_code == 422 and "starts_at" in moved.get_json()["errors"]["json"]


def test_a_meeting_without_a_title_gets_one_and_is_listed_by_title_and_date(kbh, api):
    sec = api(KBH_SEC, "kobenhavn")
    named = sec.post(AMAGER, json={"starts_at": "2020-11-05T13:00:00+00:00", "title": "Årsmøde"})
    plain = sec.post(AMAGER, json={"starts_at": "2020-10-01T13:00:00+00:00"})
    assert plain.status_code == 201 and plain.get_json()["title"] == (
        "Møde i Bydelsbestyrelse Amager + VVVK")
    listed = sec.get(AMAGER + "?year=2020").get_json()
    assert [(m["title"], m["starts_at"][:10]) for m in listed] == [
        ("Møde i Bydelsbestyrelse Amager + VVVK", "2020-10-01"), ("Årsmøde", "2020-11-05")]
    assert named.get_json()["title"] == "Årsmøde"
