"""The documents tests: a seeded meeting with a closed item and three attachments (PDF,
image, Word), and the decisions' client factory to read it as members and the public."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf
import pytest

from core.documents import render
from tests.fixtures.testby import GROUP_MEMBER, SECRETARY, TESTBY

T = "testby"
SEC = SECRETARY  # the secretary of Følgegruppen
MEMBER = GROUP_MEMBER  # TST-B's member of Følgegruppen (Gitte Gruppe)
SECRET = "Inspektøren Jens Hemmelig"  # in the closed item only


def at(*args):
    return datetime(*args, tzinfo=UTC)


def two_page_pdf() -> bytes:
    return render.html_to_pdf(
        "<html lang=da><body><p>Tilbud fra Legeland side et</p>"
        "<p style='break-before: page'>Tilbud fra Legeland side to</p></body></html>", title="Tilbud")


def png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def docx() -> bytes:
    """A minimal Word document (what the file policy recognises as .docx)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                   '2006/main"><w:body><w:p><w:r><w:t>Personalesagen i detaljer</w:t></w:r></w:p></w:body></w:document>')
    return buf.getvalue()


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pages_of(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def upload(client, meeting, item, content, name):
    resp = client.post(f"meetings/{meeting}/items/{item}/attachments",
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


@pytest.fixture
def seeded(sync_tenant, clock, make_meeting, api):
    """A meeting of Testby's Følgegruppen (minutes final once sent): an open item with a PDF and an image, a closed item
    (§ 27, personnel) with a Word file, held, minuted with a dissent, minutes sent."""
    sync_tenant(TESTBY)
    meeting = make_meeting(T, "gruppe", at(2018, 3, 20, 14), location="Rådhuset, mødelokale 2")
    sec = api(SEC, T)
    open_item = sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Nyt legehus i Hyldespjældet",
        "decision_theme": "Skal gruppen anbefale et nyt legehus?",
        "case_text": "Beboerne har ønsket et legehus ved børnehaven.",
        "economy": "Legehuset koster 85.000 kr. af aktivitetspuljen.",
        "recommendation": "Sekretariatet indstiller, at gruppen anbefaler legehuset."}).get_json()
    closed = sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Personalesag om inspektøren", "case_text": f"{SECRET} er sygemeldt.",
        "economy": "Lønrefusion 12.000 kr.", "is_confidential": True,
        "confidentiality_reason": "personnel"}).get_json()
    pdf = upload(sec, meeting, open_item["id"], two_page_pdf(), "tilbud-legeland.pdf")
    image = upload(sec, meeting, open_item["id"], png(), "tegning.png")
    word = upload(sec, meeting, closed["id"], docx(), "personalesag-notat.docx")
    assert (pdf["page_count"], image["page_count"], word["page_count"]) == (2, 1, None)
    clock.set(at(2018, 3, 10, 9))
    assert sec.post(f"meetings/{meeting}/publish-agenda").status_code == 200
    return {"meeting": meeting, "open": open_item["id"], "closed": closed["id"], "sec": sec,
            "attachments": [pdf, image, word]}
