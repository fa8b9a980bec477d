"""Tacit approval of minutes (approval mode ``tacit``): the minutes are approved when no
member objects within the days the tenant file gives, counted from sending them; an
objection sends them back to the secretary with the objection recorded. Testby's board,
loaded here with ``approval_mode = "tacit"`` and 7 days (TST-6), through the HTTP API, the
tick and a real SMTP server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.extensions import db
from core.meetings.models import DeadlineBreach, MinutesObjection
from core.notifications.operations import tick
from core.tenants.filespec import TenantFileError
from tests.fixtures.meetings import attend_all
from tests.fixtures.testby import (
    ANNA,
    BENT,
    NABO_SECRETARY,
    SECRETARY,
    send_tacit_minutes,
    tacit_testby_file,
)

UTC = timezone.utc
A = "/api/v1/tenants/testby"
SENT = datetime(2018, 3, 5, 10, tzinfo=UTC)
DUE = SENT + timedelta(days=7)  # TST-6 in the file below: 7 days from sending


def _tacit_file(tmp_path, **changes):
    return tacit_testby_file(tmp_path, **changes)


@pytest.fixture
def in_process(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")


@pytest.fixture
def sent(tmp_path, sync_tenant, clock, make_meeting, member, in_process):
    """Testby's board meeting of 1 March 2018, held, its minutes sent on 5 March (SENT)."""
    return send_tacit_minutes(sync_tenant, clock, make_meeting, member, tmp_path)


def _minutes(member, meeting, who=ANNA):
    return member(who).get(f"{A}/meetings/{meeting}/minutes").get_json()


def _audit(in_tenant, action):
    with in_tenant("testby"):
        return db.session.scalars(sa.select(AuditEntry).filter_by(action=action)).all()


def test_minutes_nobody_objects_to_are_approved_by_the_tick_at_the_deadline_TST_6(
        sent, member, smtp_server, in_tenant):
    minutes = _minutes(member, sent)
    assert minutes["approval_mode"] == "tacit" and minutes["state"] == "minutes_sent"
    assert minutes["objections_due_at"] == DUE.isoformat()
    tick(DUE - timedelta(minutes=1))
    assert _minutes(member, sent)["state"] == "minutes_sent"

    # The members' mail says until when they can object, and links to where they do it.
    [mail] = smtp_server.to(ANNA)
    text = mail.get_body(("plain",)).get_content()
    assert "godkendt stiltiende, hvis intet medlem gør indsigelse senest 12.03.2018 kl. 11:00 (TST-6)" in text
    assert f"http://127.0.0.1:5000/testby/moeder/{sent}#referat" in text

    report = tick(DUE)
    assert report.approved == 1
    minutes = _minutes(member, sent)
    assert minutes["state"] == "minutes_approved"
    assert minutes["approval"]["mode"] == "tacit" and minutes["approval"]["clause"] == "TST-6"
    with in_tenant("testby"):
        assert db.session.scalars(sa.select(DeadlineBreach)).all() == []  # approved as of the deadline
    [approved] = _audit(in_tenant, "minutes.approved")
    assert approved.payload["approval"]["mode"] == "tacit"
    done = [m for m in smtp_server.to(BENT) if m["Subject"].startswith("Referatet er godkendt")]
    assert len(done) == 1 and "stiltiende (TST-6)" in done[0].get_body(("plain",)).get_content()

    again = tick(DUE + timedelta(hours=1))  # nothing twice
    assert again.approved == 0 and len(smtp_server.to(BENT)) == 2


def test_an_objection_sends_the_minutes_back_and_a_new_sending_starts_a_new_round(
        sent, member, clock, smtp_server, in_tenant):
    tick(SENT + timedelta(minutes=5))  # the minutes go out
    clock.set(SENT + timedelta(days=2))
    resp = member(BENT).post(f"{A}/meetings/{sent}/minutes/objections",
                             json={"text": "Beslutningen på punkt 1 er ikke gengivet korrekt."})
    assert resp.status_code == 201, resp.get_json()
    minutes = resp.get_json()
    assert minutes["state"] == "held"  # back with the secretary, the draft open
    [objection] = minutes["objections"]
    assert objection["by"] == "Bent Berg" and objection["text"].startswith("Beslutningen på punkt 1")
    assert objection["sent_at"] == SENT.isoformat()
    [audited] = _audit(in_tenant, "minutes.objection")
    assert audited.payload["clause"] == "TST-6"

    tick(DUE + timedelta(hours=1))  # the old round's deadline has no meaning any more
    assert _minutes(member, sent)["state"] == "held"
    [to_secretary] = [m for m in smtp_server.to(SECRETARY) if m["Subject"].startswith("Indsigelse")]
    body = to_secretary.get_body(("plain",)).get_content()
    assert "Bent Berg har gjort indsigelse" in body and "ikke gengivet korrekt" in body
    assert f"/testby/moeder/{sent}#referat" in body

    # The secretary corrects the draft and sends it again: a new round of 7 days.
    sec = member(SECRETARY)
    item = _minutes(member, sent, SECRETARY)["versions"][0]["entries"][0]["item_id"]
    assert sec.put(f"{A}/meetings/{sent}/items/{item}/minutes",
                   json={"decision": "Budgettet blev godkendt med én ændring."}).status_code == 200
    resent = DUE + timedelta(days=1)
    clock.set(resent)
    assert sec.post(f"{A}/meetings/{sent}/send-minutes").status_code == 200
    assert _minutes(member, sent)["objections_due_at"] == (resent + timedelta(days=7)).isoformat()
    tick(resent + timedelta(minutes=5))
    assert len([m for m in smtp_server.to(ANNA) if m["Subject"].startswith("Referat:")]) == 2
    tick(resent + timedelta(days=7))
    minutes = _minutes(member, sent)
    assert minutes["state"] == "minutes_approved" and len(minutes["objections"]) == 1
    with in_tenant("testby"):
        # Sent again after an objection: the first sending is what the minutes deadline measured.
        assert db.session.scalars(sa.select(DeadlineBreach)).all() == []


def _objections(in_tenant):
    with in_tenant("testby"):
        return db.session.scalars(sa.select(MinutesObjection)).all()


def test_objections_are_refused_with_their_reason_and_write_nothing(sent, naboby, member, clock, in_tenant):
    url = f"{A}/meetings/{sent}/minutes/objections"
    empty = member(ANNA).post(url, json={"text": "  "})
    assert empty.status_code == 422 and "text" in empty.get_json()["errors"]["json"]
    huge = member(ANNA).post(url, json={"text": "x" * 5001})
    assert huge.status_code == 422 and "text" in huge.get_json()["errors"]["json"]
    # The secretary wrote the minutes; only the members approve or object (CORE-APPROVERS).
    own = member(SECRETARY).post(url, json={"text": "Nej"})
    assert own.status_code == 403 and own.get_json()["clause"] == "CORE-APPROVERS"
    assert member(NABO_SECRETARY).post(url, json={"text": "Nej"}).status_code == 404  # another tenant
    assert member(None).post(url, json={"text": "Nej"}).status_code == 401
    clock.set(DUE)
    late = member(ANNA).post(url, json={"text": "For sent"})
    assert late.status_code == 409 and late.get_json()["clause"] == "TST-6"
    assert "12.03.2018 kl. 11:00" in late.get_json()["message"]
    assert _objections(in_tenant) == []


def test_a_body_that_does_not_approve_tacitly_takes_no_objection(testby, create_meeting, member, in_tenant):
    """Testby's own file: the board approves by e-mail (TST-6)."""
    meeting = create_meeting(testby, "bestyrelse")
    sec = member(SECRETARY)
    attend_all(sec, meeting, prefix=f"{A}/")  # the meeting sits; someone is present (CORE-ATTENDANCE)
    assert sec.post(f"{A}/meetings/{meeting}/held").status_code == 200
    assert sec.post(f"{A}/meetings/{meeting}/send-minutes").status_code == 200
    resp = member(ANNA).post(f"{A}/meetings/{meeting}/minutes/objections", json={"text": "Nej"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "TST-6"
    assert "godkendes ikke stiltiende" in resp.get_json()["message"]
    assert _objections(in_tenant) == []


def test_the_tenant_file_names_the_days_tacit_approval_needs(tmp_path, sync_tenant):
    with pytest.raises(TenantFileError) as exc:
        sync_tenant(_tacit_file(tmp_path, days=""))
    assert "bodies[bestyrelse].approval_due_days: tacit approval needs the days" in str(exc.value)
    with pytest.raises(TenantFileError) as exc:
        sync_tenant(_tacit_file(tmp_path, mode='approval_mode = "board"'))
    assert 'only with approval_mode = "email" or "tacit"' in str(exc.value)


def test_the_kommissorium_page_says_what_tacit_approval_counts_from(tmp_path, sync_tenant, member):
    sync_tenant(_tacit_file(tmp_path))
    rules = member(None).get(f"{A}/bodies/bestyrelse/kommissorium").get_json()
    text = " ".join(str(r) for r in (rules if isinstance(rules, list) else rules.get("rules", rules)))
    assert "intet medlem har gjort indsigelse inden 7 dage efter, at det er udsendt" in text
