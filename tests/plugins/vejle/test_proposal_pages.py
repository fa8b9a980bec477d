"""Vejle's proposals from the pages, as a browser without JavaScript does it (the ``submit``
fixture): a theme group's member starts a proposal with a file (VEJ-5), which goes to
hearing first (VEJ-6); the hearing opened, answered and closed, the step placed on its
body's meeting and each body's decision recorded without skipping a step (VEJ-6); the
follow-ups of an adopted principle (VEJ-1) on their page and on the dashboard."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.meetings.models import MeetingState
from core.models import utcnow
from core.proposals.models import (
    FollowUpState,
    FollowUpTask,
    Hearing,
    Proposal,
    ProposalAttachment,
    StepOutcome,
    StepState,
)
from tests.web.conftest import submit  # noqa: F401
from tests.web.refused import error_text, field_message, problems

V = "/api/v1/tenants/vejle/proposals"
THEME = "temagruppe-boligsocial"
THEME_MEMBER = "tina.tvede@vejle.example"
THEME_SECRETARY = "susan.soerensen@bolivvejle.example"
FS_SECRETARY = "laerke.lindberg@bolivvejle.example"  # secretary of FKU and BPU, tenant admin
AAB = "aase.albaek@aab.example"  # acts for AAB
OSTERBO = "ole.oestergaard@osterbo.example"  # acts for Østerbo
PDF = b"%PDF-1.4\n% principper\n"
PRINCIPLE = {"body": THEME, "title": "Fælles principper for anvisning", "text": "Udkast til principper.",
             "decision_sought": "BPU vedtager principperne.", "topics": ["principle"]}



@pytest.fixture
def vejle(sync_tenant):
    sync_tenant("vejle")


def _proposal(in_tenant, pid) -> Proposal:
    return db.session.get(Proposal, pid)


def _count(in_tenant, model) -> int:
    with in_tenant("vejle"):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _started(member) -> int:
    resp = member(THEME_MEMBER).post(V, json=PRINCIPLE)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _flash_error(html: str) -> str:
    return error_text(html) if problems(html) else ""


def test_start_a_proposal_from_the_page_with_a_file_VEJ_5_VEJ_6(vejle, member, submit, in_tenant):
    tina = member(THEME_MEMBER)
    html = tina.get("/vejle/forslag").get_data(as_text=True)
    assert 'id="nyt-forslag"' in html and f'<option value="{THEME}">' in html
    # the bodies she may not start from are listed with the rule's clause
    assert "Organer, hvor du ikke kan rejse forslag" in html and "(CORE-ORIGIN)" in html
    resp = submit(tina, "/vejle/forslag", "/vejle/forslag", body=THEME, title="Fælles principper",
                  text="Udkast til principper.", decision_sought="BPU vedtager principperne.",
                  topics="principle", plan="", district="", file=(io.BytesIO(PDF), "principper.pdf"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Forslaget er rejst." in html
    with in_tenant("vejle"):
        p = db.session.scalar(sa.select(Proposal).filter_by(title="Fælles principper"))
        assert p.origin_body.key == THEME and p.topics == ["principle"] and p.route_clause == "VEJ-6"
        assert [s.kind.value for s in p.steps] == ["hearing", "body", "body", "body"]
        (attachment,) = p.attachments
        pid, aid = p.id, attachment.id
    assert resp.request.path == f"/vejle/forslag/{pid}"
    # the timeline in Danish words, not the raw keys
    assert "Høring" in html and "i gang" in html and "bearbejder forslaget" in html and "beslutter" in html
    assert ">active<" not in html and "— waiting" not in html and "revise" not in html
    # the file is listed and downloads as stored
    assert f'href="/vejle/forslag/{pid}/bilag/{aid}">principper.pdf</a>' in html
    download = tina.get(f"/vejle/forslag/{pid}/bilag/{aid}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "principper.pdf" in download.headers["Content-Disposition"]
    # where it is now, in the reader's language
    assert "Venter på at blive sendt i høring." in html
    submit(tina, f"/vejle/forslag/{pid}", "/sprog", follow=False, lang="en", next=f"/vejle/forslag/{pid}")
    from flask_babel import refresh

    refresh()  # the tests' app context spans requests; a new request would choose afresh
    english = tina.get(f"/vejle/forslag/{pid}").get_data(as_text=True)
    assert "Waiting to be sent for hearing." in english and "Venter på at blive sendt" not in english
    assert "Waiting to be sent for hearing." in tina.get("/vejle/forslag").get_data(as_text=True)


def _in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d")


def test_hearing_opened_answered_closed_then_placed_and_decided_VEJ_6(
        vejle, member, submit, in_tenant, create_meeting):
    pid = _started(member)
    page = f"/vejle/forslag/{pid}"
    sec = member(THEME_SECRETARY)
    html = sec.get(page).get_data(as_text=True)
    assert 'id="send-i-hoering"' in html and 'name="organisations" value="AAB" checked' in html
    # the theme group's member may not open it
    assert submit(member(THEME_MEMBER), page, f"{page}/hoering", follow=False,
                  deadline_date=_in_days(21), organisations="AAB").status_code == 403
    # bad input names the field, and nothing is opened
    html = submit(sec, page, f"{page}/hoering", deadline_date="21/12", organisations="AAB").get_data(as_text=True)
    assert _flash_error(html).startswith("Svarfrist: skriv datoen som ÅÅÅÅ-MM-DD")
    html = submit(sec, page, f"{page}/hoering", deadline_date="2020-01-01", organisations="AAB").get_data(as_text=True)
    assert _flash_error(html).startswith("Svarfrist: Fristen skal ligge efter i dag.")
    html = submit(sec, page, f"{page}/hoering", deadline_date=_in_days(21), deadline_time="15:30",
                  remind_days_before="7").get_data(as_text=True)
    assert _flash_error(html) == "Organisationer: vælg mindst én organisation."
    assert f'value="{_in_days(21)}"' in html and 'value="15:30"' in html and 'value="7"' in html
    assert 'name="organisations" value="AAB" checked' not in html  # unticked as sent
    assert _count(in_tenant, Hearing) == 0

    html = submit(sec, page, f"{page}/hoering", deadline_date=_in_days(21), deadline_time="15:00",
                  remind_days_before="5", organisations=["AAB", "OSTERBO"]).get_data(as_text=True)
    assert "Forslaget er sendt i høring." in html and "Svarfrist" in html and "15:00" in html
    with in_tenant("vejle"):
        hearing = db.session.scalar(sa.select(Hearing))
        assert sorted(a.organisation.code for a in hearing.asked) == ["AAB", "OSTERBO"]
        assert hearing.remind_days_before == 5

    # closing before the deadline while answers are missing is refused, with the clause
    html = submit(sec, page, f"{page}/hoering/afslut").get_data(as_text=True)
    assert "Høringsfristen er ikke udløbet" in _flash_error(html) and _flash_error(html).endswith("(VEJ-6)")
    for email, org in ((AAB, "AAB"), (OSTERBO, "OSTERBO")):
        submit(member(email), page, f"{page}/hoeringssvar", organisation=org, kind="no_comments")
    html = submit(sec, page, f"{page}/hoering/afslut").get_data(as_text=True)
    assert "Høringen er afsluttet" in html and "høringssvarene er samlet" in html
    with in_tenant("vejle"):
        p = _proposal(in_tenant, pid)
        assert p.steps[0].outcome is StepOutcome.HEARD and p.current_step.position == 2

    # back at the theme group, which has no planned meeting: placing is refused with the clause
    html = submit(sec, page, f"{page}/dagsorden").get_data(as_text=True)
    assert "har intet planlagt møde" in _flash_error(html) and _flash_error(html).endswith("(VEJ-6)")
    meeting = create_meeting("vejle", THEME, starts_at=utcnow() + timedelta(days=30),
                             state=MeetingState.PLANNED)
    html = submit(sec, page, f"{page}/dagsorden").get_data(as_text=True)
    assert "Forslaget er sat på dagsordenen." in html and f'href="/vejle/moeder/{meeting}#punkt-' in html
    with in_tenant("vejle"):
        assert _proposal(in_tenant, pid).steps[1].meeting_id == meeting

    # a decision without an outcome names the field and changes nothing
    html = submit(sec, page, f"{page}/beslutning", body=THEME, text="Temagruppen fører forslaget videre.") \
        .get_data(as_text=True)
    assert _flash_error(html) == "Beslutning: skal udfyldes."
    assert field_message(html, f"decide-proposal-{pid}-outcome") == "Beslutning: skal udfyldes."
    assert ">Temagruppen fører forslaget videre.</textarea>" in html
    # the theme group's position carries the proposal on to FKU
    html = submit(sec, page, f"{page}/beslutning", body=THEME, outcome="adopted",
                  text="Høringssvarene er indarbejdet.").get_data(as_text=True)
    assert "Beslutningen er registreret." in html and "ført videre" in html
    with in_tenant("vejle"):
        p = _proposal(in_tenant, pid)
        assert p.steps[1].state is StepState.DONE and p.current_step.body.key == "fku"

    # BPU may not decide while the proposal is at FKU: no step is skipped (VEJ-6)
    fs = member(FS_SECRETARY)
    html = submit(fs, page, f"{page}/beslutning", body="bpu", outcome="adopted", text="Vedtaget.").get_data(as_text=True)
    assert "springes over" in _flash_error(html) and _flash_error(html).endswith("(VEJ-6)")
    with in_tenant("vejle"):
        assert _proposal(in_tenant, pid).current_step.body.key == "fku"
    # the theme group's secretary is no secretary of FKU
    assert submit(sec, page, f"{page}/beslutning", follow=False, body="fku", outcome="adopted",
                  text="Videre.").status_code == 403


@pytest.fixture
def decided(vejle, member):
    return adopt_principle(member)


def adopt_principle(member) -> int:
    """A principle taken through the API to BPU's adoption: the follow-ups of VEJ-1 are
    open. Returns the proposal's id."""
    pid = _started(member)
    sec, fs = member(THEME_SECRETARY), member(FS_SECRETARY)
    deadline = (utcnow() + timedelta(days=21)).isoformat()
    assert sec.post(f"{V}/{pid}/hearing", json={"deadline_at": deadline, "organisations": ["AAB"]}).status_code == 200
    assert member(AAB).post(f"{V}/{pid}/hearing/responses",
                            json={"organisation": "AAB", "kind": "no_comments"}).status_code == 201
    assert sec.post(f"{V}/{pid}/hearing/close").status_code == 200
    for who, body in ((sec, THEME), (fs, "fku"), (fs, "bpu")):
        resp = who.post(f"{V}/{pid}/decision", json={"body": body, "outcome": "adopted", "text": "Ja."})
        assert resp.status_code == 200, resp.get_json()
    return pid


def test_follow_ups_listed_and_marked_done_from_the_page_VEJ_1(decided, member, submit, in_tenant):
    with in_tenant("vejle"):
        tasks = {(t.assignee_kind, t.assignee): t.id for t in db.session.scalars(sa.select(FollowUpTask))}
    aab_task, council_task = tasks[("organisation", "AAB")], tasks[("body", "byraadet")]
    page = "/vejle/forslag/opfoelgninger"
    html = member(AAB).get(page).get_data(as_text=True)
    assert "Principbeslutning behandles i boligorganisationernes bestyrelser" in html and "(VEJ-1)" in html
    assert f'action="/vejle/forslag/{decided}/opfoelgninger/{aab_task}/udfoert"' in html
    assert f"/opfoelgninger/{council_task}/udfoert" not in html  # AAB does not close the council's
    # AAB may not mark the council's task done
    assert submit(member(AAB), page, f"/vejle/forslag/{decided}/opfoelgninger/{council_task}/udfoert",
                  follow=False).status_code == 403
    html = submit(member(AAB), page, f"/vejle/forslag/{decided}/opfoelgninger/{aab_task}/udfoert",
                  note="Behandlet på bestyrelsesmødet 3. marts.").get_data(as_text=True)
    assert "Opfølgningen er markeret som udført." in html
    assert f'id="opfoelgning-{aab_task}"' not in html
    with in_tenant("vejle"):
        task = db.session.get(FollowUpTask, aab_task)
        assert task.state is FollowUpState.DONE and task.note == "Behandlet på bestyrelsesmødet 3. marts."
    # once done, marking it again is refused with its clause
    html = submit(member(FS_SECRETARY), page, f"/vejle/forslag/{decided}/opfoelgninger/{aab_task}/udfoert") \
        .get_data(as_text=True)
    assert _flash_error(html) == "Opfølgningen er allerede markeret som udført. (VEJ-1)"
    # the proposal's page tells the follow-ups with Danish words
    html = member(FS_SECRETARY).get(f"/vejle/forslag/{decided}").get_data(as_text=True)
    assert "Behandlet på bestyrelsesmødet 3. marts." in html and "ikke udført" in html and "vedtaget" in html


def _pending_links(html: str) -> list[str]:
    waits = html.split("Venter på dig", 1)[1].split("Mine pladser", 1)[0]
    return re.findall(r'<li><a href="([^"]+)"', waits)


def _is_page(client, link: str) -> bool:
    resp = client.get(link.split("#", 1)[0])
    return resp.status_code == 200 and resp.mimetype == "text/html"


def test_dashboard_links_hearing_answers_and_follow_ups_to_pages(decided, member, submit, in_tenant):
    """A hearing answer due (VEJ-6) and a follow-up open (VEJ-1): both link to pages."""
    # a second proposal in hearing: AAB's answer is due
    pid = _started(member)
    assert member(THEME_SECRETARY).post(f"{V}/{pid}/hearing", json={
        "deadline_at": (utcnow() + timedelta(days=21)).isoformat()}).status_code == 200
    aab = member(AAB)
    links = _pending_links(aab.get("/").get_data(as_text=True))
    assert f"/vejle/forslag/{pid}/hoeringssvar" in links
    assert any(link.startswith("/vejle/forslag/opfoelgninger#opfoelgning-") for link in links)
    assert links and all(not link.startswith("/api/") and _is_page(aab, link) for link in links)
    # the API keeps its path in `url`, and gives the page beside it
    me = aab.get("/api/v1/me").get_json()
    items = {i["kind"]: i for t in me["tenants"] if t["slug"] == "vejle" for i in t["pending"]}
    assert items["hearing_answer_due"]["url"] == f"{V}/{pid}/hearing/responses"
    assert items["hearing_answer_due"]["page_url"] == f"/vejle/forslag/{pid}/hoeringssvar"
    assert items["follow_up"]["url"].startswith(f"{V}/{decided}/follow-ups/")
