"""A meeting's agenda, minutes and board book as PDF, per reader (ALB-B11, ALB-R6): the
public edition leaves closed items' content out, the members' edition marks it; the book
appends every attachment the reader may see, numbered, with bookmarks; every document is
made once per content and served with an ETag (decision 0028)."""

from __future__ import annotations

import io

import pypdf
import pytest
import sqlalchemy as sa

from core.documents import render
from core.documents.models import GeneratedDocument
from core.extensions import db
from tests.documents.conftest import MEMBER, SECRET, T, at, pages_of, text_of, upload
from tests.fixtures.testby import OUTSIDER


def minuted(seeded, clock, api):
    sec, meeting = seeded["sec"], seeded["meeting"]
    assert sec.put(f"meetings/{meeting}/attendance/a",
                   json={"status": "apologies"}).status_code == 200
    clock.set(at(2018, 3, 20, 14))
    assert sec.post(f"meetings/{meeting}/session").status_code == 200  # CORE-SESSION
    body = sec.get(f"meetings/{meeting}").get_json()["body"]
    for seat in sec.get(f"bodies/{body}").get_json()["seats"]:
        if seat["holder"] and seat["key"] != "a":
            sec.put(f"meetings/{meeting}/attendance/{seat['key']}", json={"status": "present"})
    clock.set(at(2018, 3, 20, 17))
    assert sec.post(f"meetings/{meeting}/held").status_code == 200
    for item_id, body in (
        (seeded["open"], {"decision": "Gruppen anbefaler legehuset."}),
        (seeded["closed"], {"decision": f"Gruppen drøftede sygemeldingen af {SECRET}.",
                            "public_decision": "Gruppen drøftede en personalesag."}),
    ):
        assert sec.put(f"meetings/{meeting}/items/{item_id}/minutes", json=body).status_code == 200
    resp = api(MEMBER, T).post(f"meetings/{meeting}/items/{seeded['open']}/dissents",
                            json={"text": "VA ønsker legehuset placeret ved skolen."})
    assert resp.status_code == 200, resp.get_json()
    clock.set(at(2018, 3, 25, 9))
    assert sec.post(f"meetings/{meeting}/send-minutes").status_code == 200


def url(meeting, name, edition=None):
    return f"/{T}/moeder/{meeting}/{name}.pdf" + (f"?udgave={edition}" if edition else "")


def test_agenda_public_edition_leaves_closed_content_out_members_edition_holds_it_ALB_B11(
        seeded, member, api):
    meeting = seeded["meeting"]
    public = member(None).get(url(meeting, "dagsorden"))
    assert public.status_code == 200 and public.mimetype == "application/pdf"
    text = text_of(public.data)
    for shown in ("Dagsorden", "Følgegruppen", "Rådhuset, mødelokale 2", "Nyt legehus i Hyldespjældet",
                  "Beslutningstema", "Skal gruppen anbefale et nyt legehus?", "Sagsfremstilling",
                  "Økonomi", "85.000 kr.", "Indstilling", "tilbud-legeland.pdf", "Lukket punkt",
                  "Personalesager (forvaltningslovens § 27)", "Offentlig udgave", "Gitte Gruppe"):
        assert shown in text, shown
    for closed in ("Personalesag om inspektøren", SECRET, "12.000", "personalesag-notat.docx", "fortroligt"):
        assert closed not in text, closed

    members = member(MEMBER).get(url(meeting, "dagsorden", "medlemmer"))
    assert members.status_code == 200
    text = text_of(members.data)
    for shown in ("Personalesag om inspektøren", SECRET, "12.000", "personalesag-notat.docx",
                  "Lukket punkt — fortroligt", "Medlemsudgave"):
        assert shown in text, shown


def test_documents_are_tagged_pdf_ua_in_danish(seeded, member):
    reader = pypdf.PdfReader(io.BytesIO(member(None).get(url(seeded["meeting"], "dagsorden")).data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "da"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "Dagsorden" in reader.metadata.title


def test_minutes_carry_decisions_dissents_and_absences_only_members_see_the_closed_decision_ALB_R6(
        seeded, clock, api, member):
    meeting = seeded["meeting"]
    assert member(None).get(url(meeting, "referat")).status_code == 404  # not sent yet
    minuted(seeded, clock, api)
    public = member(None).get(url(meeting, "referat"))
    assert public.status_code == 200
    text = text_of(public.data)
    for shown in ("Referat", "Beslutning", "Gruppen anbefaler legehuset.", "VA ønsker legehuset placeret ved skolen.",
                  "Særstandpunkter", "Fraværende", "Anna Andersen", "Afbud", "Gruppen drøftede en personalesag."):
        assert shown in text, shown
    assert SECRET not in text and "Personalesag om inspektøren" not in text
    members = text_of(member(MEMBER).get(url(meeting, "referat", "medlemmer")).data)
    assert f"Gruppen drøftede sygemeldingen af {SECRET}." in members and "Lukket punkt — fortroligt" in members


def test_board_book_appends_each_attachment_numbered_with_bookmarks(seeded, member, in_tenant, monkeypatch):
    monkeypatch.setattr(render, "soffice", lambda: None)  # the Word file: a page telling where to read it
    meeting = seeded["meeting"]
    agenda_pages = pages_of(member(MEMBER).get(url(meeting, "dagsorden", "medlemmer")).data)
    resp = member(MEMBER).get(url(meeting, "samlet-dagsorden", "medlemmer"))
    assert resp.status_code == 200, resp.data[:300]
    reader = pypdf.PdfReader(io.BytesIO(resp.data))
    outline = {}

    def walk(nodes):
        for node in nodes:
            if isinstance(node, list):
                walk(node)
            else:
                outline[str(node.title)] = reader.get_destination_page_number(node)

    walk(reader.outline)
    first = outline["Bilag 1.1: tilbud-legeland.pdf (punkt 1)"]
    assert outline["Bilag 1.2: tegning.png (punkt 1)"] == first + 2
    assert outline["Bilag 2.1: personalesag-notat.docx (punkt 2)"] == first + 3
    assert "Punkt 2. Personalesag om inspektøren" in outline and outline["Dagsorden"] == 0
    # the parts: the agenda with one page of contents, the PDF's 2 pages, the image, the Word file's page
    assert first == agenda_pages + 1
    assert len(reader.pages) == first + 2 + 1 + 1
    pages = [p.extract_text() for p in reader.pages]
    [contents] = [p for p in pages[:first] if "Indholdsfortegnelse" in p]
    assert f"Bilag 2.1: personalesag-notat.docx (punkt 2) {first + 4}" in contents
    assert "Tilbud fra Legeland side et" in pages[first] and "Tilbud fra Legeland side to" in pages[first + 1]
    assert f"Side {first + 2} af {len(pages)}" in pages[first + 1]
    assert "tegning.png" in pages[first + 2] and f"Bilag 1.2 · Side {first + 3} af {len(pages)}" in pages[first + 2]
    assert f"Bilag 2.1 · Side {first + 4} af {len(pages)}" in pages[first + 3]
    assert "Hent det fra mødesiden" in pages[first + 3]

    public = pypdf.PdfReader(io.BytesIO(member(None).get(url(meeting, "samlet-dagsorden")).data))
    public_text = "\n".join(p.extract_text() for p in public.pages)
    assert "personalesag-notat" not in public_text and SECRET not in public_text
    assert "Tilbud fra Legeland side to" in public_text


def test_a_document_is_made_once_and_answers_304_until_the_meeting_changes(seeded, member, in_tenant, api):
    meeting = seeded["meeting"]
    reader = member(None)
    first = reader.get(url(meeting, "dagsorden"))
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = reader.get(url(meeting, "dagsorden"))
    assert again.data == first.data and again.headers["ETag"] == etag
    assert reader.get(url(meeting, "dagsorden"), headers={"If-None-Match": etag}).status_code == 304
    with in_tenant(T):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GeneratedDocument)) == 1
    assert seeded["sec"].patch(f"meetings/{meeting}/items/{seeded['open']}",
                               json={"economy": "Legehuset koster 90.000 kr."}).status_code == 200
    changed = reader.get(url(meeting, "dagsorden"), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "90.000 kr." in text_of(changed.data)
    members = member(MEMBER).get(url(meeting, "dagsorden", "medlemmer"))
    assert members.headers["Cache-Control"] == "private, no-cache"


def test_who_may_have_which_edition(seeded, member, naboby):
    meeting = seeded["meeting"]
    assert member(None).get(url(meeting, "dagsorden", "medlemmer")).status_code == 401
    outsider = member(OUTSIDER)
    assert outsider.get(url(meeting, "dagsorden")).status_code == 200
    assert outsider.get(url(meeting, "dagsorden", "medlemmer")).status_code == 403
    resp = member(None).get(url(meeting, "dagsorden", "alle"))
    assert resp.status_code == 422 and "udgave" in resp.get_data(as_text=True)
    assert member(MEMBER).get(f"/{naboby}/moeder/{meeting}/dagsorden.pdf?udgave=medlemmer").status_code == 404
    assert member(None).get(f"/{naboby}/moeder/{meeting}/samlet-dagsorden.pdf").status_code == 404


@pytest.mark.redis
def test_a_large_book_is_made_by_a_worker_while_the_reader_waits(seeded, member, app, monkeypatch):
    import os
    import uuid

    from rq import SimpleWorker

    from core import jobs

    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set (CI sets it)")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setitem(app.config, "BOOK_JOB_ATTACHMENTS", 2)
    monkeypatch.setattr(jobs, "QUEUE_NAME", f"test-{uuid.uuid4().hex[:8]}")
    monkeypatch.setattr(render, "soffice", lambda: None)
    book = f"/{T}/moeder/{seeded['meeting']}/samlet-dagsorden.pdf"
    waiting = member(None).get(book)
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] == "10"
    assert "Den samlede dagsorden bliver lavet" in waiting.get_data(as_text=True)
    assert member(None).get(book).status_code == 202  # asked again: still one job
    q = jobs.queue()
    try:
        assert q.count == 1
        SimpleWorker([q], connection=q.connection).work(burst=True)
    finally:
        q.delete(delete_jobs=True)
    done = member(None).get(book)
    assert done.status_code == 200 and done.mimetype == "application/pdf"
    assert "Tilbud fra Legeland side to" in text_of(done.data)


@pytest.mark.skipif(render.soffice() is None, reason="LibreOffice is not installed here (.ci/run installs it)")
def test_board_book_takes_an_office_files_rendition_where_libreoffice_is_installed(seeded, member):
    meeting = seeded["meeting"]
    reader = pypdf.PdfReader(io.BytesIO(member(MEMBER).get(url(meeting, "samlet-dagsorden", "medlemmer")).data))
    pages = [p.extract_text() for p in reader.pages]
    [word] = [n for n, text in enumerate(pages) if "Personalesagen i detaljer" in text]
    assert f"Bilag 2.1 · Side {word + 1} af {len(pages)}" in pages[word]
    html = member(MEMBER).get(f"/{T}/bilag/{seeded['attachments'][2]['id']}").get_data(as_text=True)
    assert "<dt>Sider</dt><dd>1</dd>" in html  # known once the rendition is made


def test_final_minutes_are_filed_as_first_rendered_a_correction_is_a_new_document(
        seeded, clock, api, member, in_tenant):
    from core.tenants.models import Tenant

    meeting = seeded["meeting"]
    minuted(seeded, clock, api)  # Følgegruppen needs no approval: final once sent
    filed = member(None).get(url(meeting, "referat"))
    agenda = member(None).get(url(meeting, "dagsorden"))
    with in_tenant(T):  # something both documents show changes
        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=T))
        tenant.name = "Testby Kommune (ny)"
        db.session.commit()
    assert "Testby Kommune (ny)" in text_of(member(None).get(url(meeting, "dagsorden")).data)
    assert member(None).get(url(meeting, "dagsorden")).headers["ETag"] != agenda.headers["ETag"]
    again = member(None).get(url(meeting, "referat"))
    assert again.data == filed.data and again.headers["ETag"] == filed.headers["ETag"]
    resp = seeded["sec"].post(f"meetings/{meeting}/minutes/corrections", json={
        "reason": "Stavefejl", "entries": [{"item_id": seeded["open"], "decision": "Gruppen anbefaler legehuset varmt."}]})
    assert resp.status_code in (200, 201), resp.get_json()
    corrected = member(None).get(url(meeting, "referat"))
    assert corrected.headers["ETag"] != filed.headers["ETag"]
    text = text_of(corrected.data)
    assert "Gruppen anbefaler legehuset varmt." in text and "rettelse: Stavefejl" in text
    assert "Testby Kommune (ny)" in text


def test_a_pdf_that_cannot_be_appended_gets_a_page_saying_so(seeded, member, api, monkeypatch):
    """A broken or encrypted PDF is not a 500: the book says where to read it."""
    from pypdf import PdfWriter

    monkeypatch.setattr(render, "soffice", lambda: None)
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("hemmelig")
    buf = io.BytesIO()
    writer.write(buf)
    upload(seeded["sec"], seeded["meeting"], seeded["open"], buf.getvalue(), "krypteret.pdf")
    upload(seeded["sec"], seeded["meeting"], seeded["open"], b"%PDF-1.4 ikke en rigtig pdf", "brudt.pdf")
    resp = member(None).get(url(seeded["meeting"], "samlet-dagsorden"))
    assert resp.status_code == 200
    text = text_of(resp.data)
    assert "krypteret.pdf" in text and "brudt.pdf" in text
    assert " ".join(text.split()).count("ind (beskadiget eller krypteret). Hent det fra mødesiden.") == 2


def test_with_the_meeting_cache_a_repeated_request_reads_no_meeting_and_a_write_is_seen_at_once(
        seeded, member, app, monkeypatch):
    """The document's key kept under the meeting cache's generations (decisions 0008, 0028),
    found before the tenant's row is read."""
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    meeting = seeded["meeting"]
    first = member(None).get(url(meeting, "dagsorden"))
    assert member(MEMBER).get(url(meeting, "dagsorden", "medlemmer")).status_code == 200
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        second = member(None).get(url(meeting, "dagsorden"))
        not_modified = member(None).get(url(meeting, "dagsorden"), headers={"If-None-Match": first.headers["ETag"]})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert second.data == first.data and not_modified.status_code == 304
    # an edition anyone may read: one Redis round trip, not a row (the tenant's neither),
    # the PDF from the process's memory (decision 0046)
    assert statements == [], statements
    # the members' edition is remembered too, never for a reader without the right
    assert member(None).get(url(meeting, "dagsorden", "medlemmer")).status_code == 401
    assert member(OUTSIDER).get(url(meeting, "dagsorden", "medlemmer")).status_code == 403
    assert seeded["sec"].patch(f"meetings/{meeting}/items/{seeded['open']}",
                               json={"economy": "Legehuset koster 90.000 kr."}).status_code == 200
    changed = member(None).get(url(meeting, "dagsorden"), headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "90.000 kr." in text_of(changed.data)
