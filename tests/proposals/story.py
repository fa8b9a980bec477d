"""Vejle's proposal of principle driven along its whole route through the API, as the demo
does (plugins/vejle/demo.py): theme group → hearing → theme group → FKU (no meeting planned)
→ BPU → follow-ups (VEJ-6, VEJ-1), with an attachment. Its history holds every kind of
event the core writes; tests/proposals/test_history.py and tests/web read it."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from core.extensions import db
from core.models import utcnow

V = "/api/v1/tenants/vejle/proposals"
THEME = "temagruppe-boligsocial"
THEME_MEMBER = "tina.tvede@vejle.example"
THEME_SECRETARY = "susan.soerensen@bolivvejle.example"
FS_SECRETARY = "laerke.lindberg@bolivvejle.example"  # secretary of FKU and BPU
AAB = "aase.albaek@aab.example"
OSTERBO = "ole.oestergaard@osterbo.example"
LEJERBO = "lis.lerche@lejerbo.example"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _ok(resp, code=200):
    assert resp.status_code == code, resp.get_json()
    return resp.get_json()


def vejle_story(member, in_tenant) -> int:
    """Drive the proposal to its end; returns its id. Needs the ``vejle`` tenant synced."""
    from core.bodies.models import Body
    from core.meetings.models import Meeting
    from core.proposals.models import Hearing, ProposalStep

    with in_tenant("vejle"):  # the theme group and BPU have meetings planned; FKU has none
        for key, days in ((THEME, 40), ("bpu", 60)):
            body = db.session.scalar(sa.select(Body).filter_by(key=key))
            db.session.add(Meeting(body_id=body.id, starts_at=utcnow() + timedelta(days=days)))
        db.session.commit()

    p = _ok(member(THEME_MEMBER).post(V, json={
        "body": THEME, "title": "Fælles principper for boligsocial anvisning",
        "text": "Udkast til principper for anvisning i alle afdelinger.",
        "decision_sought": "Temagruppen indstiller, at BPU vedtager principperne.",
        "topics": ["principle"]}), 201)
    pid = p["id"]
    _ok(member(THEME_MEMBER).post(f"{V}/{pid}/attachments", content_type="multipart/form-data",
                                  data={"file": (io.BytesIO(PDF), "Principper.pdf")}), 201)
    _ok(member(THEME_SECRETARY).post(f"{V}/{pid}/hearing", json={
        "deadline_at": (utcnow() + timedelta(days=21)).isoformat()}))
    _ok(member(AAB).post(f"{V}/{pid}/hearing/responses", json={
        "organisation": "AAB", "kind": "comments", "text": "Vi ønsker en overgangsperiode."}), 201)
    _ok(member(OSTERBO).post(f"{V}/{pid}/hearing/responses", json={
        "organisation": "OSTERBO", "kind": "no_comments", "text": ""}), 201)
    with in_tenant("vejle"):  # time passes: the deadline is behind us
        hearing = db.session.scalar(
            sa.select(Hearing).join(ProposalStep).where(ProposalStep.proposal_id == pid))
        hearing.deadline_at = utcnow() - timedelta(days=1)
        db.session.commit()
    _ok(member(LEJERBO).post(f"{V}/{pid}/hearing/responses", json={
        "organisation": "LEJERBO", "kind": "comments", "text": "For sent, men enig."}), 201)
    _ok(member(THEME_SECRETARY).post(f"{V}/{pid}/hearing/close"))
    _ok(member(THEME_SECRETARY).post(f"{V}/{pid}/decision", json={
        "body": THEME, "outcome": "adopted", "text": "Høringssvarene er indarbejdet."}))
    _ok(member(FS_SECRETARY).post(f"{V}/{pid}/decision", json={
        "body": "fku", "outcome": "adopted", "text": "FKU lægger forslaget frem for BPU."}))
    p = _ok(member(FS_SECRETARY).post(f"{V}/{pid}/decision", json={
        "body": "bpu", "outcome": "adopted", "text": "BPU vedtager principperne."}))
    task = next(u for u in p["follow_ups"] if u["assignee"] == "AAB")
    _ok(member(AAB).post(f"{V}/{pid}/follow-ups/{task['id']}/done", json={
        "note": "Behandlet i AAB's organisationsbestyrelse."}))
    return pid
