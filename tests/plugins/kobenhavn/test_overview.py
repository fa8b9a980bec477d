"""København on the dashboard: a person of an organisation that receives a body's material
(KBH-2) sees the tenant without a seat there."""

from __future__ import annotations

from tests.identity.test_overview import _person_of


def test_an_information_recipients_person_sees_the_tenant_KBH_2(client, login, sync_tenant):
    sync_tenant("kobenhavn")
    _person_of("FA09", "nils.nord@fa09.example")
    login(client, "nils.nord@fa09.example")
    me = client.get("/api/v1/me").get_json()
    (tenant,) = [t for t in me["tenants"] if t["slug"] == "kobenhavn"]
    assert tenant["organisations"] == ["FA09"] and tenant["bodies"] == []
