"""The OpenAPI document says what the API does: the error envelope's fields, the error
statuses of each operation, the body an operation requires, JSON booleans, the calendar
feeds' content type (core/openapi.py, docs/decisions/0020-openapi-tells-the-truth.md)."""

from __future__ import annotations

import jsonschema_rs  # comes with schemathesis (the test extras)
import pytest

from core.identity.permissions import Role
from tests.fixtures.testby import SECRETARY


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def secretary(testby, client, login):
    return login(client, SECRETARY)


def _error_schema(spec) -> dict:
    """The Error schema as plain JSON Schema (OpenAPI 3.0's ``nullable`` spelled out)."""
    schema = {**spec["components"]["schemas"]["Error"]}
    schema["properties"] = {
        name: ({**prop, "type": [prop["type"], "null"]} if prop.get("nullable") else prop)
        for name, prop in schema["properties"].items()
    }
    return schema


def test_a_rules_refusal_fits_the_error_schema(app, spec, client, secretary):
    """A refusal names its rule and clause and says it in English: the schema allows them."""
    from core.errors import handle_http_exception
    from flask_smorest import abort

    with app.test_request_context("/api/v1/tenants/testby/bodies/bestyrelse/dry-run"):
        try:
            abort(422, message="Bestyrelsen har ingen stemmevægte.", rule="vote_weights",
                  clause="CORE-WEIGHTS", reason_en="The board has no vote weights.")
        except Exception as exc:  # noqa: BLE001 - the HTTPException abort raises
            resp, code = handle_http_exception(exc)
    body = resp.get_json()
    assert code == 422
    assert body["rule"] == "vote_weights" and body["clause"] == "CORE-WEIGHTS"
    assert body["reason_en"] == "The board has no vote weights."
    jsonschema_rs.validate(_error_schema(spec), body)
    # and one the app really sends, through a route
    resp = client.post("/api/v1/tenants/testby/bodies/bestyrelse/dry-run",
                       json={"weighted": True, "votes": {}})
    assert resp.status_code == 422 and resp.get_json()["rule"] == "vote_weights"
    jsonschema_rs.validate(_error_schema(spec), resp.get_json())


def test_every_operation_documents_the_errors_its_kind_of_route_answers(app, spec):
    """401/403 where a login is needed, 404 where a path names something, 400/413/422 where
    a body is read, 429 and 503 everywhere."""
    views = {rule.endpoint: app.view_functions[rule.endpoint] for rule in app.url_map.iter_rules()}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert {"429", "503"} <= codes, (method, path)
            role = getattr(views[operation["operationId"]], "access_role", None)
            if role is not None and role > Role.PUBLIC:
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= codes, (method, path)
    login = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert {"401", "429"} <= set(login) and "423" not in login


def test_an_operation_that_reads_a_body_refuses_a_request_without_one(client, secretary):
    """The dry run's fields are all optional, but its body is not: no body is a 422 naming
    the body, where it used to run a dry run of nothing."""
    url = "/api/v1/tenants/testby/bodies/bestyrelse/dry-run"
    resp = client.post(url)
    assert resp.status_code == 422, resp.get_json()
    assert "json" in resp.get_json()["errors"]
    resp = client.post(url, data="{}", content_type="text/plain")
    assert resp.status_code == 422 and "json" in resp.get_json()["errors"]
    assert client.post(url, json={}).status_code == 200


@pytest.mark.parametrize("value", [0, 1, "yes", "true", "on"])
def test_a_boolean_is_a_json_boolean(client, secretary, value):
    resp = client.post("/api/v1/tenants/testby/bodies/bestyrelse/dry-run",
                       json={"secret": value})
    assert resp.status_code == 422, resp.get_json()
    assert "secret" in resp.get_json()["errors"]["json"]


def test_calendar_feeds_are_documented_as_icalendar_and_say_their_charset_once(
        spec, client, secretary):
    for path in ("/api/v1/tenants/{tenant}/bodies/{key}/calendar.ics", "/api/v1/me/calendar.ics",
                 "/api/v1/calendar/{secret}.ics"):
        assert list(spec["paths"][path]["get"]["responses"]["200"]["content"]) == ["text/calendar"]
    for url in ("/api/v1/tenants/testby/bodies/bestyrelse/calendar.ics", "/api/v1/me/calendar.ics"):
        resp = client.get(url)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_urls_are_documented_as_uris(spec):
    meeting = spec["components"]["schemas"]["MeetingCreate"]["properties"]["online_url"]
    assert meeting["format"] == "uri"


def test_every_logged_in_post_documents_the_idempotency_key(spec):
    posts = {(path, op["operationId"]): op for path, item in spec["paths"].items()
             for method, op in item.items() if method == "post"}
    keyed = {k for k, op in posts.items()
             if any(p.get("name") == "Idempotency-Key" and p["in"] == "header"
                    for p in op.get("parameters", []))}
    assert ("/api/v1/tenants/{tenant}/bodies/{key}/plan", "meetings.plan_year") in keyed
    assert ("/api/v1/auth/login", "identity.login") not in keyed  # anonymous: no user to key by
    for key in keyed:
        assert {"400", "409", "422"} <= set(posts[key]["responses"]), key
