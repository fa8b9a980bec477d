"""Search: Danish stems, the exact title first, the walls of reading (tenants, closed items
under forvaltningsloven § 27 for the members only, ALB-B11/ALB-R6; the public only
published material), snippets that leak nothing, and an index that follows corrections and
erasures. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (one interface)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import pytest

from tests.fixtures.testby import (
    ANNA, BOTH, GROUP_MEMBER, NABO_SECRETARY, OUTSIDER, SECRETARY,
)

from tests.fixtures.meetings import sit_and_hold

UTC = timezone.utc
BOARD = "bestyrelse"


def at(*args):
    return datetime(*args, tzinfo=UTC)


def find(client, q, **params):
    resp = client.get("/api/v1/search", query_string={"q": q, **params})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def titles(answer) -> list[str]:
    return [r["title"] for r in answer["results"]]


def _item(sec, meeting, **fields):
    resp = sec.post(f"meetings/{meeting}/items", json={"kind": "B", **fields})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _docx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                   f'<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return buf.getvalue()


def _pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica (pypdf reads it back)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def board_meeting(testby, clock, make_meeting, api):
    """A Testby board meeting with an open item on the budget, an item that only mentions
    it, a closed item (§ 27) and attachments; agenda not yet published."""
    meeting = make_meeting("testby", BOARD, at(2019, 3, 1, 13))
    sec = api(SECRETARY, "testby")
    ids = {
        "budget": _item(sec, meeting, title="Budget", case_text="Forslag til fordeling af midlerne.",
                        recommendation="Administrationen indstiller, at bestyrelsen godkender."),
        "mention": _item(sec, meeting, title="Legepladsen i Vestparken",
                         case_text="Udgiften er indeholdt i budgettet for helhedsplanen."),
        "closed": _item(sec, meeting, title="Afskedigelse af ejendomsfunktionær",
                        case_text="Funktionæren har gentagne gange udeblevet fra arbejdet.",
                        is_confidential=True, confidentiality_reason="personnel"),
    }
    for key, content, name in (("budget", _pdf("Bilag om vinterberedskab og snerydning"), "beredskab.pdf"),
                               ("mention", _docx("Tilbud fra entreprenoeren om faldunderlag"), "tilbud.docx"),
                               ("closed", _pdf("Advarsel om fravaer"), "advarsel.pdf")):
        resp = sec.client.post(f"/api/v1/tenants/testby/meetings/{meeting}/items/{ids[key]}/attachments",
                               data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
        assert resp.status_code == 201, resp.get_json()
    return sec, meeting, ids


def _publish_and_hold(sec, clock, meeting):
    clock.set(at(2019, 2, 20, 9))
    assert sec.post(f"meetings/{meeting}/publish-agenda").status_code == 200
    clock.set(at(2019, 3, 1, 13, 30))
    assert sit_and_hold(sec, meeting).status_code == 200


def _final_minutes(sec, clock, api, meeting, ids):
    _publish_and_hold(sec, clock, meeting)
    decisions = {
        ids["budget"]: {"decision": "Budgettet blev vedtaget."},
        ids["mention"]: {"decision": "Legepladsen renoveres med nyt faldunderlag."},
        ids["closed"]: {"decision": "Funktionæren afskediges med virkning fra 1. april.",
                        "public_decision": "Bestyrelsen traf beslutning i en personalesag."},
    }
    for item_id, body in decisions.items():
        assert sec.put(f"meetings/{meeting}/items/{item_id}/minutes", json=body).status_code == 200
    clock.set(at(2019, 3, 5, 9))
    assert sec.post(f"meetings/{meeting}/send-minutes").status_code == 200, \
        sec.post(f"meetings/{meeting}/send-minutes").get_json()
    clock.set(at(2019, 3, 6, 9))
    for email in sec.get(f"meetings/{meeting}/minutes").get_json()["awaiting_approval_from"]:
        assert api(email, "testby").post(f"meetings/{meeting}/minutes/approvals").status_code == 200
    state = sec.get(f"meetings/{meeting}").get_json()["state"]
    assert state == "minutes_approved", state


# ------------------------------------------------------------------ Danish stems, ranking


def test_danish_stems_budgettet_finds_budget_and_referater_finds_referat(board_meeting, api):
    sec, meeting, ids = board_meeting
    member = api(ANNA, "testby").client
    assert "Budget" in titles(find(member, "budgettet"))
    assert "Legepladsen i Vestparken" in titles(find(member, "budget"))  # "budgettet" in its text
    _item(sec, meeting, title="Godkendelse af referat fra sidste møde")
    assert "Godkendelse af referat fra sidste møde" in titles(find(member, "referater"))
    assert "Godkendelse af referat fra sidste møde" in titles(find(member, "Referatet"))


def test_an_exact_title_ranks_above_a_mention(board_meeting, api):
    sec, meeting, ids = board_meeting
    hits = find(api(ANNA, "testby").client, "budget", kind="item")["results"]
    assert [h["title"] for h in hits] == ["Budget", "Legepladsen i Vestparken"]
    assert hits[0]["url"] == f"/testby/moeder/{meeting}#punkt-{ids['budget']}"
    assert "<mark>budgettet</mark>" in hits[1]["snippet"]


def test_the_text_of_attachments_is_found_pdf_and_word(board_meeting, api):
    member = api(ANNA, "testby").client
    hits = find(member, "snerydning")["results"]
    assert [(h["kind"], h["title"]) for h in hits] == [("attachment", "beredskab.pdf")]
    assert "<mark>snerydning</mark>" in hits[0]["snippet"]
    assert hits[0]["url"].startswith("/testby/bilag/")
    assert titles(find(member, "faldunderlag")) == ["tilbud.docx"]


# ------------------------------------------------------------------ the walls


def test_closed_content_is_found_by_the_members_only_ALB_B11(board_meeting, naboby, api, client):
    """A closed item's title, text and attachment: the board's members and secretariat find
    them; a person of a housing organisation without a seat, another tenant's secretary and
    the public do not, not even in a snippet."""
    for email in (ANNA, SECRETARY, BOTH):
        answer = find(api(email, "testby").client, "afskedigelse")
        assert titles(answer) == ["Afskedigelse af ejendomsfunktionær"], email
        assert answer["results"][0]["is_confidential"] is True
        assert titles(find(api(email, "testby").client, "fravaer")) == ["advarsel.pdf"]
    for who in (api(OUTSIDER, "testby").client, api(GROUP_MEMBER, "testby").client,
                api(NABO_SECRETARY, "naboby").client, client):
        for word in ("afskedigelse", "udeblevet", "funktionær", "fravaer"):
            answer = find(who, word)
            assert answer["total"] == 0 and answer["results"] == [], word


def test_closed_decision_public_part_only_after_final_minutes(board_meeting, clock, api, client):
    sec, meeting, ids = board_meeting
    _final_minutes(sec, clock, api, meeting, ids)
    public = find(client, "personalesag", kind="minutes")
    assert [(h["kind"], h["title"]) for h in public["results"]] == [("minutes", "Personalesag")]
    assert public["results"][0]["url"] == f"/testby/offentlig/moeder/{meeting}"
    assert "afskediges" not in str(public) and "Afskedigelse" not in str(public)
    for word in ("afskediges", "afskedigelse", "april"):
        assert find(client, word)["total"] == 0, word
        assert find(api(GROUP_MEMBER, "testby").client, word)["total"] == 0, word
    # The members read the full decision, once (not also its public part).
    member = find(api(ANNA, "testby").client, "afskediges", kind="minutes")
    assert titles(member) == ["Afskedigelse af ejendomsfunktionær"]
    assert "<mark>afskediges</mark>" in member["results"][0]["snippet"]
    # The public title and part are the others' rows; the members read the full ones.
    assert find(api(ANNA, "testby").client, "personalesag", kind="minutes")["total"] == 0


def test_the_public_finds_only_published_agendas_and_final_minutes(board_meeting, clock, api, client):
    sec, meeting, ids = board_meeting
    assert find(client, "budget")["total"] == 0  # the agenda is not out
    assert find(api(OUTSIDER, "testby").client, "budget")["total"] == 0
    _publish_and_hold(sec, clock, meeting)
    answer = find(client, "budget")
    assert {h["title"] for h in answer["results"]} == {"Budget", "Legepladsen i Vestparken"}
    assert all(h["url"] == f"/testby/offentlig/moeder/{meeting}" for h in answer["results"])
    assert find(client, "snerydning")["total"] == 0  # attachments: for the body's readers
    closed = find(client, "personalesag")["results"]  # its public title, as the agenda shows it
    assert [(h["kind"], h["title"], h["snippet"], h["is_confidential"]) for h in closed] == [
        ("item", "Personalesag", "", True)]
    assert find(client, "vedtaget")["total"] == 0  # no minutes yet
    tenant_public = client.get("/api/v1/public/tenants/testby/search", query_string={"q": "budget"})
    assert tenant_public.status_code == 200
    assert {h["title"] for h in tenant_public.get_json()["results"]} == {"Budget", "Legepladsen i Vestparken"}
    # The public search of a tenant is the public's, whoever asks.
    members_public = api(ANNA, "testby").client.get(
        "/api/v1/public/tenants/testby/search", query_string={"q": "afskedigelse"})
    assert members_public.get_json()["total"] == 0


def test_another_tenants_material_is_not_found(board_meeting, naboby, make_meeting, api):
    nabo = make_meeting("naboby", BOARD, at(2019, 4, 1, 13))
    nabo_sec = api(NABO_SECRETARY, "naboby")
    _item(nabo_sec, nabo, title="Budget for Naboby")
    assert "Budget for Naboby" not in titles(find(api(ANNA, "testby").client, "budget"))
    assert "Budget" not in titles(find(nabo_sec.client, "budget"))
    # Dorte sits in both: she finds both, and narrows by tenant and body.
    both = api(BOTH, "testby").client
    assert {"Budget", "Budget for Naboby"} <= set(titles(find(both, "budget")))
    assert titles(find(both, "budget", tenant="naboby")) == ["Budget for Naboby"]
    assert "Budget for Naboby" not in titles(find(both, "budget", tenant="testby", body=BOARD))
    assert find(both, "budget", year=2018)["total"] == 0
    assert "Budget" in titles(find(both, "budget", year=2019))
    # A tenant's public search never shows another tenant's material.
    resp = both.get("/api/v1/public/tenants/naboby/search", query_string={"q": "budget"})
    assert resp.status_code == 200 and resp.get_json()["total"] == 0


# ------------------------------------------------------------------ never stale


def test_a_corrected_minutes_entry_is_found_no_more(board_meeting, clock, api, client):
    sec, meeting, ids = board_meeting
    _final_minutes(sec, clock, api, meeting, ids)
    assert titles(find(client, "faldunderlag", kind="minutes")) == ["Legepladsen i Vestparken"]
    resp = sec.post(f"meetings/{meeting}/minutes/corrections", json={
        "reason": "Forkert beslutning skrevet.",
        "entries": [{"item_id": ids["mention"], "decision": "Legepladsen renoveres med kunstgræs."}]})
    assert resp.status_code in (200, 201), resp.get_json()
    for who in (client, api(ANNA, "testby").client):
        assert find(who, "faldunderlag", kind="minutes")["total"] == 0
        assert titles(find(who, "kunstgræs")) == ["Legepladsen i Vestparken"]


def test_an_erased_persons_name_is_found_no_more(testby, api, app):
    """A proposal names its proposer, a hearing answer who gave it: once the person is
    erased (GDPR art. 17), their name finds nothing; the proposal is still found."""
    anna = api(ANNA, "testby")
    resp = anna.post("proposals", json={"body": "gruppe", "title": "Nattevandring i weekenden",
                                        "text": "Flere voksne på gaden.", "decision_sought": "Godkend."})
    assert resp.status_code == 201, resp.get_json()
    sec = api(SECRETARY, "testby").client
    assert titles(find(sec, "Andersen")) == ["Nattevandring i weekenden"]
    assert find(api(OUTSIDER, "testby").client, "nattevandring")["total"] == 0  # not theirs to follow
    assert anna.client.post("/api/v1/me/erase", json={"confirm": True}).status_code == 204
    assert find(sec, "Andersen")["total"] == 0
    assert find(sec, "Anna")["total"] == 0
    assert titles(find(sec, "nattevandring")) == ["Nattevandring i weekenden"]


def test_the_index_is_written_with_the_write_and_rebuilt_alike(board_meeting, app):
    """What the session hook wrote is what a rebuild from the data writes."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.search import index
    from core.search.models import SearchDocument
    from core.tenancy import all_tenants

    def rows():
        with all_tenants():
            return sorted(db.session.execute(sa.select(
                SearchDocument.kind, SearchDocument.title, SearchDocument.text, SearchDocument.level,
                SearchDocument.is_redacted)).all())

    before = rows()
    assert before and index.reindex() >= 1
    assert rows() == before


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("params, field", [
    ({}, "q"), ({"q": ""}, "q"), ({"q": "x" * 201}, "q"),
    ({"q": "budget", "kind": "vote"}, "kind"), ({"q": "budget", "year": 1900}, "year"),
    ({"q": "budget", "per_page": 500}, "per_page"),
])
def test_bad_input_is_a_422_naming_the_field(testby, client, params, field):
    resp = client.get("/api/v1/search", query_string=params)
    assert resp.status_code == 422
    assert field in resp.get_json()["errors"]["query"]


def test_the_reindex_command_builds_the_index_for_rows_written_before_it(board_meeting, app):
    """Data written before the index existed (rows removed here) is found after
    ``kommissorium search reindex``; ``--missing`` touches only what has no row."""
    import sqlalchemy as sa

    from core.cli import main
    from core.extensions import db
    from core.search.models import SearchDocument
    from core.tenancy import all_tenants

    with all_tenants():
        db.session.execute(sa.delete(SearchDocument))
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["search", "reindex", "--tenant", "atlantis"]).exit_code != 0
    result = runner.invoke(main, ["search", "reindex", "--missing", "--tenant", "testby"])
    assert result.exit_code == 0, result.output
    assert "indexed 1 meetings and proposals" in result.output
    assert "indexed 0" in runner.invoke(main, ["search", "reindex", "--missing"]).output
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)) > 0


@pytest.mark.parametrize("params, name", [
    ({"tenant": "atlantis"}, "tenant"), ({"tenant": "testby", "body": "ingen"}, "body"),
    ({"body": "ingen"}, "body"),
])
def test_a_filter_naming_nothing_is_a_404_naming_the_parameter(testby, client, params, name):
    resp = client.get("/api/v1/search", query_string={"q": "budget", **params})
    assert resp.status_code == 404
    assert f"query parameter {name}" in resp.get_json()["message"]


def test_a_query_of_small_words_or_punctuation_finds_nothing(board_meeting, api):
    for q in ("og i at", "|", "«»", "   "):
        answer = find(api(ANNA, "testby").client, q)
        assert (answer["total"], answer["results"]) == (0, []), q
