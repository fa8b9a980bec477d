"""The unauthenticated public API: published agendas and final minutes of a tenant,
never a closed item's content."""

from datetime import datetime, timezone
from tests.fixtures.meetings import sit_and_hold

from tests.fixtures.testby import SECRETARY

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


def test_public_lists_only_published_meetings_and_final_minutes(testby, clock, make_meeting, api, client):
    published = make_meeting(testby, "gruppe", at(2018, 3, 20, 14))
    make_meeting(testby, "gruppe", at(2018, 6, 20, 14))  # planned only
    sec = api(SECRETARY, testby)
    sec.post(f"meetings/{published}/items", json={
        "kind": "D", "title": "Sag om en beboer", "case_text": "Navn og adresse …",
        "is_confidential": True, "confidentiality_reason": "personal_matters"})
    sec.post(f"meetings/{published}/items", json={"kind": "D", "title": "Lektiecafé", "case_text": "Åben sag"})
    clock.set(at(2018, 3, 10, 9))
    sec.post(f"meetings/{published}/publish-agenda")

    listed = client.get("/api/v1/public/tenants/testby/meetings?year=2018").get_json()
    assert [m["id"] for m in listed] == [published]
    [m] = listed
    assert m["minutes_version"] is None and all(i["decision"] is None for i in m["items"])
    assert "beboer" not in str(m) and "Navn og adresse" not in str(m)
    assert any(i["title"] == "Lektiecafé" and i["case_text"] == "Åben sag" for i in m["items"])

    # Minutes of a body whose rules require no approval are public once sent (final).
    clock.set(at(2018, 3, 20, 17))
    sit_and_hold(sec, published)
    items = sec.get(f"meetings/{published}").get_json()["items"]
    for item in items:
        body = {"decision": f"Drøftet: {item['title']}"}
        if item["is_confidential"]:
            body["public_decision"] = "Gruppen drøftede en personsag."
        assert sec.put(f"meetings/{published}/items/{item['id']}/minutes", json=body).status_code == 200
    clock.set(at(2018, 3, 25, 9))
    assert sec.post(f"meetings/{published}/send-minutes").status_code == 200
    [m] = client.get("/api/v1/public/tenants/testby/meetings").get_json()
    assert m["minutes_version"] == 1
    decisions = [i["decision"] for i in m["items"]]
    assert "Gruppen drøftede en personsag." in decisions and "Drøftet: Lektiecafé" in decisions
    assert "beboer" not in str(m)


def test_public_api_of_an_unknown_tenant_is_404(client, app):
    assert client.get("/api/v1/public/tenants/nowhere/meetings").status_code == 404
