"""Proposal attachments: stored with a checksum, within size and type limits, and served
only to those who may see the proposal."""

import hashlib
import io

import pytest

from tests.fixtures.testby import ANNA, GROUP_MEMBER, OUTSIDER, SECRETARY

GROUP = "gruppe"  # Testby's advising group

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.fixture
def proposal(testby, api):
    tst = api(testby).as_(GROUP_MEMBER)
    p = tst.post(body=GROUP, title="x", text="y", decision_sought="z").get_json()
    return tst, p["id"]


def _upload(tst, pid, content, name):
    return tst.client.post(tst.url(f"/{pid}/attachments"), data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")


def test_attachment_is_stored_with_its_checksum_and_served_as_stored(proposal):
    tst, pid = proposal
    resp = _upload(tst, pid, PDF, "../../Budget for nattevandring æøå.pdf")
    assert resp.status_code == 201, resp.get_json()
    a = resp.get_json()
    assert a["filename"] == "Budget for nattevandring æøå.pdf"
    assert (a["content_type"], a["size_bytes"]) == ("application/pdf", len(PDF))
    assert a["sha256"] == hashlib.sha256(PDF).hexdigest()
    got = tst.get(f"/{pid}/attachments/{a['id']}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    p = tst.get(f"/{pid}").get_json()
    assert [x["sha256"] for x in p["attachments"]] == [a["sha256"]]
    assert p["history"][-1]["kind"] == "attachment_added"


def test_the_type_is_detected_from_the_content_not_the_name(proposal):
    tst, pid = proposal
    assert _upload(tst, pid, PNG, "foto.pdf").get_json()["content_type"] == "image/png"
    resp = _upload(tst, pid, b"MZ\x90\x00\x03" + b"\x00" * 64, "rapport.pdf")
    assert resp.status_code == 422 and "file" in resp.get_json()["errors"]["files"]
    assert _upload(tst, pid, "Referat fra følgegruppen\n".encode(), "referat.txt").status_code == 201
    assert _upload(tst, pid, b"", "tom.pdf").status_code == 422
    html = _upload(tst, pid, b"<!DOCTYPE html><html><script>alert(1)</script></html>", "rapport.pdf")
    assert html.status_code == 422 and "file" in html.get_json()["errors"]["files"]
    assert _upload(tst, pid, b"<html></html>", "side.txt").status_code == 201  # text, served as text


def test_a_file_name_is_cleaned_as_the_meetings_bilag_are(proposal):
    """One upload policy (core/files.py) for both kinds of attachment."""
    tst, pid = proposal
    resp = _upload(tst, pid, PDF, "bud\u202egdp.exe\x00" + "x" * 5000 + ".pdf")
    assert resp.status_code == 201, resp.get_json()
    name = resp.get_json()["filename"]
    assert name.startswith("budgdp.exe") and name.endswith(".pdf") and len(name) == 255


def test_too_large_attachment_is_refused(proposal, app, monkeypatch):
    """One size setting for every upload (MAX_ATTACHMENT_BYTES, core/files.py)."""
    tst, pid = proposal
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 50)
    resp = _upload(tst, pid, PDF, "stor.pdf")
    assert resp.status_code == 413
    assert tst.get(f"/{pid}").get_json()["attachments"] == []


def test_the_same_file_twice_is_refused(proposal):
    tst, pid = proposal
    assert _upload(tst, pid, PDF, "a.pdf").status_code == 201
    assert _upload(tst, pid, PDF, "b.pdf").status_code == 409


def test_a_changed_byte_is_detected_on_download(proposal):
    from tests.fixtures.files import corrupt_stored

    tst, pid = proposal
    aid = _upload(tst, pid, PDF, "a.pdf").get_json()["id"]
    corrupt_stored(hashlib.sha256(PDF).hexdigest(), PDF.replace(b"Catalog", b"Katalog"))
    assert tst.get(f"/{pid}/attachments/{aid}").status_code == 404  # never served, not a 500


def test_only_the_proposer_or_the_origins_secretary_attaches_and_only_viewers_download(proposal):
    tst, pid = proposal
    aid = _upload(tst, pid, PDF, "a.pdf").get_json()["id"]
    tst.as_(ANNA)  # another member of the group: sees, may not attach
    assert tst.get(f"/{pid}/attachments/{aid}").status_code == 200
    assert _upload(tst, pid, PNG, "b.png").status_code == 403
    tst.as_(SECRETARY)  # the group's secretary
    assert _upload(tst, pid, PNG, "b.png").status_code == 201
    tst.as_(OUTSIDER)  # of a party to the plan, in no body
    assert tst.get(f"/{pid}/attachments/{aid}").status_code == 404
