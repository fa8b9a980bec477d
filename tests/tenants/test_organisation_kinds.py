"""Organisation kinds: the residents' own representation (a department board) is a kind
of its own, as kommissorier name it beside the housing organisations and the municipality."""

from tests.fixtures.tenants import two_bodies


def test_a_residents_representation_takes_a_seat_and_is_listed_with_its_kind(sync_tenant, write_tenant_file, client):
    text = two_bodies("aby", "A").replace(
        'code = "A-BO"\nname = "A Boligselskab"\nkind = "housing_organisation"',
        'code = "A-BO"\nname = "Afdelingsbestyrelsen i Aby"\nkind = "residents_representation"')
    assert 'kind = "residents_representation"' in text
    sync_tenant(write_tenant_file(text))
    orgs = {o["code"]: o for o in client.get("/api/v1/tenants/aby/organisations").get_json()}
    assert orgs["A-BO"]["kind"] == "residents_representation"
    seats = client.get("/api/v1/tenants/aby/bodies/bestyrelse").get_json()["seats"]
    assert any(s["organisation"] == "A-BO" and s["is_voting"] for s in seats)
