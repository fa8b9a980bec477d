"""Proposal attachments: stored with a checksum, within size and type limits, and served
only to those who may see the proposal."""

import hashlib
import io

import pytest

from tests.plugins.slagelse.test_proposals import FOLLOW_GROUP, MEMBER

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.fixture
def proposal(sync_tenant, api):
    sync_tenant("slagelse")
    sla = api("slagelse").as_(MEMBER)
    p = sla.post(body=FOLLOW_GROUP, title="x", text="y", decision_sought="z").get_json()
    return sla, p["id"]


def _upload(sla, pid, content, name):
    return sla.client.post(sla.url(f"/{pid}/attachments"), data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")


def test_attachment_is_stored_with_its_checksum_and_served_as_stored(proposal):
    sla, pid = proposal
    resp = _upload(sla, pid, PDF, "../../Budget for nattevandring æøå.pdf")
    assert resp.status_code == 201, resp.get_json()
    a = resp.get_json()
    assert a["filename"] == "Budget for nattevandring æøå.pdf"
    assert (a["content_type"], a["size_bytes"]) == ("application/pdf", len(PDF))
    assert a["sha256"] == hashlib.sha256(PDF).hexdigest()
    got = sla.get(f"/{pid}/attachments/{a['id']}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    p = sla.get(f"/{pid}").get_json()
    assert [x["sha256"] for x in p["attachments"]] == [a["sha256"]]
    assert p["history"][-1]["kind"] == "attachment_added"


def test_the_type_is_detected_from_the_content_not_the_name(proposal):
    sla, pid = proposal
    assert _upload(sla, pid, PNG, "foto.pdf").get_json()["content_type"] == "image/png"
    resp = _upload(sla, pid, b"MZ\x90\x00\x03" + b"\x00" * 64, "rapport.pdf")
    assert resp.status_code == 422 and "file" in resp.get_json()["errors"]["files"]
    assert _upload(sla, pid, "Referat fra følgegruppen\n".encode(), "referat.txt").status_code == 201
    assert _upload(sla, pid, b"", "tom.pdf").status_code == 422
    html = _upload(sla, pid, b"<!DOCTYPE html><html><script>alert(1)</script></html>", "rapport.pdf")
    assert html.status_code == 422 and "file" in html.get_json()["errors"]["files"]
    assert _upload(sla, pid, b"<html></html>", "side.txt").status_code == 201  # text, served as text


def test_a_file_name_is_cleaned_as_the_meetings_bilag_are(proposal):
    """One upload policy (core/files.py) for both kinds of attachment."""
    sla, pid = proposal
    resp = _upload(sla, pid, PDF, "bud\u202egdp.exe\x00" + "x" * 5000 + ".pdf")
    assert resp.status_code == 201, resp.get_json()
    name = resp.get_json()["filename"]
    assert name.startswith("budgdp.exe") and name.endswith(".pdf") and len(name) == 255


def test_too_large_attachment_is_refused(proposal, app):
    sla, pid = proposal
    app.config["PROPOSAL_ATTACHMENT_MAX_BYTES"] = 50
    try:
        resp = _upload(sla, pid, PDF, "stor.pdf")
    finally:
        app.config.pop("PROPOSAL_ATTACHMENT_MAX_BYTES")
    assert resp.status_code == 413
    assert sla.get(f"/{pid}").get_json()["attachments"] == []


def test_the_same_file_twice_is_refused(proposal):
    sla, pid = proposal
    assert _upload(sla, pid, PDF, "a.pdf").status_code == 201
    assert _upload(sla, pid, PDF, "b.pdf").status_code == 409


def test_a_changed_byte_is_detected_on_download(proposal, in_tenant):
    import sqlalchemy as sa

    from core.extensions import db
    from core.proposals.models import ProposalAttachment

    sla, pid = proposal
    aid = _upload(sla, pid, PDF, "a.pdf").get_json()["id"]
    with in_tenant("slagelse"):
        db.session.execute(sa.update(ProposalAttachment).where(ProposalAttachment.id == aid)
                           .values(content=PDF.replace(b"Catalog", b"Katalog")))
        db.session.commit()
    assert sla.get(f"/{pid}/attachments/{aid}").status_code == 500


def test_only_the_proposer_or_the_origins_secretary_attaches_and_only_viewers_download(proposal):
    sla, pid = proposal
    aid = _upload(sla, pid, PDF, "a.pdf").get_json()["id"]
    sla.as_("simon.skytte@slagelse.example")  # another member of the følgegruppe: sees, may not attach
    assert sla.get(f"/{pid}/attachments/{aid}").status_code == 200
    assert _upload(sla, pid, PNG, "b.png").status_code == 403
    sla.as_("katrine.kirkegaard@slagelse-boligsocial.example")  # the følgegruppe's secretary
    assert _upload(sla, pid, PNG, "b.png").status_code == 201
    sla.as_("dina.due@slagelse.example")
    assert sla.get(f"/{pid}/attachments/{aid}").status_code == 404
