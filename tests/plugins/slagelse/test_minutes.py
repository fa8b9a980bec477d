"""Slagelse's minutes: a member's dissent recorded on request, by name and organisation,
under Slagelse's clause (SLA-6)."""

from datetime import datetime, timezone

import pytest

from tests.fixtures.meetings import sit_and_hold

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"
IDRIS = "idris.skovgaard@slagelse-boligsocial.example"


def at(*args):
    return datetime(*args, tzinfo=UTC)


def held(api, clock, email, tenant, meeting_id, publish_at, held_at):
    sec = api(email, tenant)
    clock.set(publish_at)
    assert sec.post(f"meetings/{meeting_id}/publish-agenda").status_code == 200
    clock.set(held_at)
    assert sit_and_hold(sec, meeting_id).status_code == 200
    return sec


@pytest.fixture
def slagelse_held(sync_tenant, clock, make_meeting, api):
    sync_tenant("slagelse")
    meeting = make_meeting("slagelse", "bestyrelse", at(2019, 3, 1, 13))
    resp = api(IDRIS, "slagelse").post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Ændring af delaftale om uddannelse", "topics": ["sub_agreement"]})
    assert resp.status_code == 201
    sec = held(api, clock, IDRIS, "slagelse", meeting, at(2019, 2, 20, 9), at(2019, 3, 1, 16))
    return sec, meeting


def test_dissent_is_recorded_on_request_SLA_6(slagelse_held, api):
    sec, meeting = slagelse_held
    item = sec.get(f"meetings/{meeting}").get_json()["items"][0]
    member = api("sonja.bruun@slagelse-boligselskab.example", "slagelse")
    resp = member.post(f"meetings/{meeting}/items/{item['id']}/dissents",
                       json={"text": "SB kan ikke tilslutte sig prioriteringen."})
    assert resp.status_code == 200, resp.get_json()
    entry = resp.get_json()["versions"][0]["entries"][0]
    # By name and the organisation of the member's seat, never the e-mail address; the
    # clause is Slagelse's, from its plugin's answer to dissent_allowed (issue 14).
    assert entry["dissents"] == [{
        "by": "Sonja Demo Bruun", "organisation": "SB",
        "text": "SB kan ikke tilslutte sig prioriteringen.", "clause": "SLA-6",
    }]
    assert "slagelse-boligselskab.example" not in resp.get_data(as_text=True).split('"approved_by"')[0]
    # Asking again replaces the member's own dissent rather than adding a second.
    member.post(f"meetings/{meeting}/items/{item['id']}/dissents", json={"text": "Ændret."})
    entry = sec.get(f"meetings/{meeting}/minutes").get_json()["versions"][0]["entries"][0]
    assert [d["text"] for d in entry["dissents"]] == ["Ændret."]
