"""Attachments read in the browser: the page names the file's type, size and pages; the file
is served inline under a policy of its own (a sandbox but for PDFs, decision 0028); a closed
item's attachment only for those who may read closed items (ALB-B11); Office files without
LibreOffice say to download."""

from __future__ import annotations

import pytest

from core.documents import render
from tests.documents.conftest import MEMBER, T, at, png, two_page_pdf, upload
from tests.fixtures.testby import BOTH, SECRETARY, TESTBY

#: Testby's administration company, made an information recipient of Følgegruppen below.
RECIPIENT = BOTH  # Dorte Dobbelt, TST-ADM: no seat in the group


@pytest.fixture
def files(seeded):
    pdf, image, word = seeded["attachments"]
    return {"pdf": pdf["id"], "image": image["id"], "word": word["id"]}


def test_attachment_page_shows_name_type_size_pages_and_a_viewer(files, member):
    html = member(MEMBER).get(f"/{T}/bilag/{files['pdf']}").get_data(as_text=True)
    assert "tilbud-legeland.pdf" in html and "PDF" in html and "kB" in html
    assert "<dt>Sider</dt><dd>2</dd>" in html
    assert f'<iframe class="viewer" title="tilbud-legeland.pdf" src="/{T}/bilag/{files["pdf"]}/vis"' in html
    html = member(MEMBER).get(f"/{T}/bilag/{files['image']}").get_data(as_text=True)
    assert f'<img class="viewer-image" src="/{T}/bilag/{files["image"]}/vis" alt="tegning.png">' in html


def test_inline_files_carry_their_own_policy(files, member):
    pdf = member(MEMBER).get(f"/{T}/bilag/{files['pdf']}/vis")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith('inline; filename="tilbud-legeland.pdf"')
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    csp = pdf.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'self'" in csp and "sandbox" not in csp
    assert pdf.data == two_page_pdf() or pdf.data.startswith(b"%PDF")
    image = member(MEMBER).get(f"/{T}/bilag/{files['image']}/vis")
    assert image.mimetype == "image/png" and image.data == png()
    assert image.headers["Content-Security-Policy"].endswith("; sandbox")
    assert image.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_office_file_without_libreoffice_says_download_to_read(files, member, monkeypatch):
    monkeypatch.setattr(render, "soffice", lambda: None)
    html = member(MEMBER).get(f"/{T}/bilag/{files['word']}").get_data(as_text=True)
    assert "personalesag-notat.docx" in html and "Word" in html
    assert "Filen kan ikke vises i browseren. Hent filen for at læse den." in html
    assert "<iframe" not in html
    assert member(MEMBER).get(f"/{T}/bilag/{files['word']}/vis").status_code == 404
    assert member(MEMBER).get(f"/{T}/bilag/{files['word']}/pdf").status_code == 404


def test_closed_items_attachment_only_for_those_who_read_closed_items_ALB_B11(
        sync_tenant, write_tenant_file, make_meeting, api, member, naboby):
    text = TESTBY.read_text(encoding="utf-8").replace(
        'submission_deadline_days = 10\n', 'submission_deadline_days = 10\ninformation_recipients = ["TST-ADM"]\n')
    assert "information_recipients" in text
    sync_tenant(write_tenant_file(text, "testby.toml"))
    meeting = make_meeting(T, "gruppe", at(2018, 3, 20, 14))
    sec = api(SECRETARY, T)
    open_item = sec.post(f"meetings/{meeting}/items", json={"kind": "O", "title": "Status"}).get_json()
    closed = sec.post(f"meetings/{meeting}/items", json={
        "kind": "D", "title": "Personsag", "is_confidential": True,
        "confidentiality_reason": "personal_matters"}).get_json()
    shown = upload(sec, meeting, open_item["id"], png(), "status.png")["id"]
    hidden = upload(sec, meeting, closed["id"], png(), "personsag.png")["id"]
    recipient = member(RECIPIENT)
    assert recipient.get(f"/{T}/bilag/{shown}").status_code == 200
    assert recipient.get(f"/{T}/bilag/{shown}/vis").status_code == 200
    assert recipient.get(f"/{T}/bilag/{hidden}").status_code == 404
    assert recipient.get(f"/{T}/bilag/{hidden}/vis").status_code == 404
    assert member(MEMBER).get(f"/{T}/bilag/{hidden}/vis").status_code == 200
    assert member(None).get(f"/{T}/bilag/{shown}/vis").status_code == 401
    assert member(MEMBER).get(f"/{naboby}/bilag/{shown}").status_code == 404


@pytest.mark.skipif(render.soffice() is None, reason="LibreOffice is not installed here")
def test_office_file_gets_a_pdf_rendition_where_libreoffice_is_installed(files, member, monkeypatch):
    import uuid

    from rq import SimpleWorker

    from core import jobs

    monkeypatch.setattr(jobs, "QUEUE_NAME", f"test-{uuid.uuid4().hex[:8]}")
    html = member(MEMBER).get(f"/{T}/bilag/{files['word']}").get_data(as_text=True)
    q = jobs.queue()
    if q is not None:  # with Redis the job waits for a worker: be one
        assert "PDF-udgaven til læsning i browseren bliver lavet" in html
        try:
            SimpleWorker([q], connection=q.connection).work(burst=True)
        finally:
            q.delete(delete_jobs=True)
        html = member(MEMBER).get(f"/{T}/bilag/{files['word']}").get_data(as_text=True)
    assert f'src="/{T}/bilag/{files["word"]}/pdf"' in html
    pdf = member(MEMBER).get(f"/{T}/bilag/{files['word']}/pdf")
    assert pdf.mimetype == "application/pdf" and "Personalesagen i detaljer" in render_text(pdf.data)


def render_text(pdf: bytes) -> str:
    import io

    import pypdf

    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)





def test_meeting_page_links_each_edition_and_each_attachments_page(seeded, member):
    meeting, (pdf, _image, word) = seeded["meeting"], seeded["attachments"]
    html = member(MEMBER).get(f"/{T}/moeder/{meeting}").get_data(as_text=True)
    assert f'href="/{T}/moeder/{meeting}/dagsorden.pdf?udgave=medlemmer"' in html
    assert f'href="/{T}/moeder/{meeting}/samlet-dagsorden.pdf?udgave=offentlig"' in html
    assert f'href="/{T}/bilag/{pdf["id"]}"' in html and f'href="/{T}/bilag/{word["id"]}"' in html
    assert "2 sider" in html  # the PDF's pages, counted at upload
