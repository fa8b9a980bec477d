"""Bad input is a clear 4xx naming the field, writes nothing, and never a 500
(core/inputs.py, core/fields.py, core/files.py): ids beyond the database's range, NUL bytes
and lone surrogates in any text, deeply nested or oversized JSON, blank and zero-width
titles, and uploads that are not what their name says."""

import io
import json
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.meetings.models import AgendaItem, Attachment, Meeting
from tests.fixtures.testby import SECRETARY

T = "/api/v1/tenants/testby"
UNSTORABLE = ("a\u0000b", "a\ud800b")


@pytest.fixture
def board_meeting(testby, clock, make_meeting):
    return make_meeting(testby, "bestyrelse", datetime(2018, 3, 1, 15, tzinfo=timezone.utc))


@pytest.fixture
def store(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORE_DIR", str(tmp_path / "files"))
    return tmp_path / "files"


def _count(model) -> int:
    from core.tenancy import all_tenants

    with all_tenants():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _raw_json(client, method, url, text: str):
    """Send ``text`` as the JSON body as it is (a lone surrogate survives only escaped)."""
    return client.open(url, method=method, data=text.encode("utf-8", "surrogatepass"),
                       content_type="application/json")


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
def test_an_id_beyond_the_databases_range_is_404_on_every_route(app, client, sync_tenant, login, big):
    """Every rule of the app with an ``<int:…>`` in its path, every method, anonymous and as a
    secretary: 404 (or the access refusal that comes first), never a 500."""
    sync_tenant("testby")
    secretary = app.test_client()
    login(secretary, SECRETARY)
    adapter = app.url_map.bind("localhost")
    tried = 0
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if conv.__class__.__name__ == "IdConverter"]
        if not ints:
            continue
        values = {name: 7777777 if name in ints else "x" for name in rule.arguments}
        values.update({"tenant": "testby", "key": "bestyrelse", "body_key": "bestyrelse"})
        url = adapter.build(rule.endpoint, {k: v for k, v in values.items() if k in rule.arguments},
                            method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])
        url = url.replace("7777777", str(big))  # where every id stands
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for c in (client, secretary):
                resp = c.open(url, method=method, json={} if method != "GET" else None)
                tried += 1
                assert resp.status_code < 500, (method, url, resp.status_code)
                # 400: a page form without its CSRF token is refused before routing answers 404
                assert resp.status_code in (400, 401, 403, 404, 405), (method, url, resp.status_code)
    assert tried > 50
    resp = client.get(f"/api/v1/public/tenants/testby/meetings/{big}")
    assert resp.status_code == 404 and resp.get_json()["code"] == 404


@pytest.mark.parametrize("bad", UNSTORABLE)
def test_nul_and_lone_surrogates_are_refused_naming_the_field_and_nothing_is_written(
    board_meeting, api, bad
):
    sec = api(SECRETARY, "testby")
    before = _count(AgendaItem)
    body = json.dumps({"kind": "B", "title": "Budget", "case_text": bad}, ensure_ascii=True)
    resp = _raw_json(sec.client, "POST", f"{T}/meetings/{board_meeting}/items", body)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert list(resp.get_json()["errors"]["json"]) == ["case_text"]
    nested = json.dumps({"kind": "B", "title": "Budget", "guests": [{"name": bad}]}, ensure_ascii=True)
    resp = _raw_json(sec.client, "POST", f"{T}/meetings/{board_meeting}/items", nested)
    assert resp.status_code == 422 and "guests.0.name" in resp.get_json()["errors"]["json"]
    assert _count(AgendaItem) == before


def test_nul_in_a_login_form_and_a_query_is_refused_not_a_500(app, client, sync_tenant):
    sync_tenant("testby")
    resp = client.post("/api/v1/auth/login", json={"email": "a\u0000@b.dk", "password": "x"})
    assert resp.status_code == 422 and "email" in resp.get_json()["errors"]["json"]
    page = client.get("/log-ind?next=a%00b")
    assert page.status_code == 422 and "text/html" in page.content_type
    assert client.get(f"{T}/bodies?q=a%00b").status_code == 422


def test_a_form_part_without_a_name_is_400_not_a_500(board_meeting, api):
    """Found by schemathesis: werkzeug keeps a multipart part without a name under None."""
    sec = api(SECRETARY, "testby")
    item = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Budget"})
    body = b"--b\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--b--\r\n"
    resp = sec.client.post(f"{T}/meetings/{board_meeting}/items/{item.get_json()['id']}/attachments",
                           data=body, content_type="multipart/form-data; boundary=b")
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    assert "intet navn" in resp.get_json()["errors"]["form"]["_schema"][0]
    assert _count(Attachment) == 0


def test_deeply_nested_json_is_400_in_the_envelope(client, sync_tenant):
    sync_tenant("testby")
    resp = client.post("/api/v1/auth/login", data="[" * 5000 + "]" * 5000,
                       content_type="application/json")
    assert resp.status_code == 400, resp.get_data(as_text=True)[:200]
    assert resp.get_json()["code"] == 400 and "nested" in resp.get_json()["message"]
    moderately = {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    assert client.post("/api/v1/auth/login", json=moderately).status_code == 400


def test_an_oversized_json_body_is_413_in_the_envelope_and_nothing_is_written(board_meeting, api, app):
    sec = api(SECRETARY, "testby")
    before = _count(AgendaItem)
    resp = sec.client.post(f"{T}/meetings/{board_meeting}/items",
                           json={"kind": "B", "title": "Budget", "case_text": "x" * (2 * 1024 * 1024)})
    assert resp.status_code == 413, resp.get_data(as_text=True)[:200]
    assert resp.get_json()["code"] == 413
    # under the body limit, a field still has its own maximum
    resp = sec.client.post(f"{T}/meetings/{board_meeting}/items",
                           json={"kind": "B", "title": "Budget", "case_text": "x" * 200_000})
    assert resp.status_code == 422 and "case_text" in resp.get_json()["errors"]["json"]
    assert _count(AgendaItem) == before


@pytest.mark.parametrize("title", ["   ", "\u200b\u200b", "\u200d \ufeff", "\t\n"])
def test_a_blank_or_zero_width_title_is_refused(board_meeting, api, title):
    sec = api(SECRETARY, "testby")
    resp = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": title})
    assert resp.status_code == 422 and "title" in resp.get_json()["errors"]["json"], resp.get_json()
    ok = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "  Budget 2021 "})
    assert ok.status_code == 201 and ok.get_json()["title"] == "Budget 2021"


def _upload(client, meeting_id, item_id, data: bytes, name: str, mimetype="application/pdf"):
    return client.post(f"{T}/meetings/{meeting_id}/items/{item_id}/attachments",
                       data={"file": (io.BytesIO(data), name, mimetype)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("content, name", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00", "budget.pdf"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "budget.pdf"),
    (b"<html><body>hej</body></html>", "referat.html"),
])
def test_an_upload_is_judged_by_its_content_not_its_name_or_declared_type(
    board_meeting, api, store, content, name
):
    sec = api(SECRETARY, "testby")
    item = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Budget"}).get_json()
    resp = _upload(sec.client, board_meeting, item["id"], content, name)
    assert resp.status_code == 422, resp.get_json()
    assert "file" in resp.get_json()["errors"]["files"]
    assert _count(Attachment) == 0


@pytest.mark.parametrize("name, expected", [
    ("bud\u202egdp.exe", "budgdp.exe"),  # a right-to-left override hides the real extension
    # (the multipart parser drops a backslash already; none reaches a file name)
    ("C:\\Users\\sanne\\budget.pdf", "CUserssannebudget.pdf"),
    ("bud\x00get\x1b[31m.pdf", "budget[31m.pdf"),
    ("a" * 5000 + ".pdf", "a" * 251 + ".pdf"),
    ("..", "bilag.pdf"),
])
def test_an_uploads_file_name_is_cleaned(board_meeting, api, store, name, expected):
    sec = api(SECRETARY, "testby")
    item = sec.post(f"meetings/{board_meeting}/items", json={"kind": "B", "title": "Budget"}).get_json()
    resp = _upload(sec.client, board_meeting, item["id"], b"%PDF-1.4 budget", name)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["filename"] == expected
    got = sec.get(f"attachments/{resp.get_json()['id']}")
    assert got.status_code == 200 and "\n" not in got.headers["Content-Disposition"]


def test_a_windows_path_in_a_file_name_keeps_only_its_last_part():
    from core.files import clean_filename

    assert clean_filename("C:\\Users\\sanne\\budget.pdf") == "budget.pdf"
    assert clean_filename("..\\..\\etc/passwd") == "passwd"
    assert clean_filename("\u200b\u202e", "application/pdf") == "bilag.pdf"
