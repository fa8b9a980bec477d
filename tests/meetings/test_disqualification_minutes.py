"""The minutes record a disqualification (CORE-DISQUALIFIED): "<navn> deltog ikke i
behandlingen af punktet på grund af inhabilitet" (and in English) under the item, in the
members' minutes, the minutes PDF and the public minutes — which name the member but not a
closed item's content, nor the reason."""

from datetime import datetime, timezone

from tests.documents.conftest import text_of
from tests.fixtures.meetings import sit_and_hold
from tests.fixtures.testby import ANNA, SECRETARY

UTC = timezone.utc
LINE = "Anna Andersen deltog ikke i behandlingen af punktet på grund af inhabilitet."


def at(*args):
    return datetime(*args, tzinfo=UTC)


def test_the_minutes_name_the_disqualified_member_CORE_DISQUALIFIED(testby, clock, make_meeting, api, client):
    meeting = make_meeting(testby, "gruppe", at(2018, 3, 20, 14))
    sec = api(SECRETARY, testby)
    closed = sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Sag om en beboer", "case_text": "Navn og adresse …",
        "is_confidential": True, "confidentiality_reason": "personal_matters"}).get_json()
    sec.post(f"meetings/{meeting}/items", json={"kind": "D", "title": "Lektiecafé", "case_text": "Åben sag"})
    clock.set(at(2018, 3, 10, 9))
    sec.post(f"meetings/{meeting}/publish-agenda")
    resp = api(ANNA, testby).post(f"meetings/{meeting}/items/{closed['id']}/disqualifications",
                                  json={"reason": "Nabo til beboeren"})
    assert resp.status_code == 201, resp.get_json()
    clock.set(at(2018, 3, 20, 17))
    sit_and_hold(sec, meeting)
    for item in sec.get(f"meetings/{meeting}").get_json()["items"]:
        body = {"decision": f"Drøftet: {item['title']}"}
        if item["is_confidential"]:
            body["public_decision"] = "Gruppen drøftede en personsag."
        assert sec.put(f"meetings/{meeting}/items/{item['id']}/minutes", json=body).status_code == 200
    minutes = sec.get(f"meetings/{meeting}/minutes").get_json()
    entry = next(e for e in minutes["versions"][0]["entries"] if e["item_id"] == closed["id"])
    assert entry["disqualifications"] == [{"name": "Anna Andersen", "text": LINE,
                                           "text_en": "Anna Andersen took no part in the item owing "
                                                      "to disqualification."}]
    page = sec.client.get(f"/testby/moeder/{meeting}").get_data(as_text=True)
    assert LINE in page
    clock.set(at(2018, 3, 25, 9))
    assert sec.post(f"meetings/{meeting}/send-minutes").status_code == 200

    [m] = client.get("/api/v1/public/tenants/testby/meetings").get_json()
    item = next(i for i in m["items"] if i["is_confidential"])
    assert [d["text"] for d in item["disqualifications"]] == [LINE]
    assert "beboer" not in str(m) and "Nabo til beboeren" not in str(m)
    public_page = client.get(f"/testby/offentlig/moeder/{meeting}").get_data(as_text=True)
    assert LINE in public_page and "Nabo til beboeren" not in public_page
    for edition, client_ in (("offentlig", client), ("medlemmer", sec.client)):
        pdf = client_.get(f"/testby/moeder/{meeting}/referat.pdf?udgave={edition}")
        assert pdf.status_code == 200, edition
        text = " ".join(text_of(pdf.data).split())
        assert LINE in text, edition
    assert "Navn og adresse" not in text_of(client.get(f"/testby/moeder/{meeting}/referat.pdf").data)


def test_a_secretary_disqualified_on_a_closed_item_neither_reads_nor_writes_its_minutes_CORE_DISQUALIFIED(
        testby, clock, make_meeting, api, in_tenant):
    """The secretary's minutes form leaves out a closed item the secretary stands
    disqualified on (its draft decision too), and writing it is refused with the clause;
    someone else in the secretariat writes it."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.meetings import operations as meetings
    from core.meetings.models import AgendaItem, Meeting

    meeting = make_meeting(testby, "gruppe", at(2018, 3, 20, 14))
    sec = api(SECRETARY, testby)
    closed = sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Sag om en beboer", "case_text": "Navn og adresse …",
        "is_confidential": True, "confidentiality_reason": "personal_matters"}).get_json()
    clock.set(at(2018, 3, 10, 9))
    sec.post(f"meetings/{meeting}/publish-agenda")
    resp = sec.post(f"meetings/{meeting}/items/{closed['id']}/disqualifications",
                    json={"reason": "Familie til beboeren"})
    assert resp.status_code == 201, resp.get_json()
    clock.set(at(2018, 3, 20, 17))
    sit_and_hold(sec, meeting)
    with in_tenant(testby):  # written by another of the secretariat
        m = db.session.get(Meeting, meeting)
        item = db.session.scalar(sa.select(AgendaItem).filter_by(id=closed["id"]))
        meetings.write_entry(m, item, {"decision": "Beboeren HEMMELIG får hjælp",
                                       "public_decision": "Gruppen drøftede en personsag."})
        db.session.commit()

    page = sec.client.get(f"/testby/moeder/{meeting}").get_data(as_text=True)
    assert "Beboeren HEMMELIG" not in page and "Navn og adresse" not in page
    assert "Du er erklæret inhabil på dette lukkede punkt" in page
    refused = sec.put(f"meetings/{meeting}/items/{closed['id']}/minutes", json={"decision": "x"})
    assert refused.status_code == 403 and refused.get_json()["clause"] == "CORE-DISQUALIFIED"
    with in_tenant(testby):
        entry = next(e for e in meetings.current_version(db.session.get(Meeting, meeting)).entries
                     if e.item_id == closed["id"])
        assert entry.decision == "Beboeren HEMMELIG får hjælp"  # nothing written
