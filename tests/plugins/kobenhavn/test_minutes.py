"""Copenhagen's minutes: information recipients (KBH-2) get the minutes when they are sent,
not the draft; without an approval they are final at once."""

from datetime import datetime, timezone

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


def test_information_recipients_get_the_minutes_when_sent_not_the_draft_KBH_2(sync_tenant, clock, make_meeting, api):
    sync_tenant("kobenhavn")
    meeting = make_meeting("kobenhavn", "samarbejdsforum", at(2021, 3, 1, 13))
    sec = api("tobias.trier@tmf.kk.example", "kobenhavn")
    item = sec.post(f"meetings/{meeting}/items", json={"kind": "B", "title": "Fælles indsats"}).get_json()
    held(api, clock, "tobias.trier@tmf.kk.example", "kobenhavn", meeting, at(2021, 2, 20, 9), at(2021, 3, 1, 16))
    sec.put(f"meetings/{meeting}/items/{item['id']}/minutes", json={"decision": "Udkast."})
    dab = api("dan.brix@dab.example", "kobenhavn")
    assert dab.get(f"meetings/{meeting}/minutes").get_json()["versions"] == []
    assert sec.post(f"meetings/{meeting}/send-minutes").status_code == 200
    [version] = dab.get(f"meetings/{meeting}/minutes").get_json()["versions"]
    assert version["entries"][-1]["decision"] == "Udkast." and version["approved_at"]  # final: no approval (KBH)
