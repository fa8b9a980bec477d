"""Hearings the parties answer themselves, on Testby (TST-7, CORE-HEARING): opening a
hearing tells every party at once; the hearing contact answers through a personal link
that answers this hearing for this organisation only, once, until the deadline plus the
grace for late answers (docs/decisions/0037-hearing-answer-links.md); those who act for
the organisation answer logged in; the secretariat records a paper answer, marked as
recorded by them."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.notifications.models import Notification
from core.proposals.models import HearingAnswerLink, HearingResponse
from core.proposals.operations import LINK_GRACE
from tests.fixtures.dates import at
from tests.fixtures.hearings import API, CONTACT, DEADLINE, link_token, open_testby_hearing, post_form
from tests.fixtures.testby import ANNA, BENT, CHAIR, GROUP_MEMBER, OUTSIDER, SECRETARY, SUBSTITUTE

PAGE = "/testby/forslag"


@pytest.fixture
def heard(testby, member, clock):
    clock.set(at(2018, 1, 5, 10))
    return open_testby_hearing(member)


def _answers(member, pid):
    p = member(SECRETARY).get(f"{API}/{pid}").get_json()
    return {a["organisation"]: a for a in p["steps"][0]["hearing"]["answers"]}


def _rows(in_tenant):
    with in_tenant("testby"):
        db.session.expire_all()
        return db.session.scalars(sa.select(HearingResponse)).all()


# --------------------------------------------------------------------------- told at once


def test_opening_a_hearing_tells_every_party_at_once_TST_7(heard, in_tenant, app):
    from core.notifications.mails import message

    with in_tenant("testby") as tenant:
        rows = db.session.scalars(sa.select(Notification).where(Notification.kind == "hearing_opened")).all()
        assert {r.recipient for r in rows} == {CHAIR, ANNA, SUBSTITUTE,  # act for TST-A
                                               BENT, GROUP_MEMBER, OUTSIDER, CONTACT}  # TST-B, its contact
        assert all(r.text == "" for r in rows)  # worded when delivered: no link in the outbox
        contact = next(r for r in rows if r.recipient == CONTACT)
        mail = message(contact, tenant)
        anna = message(next(r for r in rows if r.recipient == ANNA), tenant)
        link = db.session.scalar(sa.select(HearingAnswerLink))
    token = link_token(in_tenant, heard)
    # The token itself is stored nowhere: only its SHA-256.
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.expires_at == DEADLINE + LINK_GRACE and link.email == CONTACT

    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    base = app.config["PUBLIC_URL"].rstrip("/")
    assert mail["Subject"] == "Høring: Fælles regler for udlån af lokaler · Testby Kommune"
    assert text.startswith("Testby Kommune · Følgegruppen")
    assert "Svarfrist: 20.01.2018 kl. 13:00" in text and "(TST-7)" in text
    assert "Beboerhusene udlånes efter ens regler." in text
    assert f"{base}/testby/forslag/{heard}/hoeringssvar/{token}" in html
    assert f"{base}/testby/forslag/{heard}/hoeringssvar/{token}/bilag/" in text  # the attachment, by the link
    assert mail["References"] == f"<testby.proposal.{heard}@127.0.0.1>"
    # Those who act for the organisation get the answer page behind the login, no token.
    anna_text = anna.get_body(("plain",)).get_content()
    assert f"{base}/testby/forslag/{heard}/hoeringssvar" in anna_text
    assert f"{base}/testby/forslag/{heard}/bilag/" in anna_text
    assert token not in anna_text and "/api/v1" not in anna_text


# --------------------------------------------------------------------------- the link


def test_the_link_shows_the_proposal_and_takes_one_answer_CORE_HEARING(heard, member, in_tenant):
    token = link_token(in_tenant, heard)
    stranger = member(None)
    page = stranger.get(f"{PAGE}/{heard}/hoeringssvar/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Høringssvar fra Boligselskabet B" in html and "Beboerhusene udlånes efter ens regler." in html
    assert "regler.txt" in html and "Svarfrist" in html
    assert page.headers["Cache-Control"] == "no-store" and '<meta name="referrer" content="no-referrer">' in html
    [href] = [h for h in html.split('"') if "/bilag/" in h]
    assert stranger.get(href).get_data() == b"Regler for udlaan\n"

    form = {"kind": "comments", "text": "Vi foreslår fri adgang for foreningerne."}
    done = post_form(stranger, f"{PAGE}/{heard}/hoeringssvar/{token}", **form)
    assert done.status_code == 200 and "Høringssvaret er afgivet" in done.get_data(as_text=True)
    # The same request again (a double click): the same receipt, nothing written twice.
    again = post_form(stranger, f"{PAGE}/{heard}/hoeringssvar/{token}", **form)
    assert again.status_code == 200 and len(_rows(in_tenant)) == 1
    answer = _answers(member, heard)["TST-B"]
    assert (answer["status"], answer["channel"], answer["answered_by"], answer["is_late"]) == (
        "comments", "link", "Boligselskabet B, administrationen", False)

    # Spent: a different answer, the page and the attachment open nothing, and say why.
    other = post_form(stranger, f"{PAGE}/{heard}/hoeringssvar/{token}", kind="no_comments")
    assert other.status_code == 410
    used = stranger.get(f"{PAGE}/{heard}/hoeringssvar/{token}")
    assert used.status_code == 410 and "Linket er brugt" in used.get_data(as_text=True)
    assert "Beboerhusene" not in used.get_data(as_text=True)
    assert stranger.get(href).status_code == 410
    assert stranger.get(f"{API}/{heard}/hearing/answer-links/{token}").status_code == 410
    assert len(_rows(in_tenant)) == 1


def test_the_link_answers_over_the_api_and_a_repeat_is_safe(heard, member, in_tenant):
    token = link_token(in_tenant, heard)
    api = member(None)
    shown = api.get(f"{API}/{heard}/hearing/answer-links/{token}").get_json()
    assert shown["organisation"] == "TST-B" and shown["title"] == "Fælles regler for udlån af lokaler"
    assert [a["filename"] for a in shown["attachments"]] == ["regler.txt"] and shown["is_late"] is False
    assert set(shown) == {"tenant", "body", "organisation", "organisation_name", "title", "text",
                          "decision_sought", "attachments", "deadline_at", "expires_at", "is_late", "clause"}
    first = api.post(f"{API}/{heard}/hearing/answer-links/{token}", json={"kind": "no_comments"})
    assert first.status_code == 201 and first.get_json()["channel"] == "link"
    assert api.post(f"{API}/{heard}/hearing/answer-links/{token}", json={"kind": "no_comments"}).status_code == 200
    refused = api.post(f"{API}/{heard}/hearing/answer-links/{token}", json={"kind": "comments", "text": "x"})
    assert refused.status_code == 410
    assert len(_rows(in_tenant)) == 1


def test_the_token_is_kept_out_of_the_logs():
    from core.identity.security import redact

    line = redact("GET /testby/forslag/3/hoeringssvar/AbC-12_xyzAbC-12_xyzAbC-12_xyz/bilag/1 200")
    assert line == "GET /testby/forslag/3/hoeringssvar/[redacted]/bilag/1 200"
    assert "[redacted]" in redact("POST /api/v1/tenants/testby/proposals/3/hearing/answer-links/AbC-12_xyzAbC-12_xyz")


def test_a_tampered_an_unknown_or_another_proposals_token_is_404(heard, member, in_tenant):
    token = link_token(in_tenant, heard)
    second = open_testby_hearing(member, title="Et andet forslag")
    other = link_token(in_tenant, second)
    anyone = member(None)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "x" * 43, other, token + "x"):
        assert anyone.get(f"{PAGE}/{heard}/hoeringssvar/{bad}").status_code == 404
        assert post_form(anyone, f"{PAGE}/{heard}/hoeringssvar/{bad}", kind="no_comments").status_code == 404
        assert anyone.get(f"{API}/{heard}/hearing/answer-links/{bad}").status_code == 404
        assert anyone.post(f"{API}/{heard}/hearing/answer-links/{bad}",
                           json={"kind": "no_comments"}).status_code == 404
    # Another proposal's token opens its own proposal, not this one.
    assert anyone.get(f"{PAGE}/{second}/hoeringssvar/{other}").status_code == 200
    assert _rows(in_tenant) == []


def test_a_token_under_another_tenant_is_404(heard, member, in_tenant, naboby):
    token = link_token(in_tenant, heard)
    anyone = member(None)
    assert anyone.get(f"/naboby/forslag/{heard}/hoeringssvar/{token}").status_code == 404
    assert anyone.post(f"/api/v1/tenants/naboby/proposals/{heard}/hearing/answer-links/{token}",
                       json={"kind": "no_comments"}).status_code == 404
    assert _rows(in_tenant) == []


def test_an_expired_link_opens_nothing(heard, member, in_tenant, clock):
    token = link_token(in_tenant, heard)
    clock.set(DEADLINE + LINK_GRACE)
    resp = member(None).get(f"{PAGE}/{heard}/hoeringssvar/{token}")
    assert resp.status_code == 410 and "Linket er udløbet" in resp.get_data(as_text=True)
    resp = member(None).post(f"{API}/{heard}/hearing/answer-links/{token}", json={"kind": "no_comments"})
    assert resp.status_code == 410 and resp.get_json()["message"] == "Linket er udløbet."
    assert _rows(in_tenant) == []


def test_a_late_answer_through_the_link_is_recorded_late_CORE_HEARING(heard, member, in_tenant, clock):
    token = link_token(in_tenant, heard)
    clock.set(DEADLINE + timedelta(days=3))  # after the deadline, within the grace
    page = member(None).get(f"{PAGE}/{heard}/hoeringssvar/{token}").get_data(as_text=True)
    assert "Fristen er overskredet" in page
    done = post_form(member(None), f"{PAGE}/{heard}/hoeringssvar/{token}", kind="no_comments")
    assert "registreret som for sent (TST-7)" in done.get_data(as_text=True)
    assert _answers(member, heard)["TST-B"]["is_late"] is True


def test_closing_the_hearing_or_answering_another_way_spends_the_link(heard, member, in_tenant, clock):
    token = link_token(in_tenant, heard)
    assert member(BENT).post(f"{API}/{heard}/hearing/responses",
                             json={"organisation": "TST-B", "kind": "no_comments"}).status_code == 201
    resp = member(None).get(f"{PAGE}/{heard}/hoeringssvar/{token}")
    assert resp.status_code == 410 and "Linket er brugt" in resp.get_data(as_text=True)
    second = open_testby_hearing(member, title="Et andet forslag")
    token2 = link_token(in_tenant, second)
    clock.set(DEADLINE + timedelta(hours=1))
    assert member(SECRETARY).post(f"{API}/{second}/hearing/close").status_code == 200
    resp = member(None).get(f"{PAGE}/{second}/hoeringssvar/{token2}")
    assert resp.status_code == 410 and "Høringen er afsluttet" in resp.get_data(as_text=True)


# --------------------------------------------------------------------------- logged in, and paper


def test_the_same_answer_twice_is_safe_a_different_one_is_refused(heard, member, in_tenant):
    answer = {"organisation": "TST-A", "kind": "comments", "text": "Enig."}
    assert member(ANNA).post(f"{API}/{heard}/hearing/responses", json=answer).status_code == 201
    assert member(ANNA).post(f"{API}/{heard}/hearing/responses", json=answer).status_code == 200
    other = member(CHAIR).post(f"{API}/{heard}/hearing/responses", json={**answer, "text": "Uenig."})
    assert other.status_code == 409
    assert len(_rows(in_tenant)) == 1
    row = _answers(member, heard)["TST-A"]
    assert (row["channel"], row["answered_by"], row["recorded_by"]) == ("platform", "Anna Andersen", None)


def test_the_answer_page_for_those_who_act_for_the_organisation(heard, member, in_tenant):
    page = member(ANNA).get(f"{PAGE}/{heard}/hoeringssvar")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Høringssvar fra Boligselskabet A" in html
    assert "Høringssvar fra Boligselskabet B" not in html and "modtaget på papir" not in html
    assert "regler.txt" in html
    bad = post_form(member(ANNA), f"{PAGE}/{heard}/hoeringssvar", organisation="TST-A", **{"from": "answer"})
    assert bad.status_code == 422 and "Høringssvar: vælg et svar." in bad.get_data(as_text=True)
    done = post_form(member(ANNA), f"{PAGE}/{heard}/hoeringssvar", follow=True, organisation="TST-A",
                     kind="no_comments", **{"from": "answer"})
    assert "Høringssvaret er afgivet." in done.get_data(as_text=True)
    assert done.request.path == f"{PAGE}/{heard}/hoeringssvar"


def test_a_paper_answer_is_marked_as_recorded_by_the_secretariat(heard, member, in_tenant, clock):
    clock.set(DEADLINE + timedelta(days=2))  # typed in after the deadline …
    sec = member(SECRETARY)
    resp = sec.post(f"{API}/{heard}/hearing/responses", json={
        "organisation": "TST-A", "kind": "comments", "text": "Brev af 18. januar.", "on_paper": True,
        "received_at": at(2018, 1, 18, 9).isoformat()})  # … received before it: not late
    assert resp.status_code == 201
    row = _answers(member, heard)["TST-A"]
    assert (row["channel"], row["recorded_by"], row["answered_by"], row["is_late"]) == (
        "paper", "Sekretær Testby", None, False)
    html = sec.get(f"{PAGE}/{heard}").get_data(as_text=True)
    assert "Modtaget på papir 18.01.2018, registreret af Sekretær Testby" in html
    history = sec.get(f"{API}/{heard}").get_json()["history"]
    assert "registreret af Sekretær Testby" in history[-1]["message"]


def test_only_the_secretariat_records_paper_and_a_bad_date_is_named(heard, member, in_tenant, clock):
    resp = member(ANNA).post(f"{API}/{heard}/hearing/responses",
                             json={"organisation": "TST-A", "kind": "no_comments", "on_paper": True})
    assert resp.status_code == 403 and "secretariat" in resp.get_json()["message"]
    resp = member(SECRETARY).post(f"{API}/{heard}/hearing/responses", json={
        "organisation": "TST-A", "kind": "no_comments", "received_at": at(2018, 2, 1, 9).isoformat()})
    assert resp.status_code == 422 and "received_at" in resp.get_json()["errors"]["json"]
    page = post_form(member(SECRETARY), f"{PAGE}/{heard}/hoeringssvar", **{
        "organisation": "TST-A", "kind": "no_comments", "on_paper": "1", "from": "answer",
        "received_date": "18-01-2018"})
    assert page.status_code == 422 and "Modtaget den: skriv datoen som ÅÅÅÅ-MM-DD." in page.get_data(as_text=True)
    assert _rows(in_tenant) == []
