"""The JSON API: OpenAPI document, tenants, organisations, bodies, the current user."""

import pytest

from tests.fixtures.tenants import two_bodies


@pytest.fixture
def aby(sync_tenant, write_tenant_file):
    sync_tenant(write_tenant_file(two_bodies("aby", "A")))


def test_openapi_document_lists_the_routes(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["info"]["title"] == "Kommissorium API"
    for path in ("/api/v1/tenants", "/api/v1/tenants/{tenant}/bodies/{key}", "/api/v1/me"):
        assert path in doc["paths"], path


def test_browsable_docs_are_served(client):
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200 and b"redoc" in resp.data.lower()


def test_list_tenants(aby, client):
    assert client.get("/api/v1/tenants").get_json() == [{
        "slug": "aby", "name": "A Kommune", "plan": "Testplan", "plugins": [],
        "organisation": "A-KOM", "period_start": "2020-01-01", "period_end": "2023-12-31",
        "timezone": "Europe/Copenhagen",
    }]


def test_a_tenants_organisations(aby, client):
    orgs = client.get("/api/v1/tenants/aby/organisations").get_json()
    assert [(o["code"], o["kind"]) for o in orgs] == [("A-BO", "housing_organisation"), ("A-KOM", "municipality")]


def test_a_body_with_its_seats_and_kommissorium(aby, client):
    body = client.get("/api/v1/tenants/aby/bodies/bestyrelse").get_json()
    assert body["kind"] == "board" and body["competence"] == "decides"
    assert [(s["key"], s["role"], s["is_voting"], s["organisation"]) for s in body["seats"]] == [
        ("formand", "chair", True, "A-BO"),
        ("kommune", "member", True, "A-KOM"),
        ("sekretaer", "secretary", False, "A-KOM"),
    ]
    assert body["seats"][1]["holder"] is None  # vacant
    assert body["kommissorium"]["notice"] == {"days": 5, "clause": "T-1"}
    assert body["kommissorium"]["approval_mode"] == "email"
    assert body["kommissorium"]["approval_due"]["days"] == 28
    assert "email" not in str(body["seats"]), "members' e-mail addresses are not public"


# --- one error envelope ---------------------------------------------------------------

ENVELOPE = {"code", "status", "message"}


@pytest.mark.parametrize("url", [
    "/api/v1/tenants/nowhere",
    "/api/v1/tenants/nowhere/bodies",
    "/api/v1/tenants/aby/bodies/nope",
    "/api/v1/no-such-route",
])
def test_unknown_resources_answer_404_in_the_envelope(aby, client, url):
    resp = client.get(url)
    assert resp.status_code == 404
    body = resp.get_json()
    assert set(body) == ENVELOPE and body["code"] == 404 and body["status"] == "Not Found"


def test_invalid_input_answers_422_with_field_messages(client):
    resp = client.post("/api/v1/auth/login", json={"email": "not-an-email"})
    assert resp.status_code == 422
    body = resp.get_json()
    assert set(body) == ENVELOPE | {"errors"}
    assert body["errors"]["json"]["email"] == ["Not a valid email address."]
    assert body["errors"]["json"]["password"] == ["Missing data for required field."]


def test_me_requires_login_in_the_envelope(client):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401 and set(resp.get_json()) == ENVELOPE


def test_wrong_password_is_refused(aby, client):
    resp = client.post("/api/v1/auth/login", json={"email": "formand@aby.example", "password": "x"})
    assert resp.status_code == 401 and resp.get_json()["message"] == "Wrong e-mail or password."


def test_me_lists_the_users_tenants_and_seats(aby, sync_tenant, write_tenant_file, client, login):
    shared = """
[[organisations]]
code = "KAB"
name = "KAB"
kind = "housing_organisation"

[[people]]
email = "k@kab.example"
name = "Karen Demo"
organisations = ["KAB"]

[[bodies]]
key = "forum"
name = "Forum"
kind = "forum"
competence = "advises"

[[bodies.seats]]
key = "kab"
title = "KAB's repræsentant"
organisation = "KAB"
role = "member"
voting = true
holder = "k@kab.example"
"""
    sync_tenant(write_tenant_file(two_bodies("bby", "B") + shared))
    sync_tenant(write_tenant_file(two_bodies("cby", "C") + shared))
    login(client, "k@kab.example")
    me = client.get("/api/v1/me").get_json()
    assert me["organisations"] == ["KAB"]
    assert [(t["slug"], [b["key"] for b in t["bodies"]]) for t in me["tenants"]] == [
        ("bby", ["forum"]), ("cby", ["forum"])]
    assert me["tenants"][0]["bodies"][0]["seats"][0]["title"] == "KAB's repræsentant"
    assert "aby" not in str(me)


def test_logout_ends_the_session(aby, client, login):
    login(client, "formand@aby.example")
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me").status_code == 401
