"""Comments in the search (core/search/index.py): found by the body's members and its
secretariat, with Danish stems, a closed item's only by those who may read it
(CORE-CLOSED-ITEMS); never by an information recipient, another tenant or the public; a
private note never, not even by its author; a removed or erased author's comment no more."""

from __future__ import annotations

from tests.annotations.conftest import T
from tests.fixtures.testby import ANNA, BENT, NABO_SECRETARY, OUTSIDER, SECRETARY

COMMENT = "Faldunderlaget under gyngerne skal skiftes"
NOTE = "Gyngestativet virker rådnet"


def _hits(client, q):
    resp = client.get("/api/v1/search", query_string={"q": q})
    assert resp.status_code == 200, resp.get_json()
    return [(r["kind"], r["item_id"]) for r in resp.get_json()["results"] if r["kind"] == "comment"]


def test_comments_are_found_by_those_who_read_them_notes_never(api, board):
    bent = api(BENT, T)
    assert bent.post(board.url("comments"), json={"text": COMMENT}).status_code == 201
    assert bent.post(board.url("comments", board.closed), json={"text": "Hansens faldunderlag"}).status_code == 201
    assert bent.post(board.url("notes"), json={"text": NOTE}).status_code == 201
    for reader in (ANNA, SECRETARY, BENT):
        assert sorted(_hits(api(reader, T).client, "faldunderlaget")) == sorted(
            [("comment", board.item), ("comment", board.closed)])  # «faldunderlag» by its stem
    hit = api(ANNA, T).client.get("/api/v1/search", query_string={"q": "gyngerne"}).get_json()["results"][0]
    assert hit["url"] == f"/{T}/moeder/{board.meeting}#noter-{board.item}" and "<mark>" in hit["snippet"]
    for outsider in (api(OUTSIDER, T), api(NABO_SECRETARY, "naboby"), api(None, T)):
        assert _hits(outsider.client, "faldunderlaget") == []
    assert api(None, T).client.get(f"/api/v1/public/tenants/{T}/search", query_string={
        "q": "faldunderlaget"}).get_json()["results"] == []
    for reader in (BENT, ANNA):  # a private note is in no search, not even its author's
        assert _hits(api(reader, T).client, "rådnet") == []
        assert api(reader, T).client.get("/api/v1/search", query_string={"q": "rådnet"}).get_json()["results"] == []


def test_a_removed_or_erased_comment_is_found_no_more(api, board):
    first = api(BENT, T).post(board.url("comments"), json={"text": COMMENT}).get_json()
    api(ANNA, T).post(board.url("comments"), json={"text": "Gyngerne er fra 1998", "reply_to": first["id"]})
    assert api(BENT, T).delete(board.url(f"comments/{first['id']}")).status_code == 204
    assert _hits(api(SECRETARY, T).client, "faldunderlaget") == []
    assert _hits(api(SECRETARY, T).client, "gyngerne") == [("comment", board.item)]
    assert api(ANNA, T).post("/api/v1/me/erase", json={"confirm": True}).status_code == 204
    assert _hits(api(SECRETARY, T).client, "gyngerne") == []
