"""Contact details are personal data: a body's members see each other's e-mail, the
tenant's secretariat sees everyone's, nobody else does (docs/permissions.md)."""

from __future__ import annotations

import pytest

from tests.fixtures.walk import walk_tenant


@pytest.fixture
def tenant(sync_tenant, write_tenant_file):
    sync_tenant(write_tenant_file(walk_tenant("aby", "A")))
    sync_tenant(write_tenant_file(walk_tenant("bby", "B")))


def test_members_see_their_fellow_members_contacts(app, client, login, tenant):
    login(client, "member@aby.example")
    contacts = client.get("/api/v1/tenants/aby/bodies/gruppe/contacts").get_json()
    assert [(c["seat"], c["email"]) for c in contacts] == [("medlem", "member@aby.example")]


def test_a_member_of_another_body_gets_403_and_an_outsider_404(app, client, login, tenant):
    login(client, "member@aby.example")
    assert client.get("/api/v1/tenants/aby/bodies/bestyrelse/contacts").status_code == 403
    assert client.get("/api/v1/tenants/bby/bodies/gruppe/contacts").status_code == 404
    outsider = app.test_client()
    login(outsider, "outsider@aby.example")
    assert outsider.get("/api/v1/tenants/aby/bodies/gruppe/contacts").status_code == 404


def test_the_secretariat_sees_everyone_in_its_tenant_only(app, client, login, tenant):
    login(client, "admin@aby.example")
    people = client.get("/api/v1/tenants/aby/people").get_json()
    assert {p["email"] for p in people} == {
        "admin@aby.example", "secretary@aby.example", "member@aby.example"}
    assert next(p for p in people if p["email"] == "member@aby.example")["seats"] == ["gruppe/medlem"]
    assert client.get("/api/v1/tenants/bby/people").status_code == 404
    secretary = app.test_client()
    login(secretary, "secretary@aby.example")
    assert secretary.get("/api/v1/tenants/aby/people").status_code == 403
    assert secretary.get("/api/v1/tenants/aby/bodies/bestyrelse/contacts").status_code == 200
