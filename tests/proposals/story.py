"""A proposal of Testby's follow group driven along its whole route through the API: the
group → hearing in Boligselskabet A and B (TST-7) → the board, which has no meeting planned
at first → follow-up in Boligselskabet A (TST-8), with an attachment. Its history holds
every kind of event the core writes; tests/proposals/test_history.py and tests/web read it.

Boligselskabet A answers on time with comments; Boligselskabet B answers after the deadline,
without comments."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from core.extensions import db
from tests.fixtures.dates import at
from tests.fixtures.testby import BENT, CHAIR, GROUP_MEMBER, SECRETARY

V = "/api/v1/tenants/testby/proposals"
PROPOSER = GROUP_MEMBER
DEADLINE = at(2018, 1, 20, 12)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _ok(resp, code=200):
    assert resp.status_code == code, resp.get_json()
    return resp.get_json()


def drive_story(member, in_tenant, clock) -> int:
    """Drive the proposal to its end; returns its id. Needs ``testby`` loaded."""
    from core.bodies.models import Body
    from core.meetings.models import Meeting

    clock.set(at(2018, 1, 5, 10))
    p = _ok(member(PROPOSER).post(V, json={
        "body": "gruppe", "title": "Fælles regler for udlån af lokaler",
        "text": "Beboerhusene udlånes efter ens regler.",
        "decision_sought": "Følgegruppen indstiller, at bestyrelsen vedtager reglerne.",
        "topics": ["hoering", "opfoelgning"]}), 201)
    pid = p["id"]
    _ok(member(PROPOSER).post(f"{V}/{pid}/attachments", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(PDF), "Regler.pdf")}), 201)
    _ok(member(SECRETARY).post(f"{V}/{pid}/hearing", json={"deadline_at": DEADLINE.isoformat()}))
    _ok(member(CHAIR).post(f"{V}/{pid}/hearing/responses", json={
        "organisation": "TST-A", "kind": "comments", "text": "Vi ønsker en overgangsperiode."}), 201)
    clock.set(DEADLINE + timedelta(days=1))  # time passes: the deadline is behind us
    _ok(member(BENT).post(f"{V}/{pid}/hearing/responses", json={
        "organisation": "TST-B", "kind": "no_comments", "text": ""}), 201)
    _ok(member(SECRETARY).post(f"{V}/{pid}/hearing/close"))  # the board has no meeting yet
    with in_tenant("testby"):  # now one is planned, and the proposal is put on it
        board = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        db.session.add(Meeting(body_id=board.id, starts_at=at(2018, 2, 15, 15)))
        db.session.commit()
    _ok(member(SECRETARY).post(f"{V}/{pid}/place"))
    clock.set(at(2018, 2, 15, 17))
    p = _ok(member(SECRETARY).post(f"{V}/{pid}/decision", json={
        "body": "bestyrelse", "outcome": "adopted", "text": "Bestyrelsen vedtager reglerne."}))
    task = next(u for u in p["follow_ups"] if u["assignee"] == "TST-A")
    _ok(member(CHAIR).post(f"{V}/{pid}/follow-ups/{task['id']}/done", json={
        "note": "Behandlet i A's bestyrelse."}))
    return pid
