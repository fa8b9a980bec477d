"""Vejle's route through the API: theme group → hearing in the housing organisations and the
Kommune → theme group → FKU → BPU → follow-ups (VEJ-6, VEJ-1), a hearing with a late and a
missing answer, and who may raise a topic (VEJ-5)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import utcnow

from tests.fixtures.proposals import api  # noqa: F401

THEME = "temagruppe-boligsocial"
THEME_MEMBER = "tina.tvede@vejle.example"
THEME_SECRETARY = "susan.soerensen@bolivvejle.example"
FS_SECRETARY = "laerke.lindberg@bolivvejle.example"  # secretary of FKU and BPU
ANSWERS = {  # who acts for which organisation (BPU members)
    "AAB": "aase.albaek@aab.example",
    "OSTERBO": "ole.oestergaard@osterbo.example",
    "LEJERBO": "lis.lerche@lejerbo.example",
}
ASKED = ["AAB", "DOMEA", "GIVE", "GREJSDALEN", "JELLING", "LEJERBO", "OSTERBO", "VEJ-KOM"]

PRINCIPLE = {
    "body": THEME,
    "title": "Fælles principper for boligsocial anvisning",
    "text": "Udkast til principper for anvisning i alle afdelinger.",
    "decision_sought": "Temagruppen indstiller, at BPU vedtager principperne.",
    "topics": ["principle"],
}


@pytest.fixture
def vejle(sync_tenant, api):
    sync_tenant("vejle")
    return api("vejle")


def _pass_deadline(in_tenant, proposal_id, days=1):
    """Time passes: move the hearing's deadline into the past."""
    from core.proposals.models import Hearing, ProposalStep

    with in_tenant("vejle"):
        hearing = db.session.scalar(
            sa.select(Hearing).join(ProposalStep).where(ProposalStep.proposal_id == proposal_id))
        hearing.deadline_at = utcnow() - timedelta(days=days)
        db.session.commit()


def _start_and_open_hearing(vejle):
    resp = vejle.as_(THEME_MEMBER).post(**PRINCIPLE)
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    deadline = (utcnow() + timedelta(days=21)).isoformat()
    resp = vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing", deadline_at=deadline)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _answer(vejle, pid, org, kind="comments", text="Vi støtter forslaget, men ønsker en overgangsperiode."):
    return vejle.as_(ANSWERS[org]).post(f"/{pid}/hearing/responses", organisation=org, kind=kind, text=text)


def test_theme_group_proposal_goes_through_hearing_fku_and_bpu_with_follow_ups_VEJ_6_VEJ_1(
    vejle, plan_meeting, agenda, in_tenant
):
    theme_meeting = plan_meeting("vejle", THEME, days=40)
    plan_meeting("vejle", "fku", days=50)
    bpu_meeting = plan_meeting("vejle", "bpu", days=60)

    p = _start_and_open_hearing(vejle)
    assert p["route"]["clause"] == "VEJ-6"
    assert [(s["kind"], s["body"], s["action"]) for s in p["steps"]] == [
        ("hearing", None, "hear"), ("body", THEME, "revise"),
        ("body", "fku", "forward"), ("body", "bpu", "decide"),
    ]
    hearing = p["steps"][0]["hearing"]
    assert [a["organisation"] for a in hearing["answers"]] == ASKED
    assert p["where"]["state"] == "in_hearing"

    assert _answer(vejle, p["id"], "AAB").status_code == 201  # an answer is created
    assert _answer(vejle, p["id"], "OSTERBO", kind="no_comments", text="").status_code == 201
    _pass_deadline(in_tenant, p["id"])
    assert _answer(vejle, p["id"], "LEJERBO").status_code == 201  # after the deadline

    resp = vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing/close")
    assert resp.status_code == 200, resp.get_json()
    p = resp.get_json()
    # Back in the theme group, with the answers collected on its agenda item.
    assert p["where"]["body"] == THEME
    [(_, title, _)] = agenda("vejle", theme_meeting)
    assert title.endswith("Fælles principper for boligsocial anvisning")
    with in_tenant("vejle"):
        from core.meetings.models import Meeting

        case = db.session.get(Meeting, theme_meeting).items[0].case_text
    assert "Høringssvar:" in case
    assert "- Lejerbo (modtaget efter fristen): Vi støtter forslaget" in case
    assert "- Østerbo: ingen bemærkninger" in case
    assert "- Domea: intet svar" in case

    for body, who in ((THEME, THEME_SECRETARY), ("fku", FS_SECRETARY)):
        resp = vejle.as_(who).post(f"/{p['id']}/decision", body=body, outcome="adopted",
                                   text=f"{body} fører forslaget videre.")
        assert resp.status_code == 200, resp.get_json()
    p = resp.get_json()
    assert p["where"]["body"] == "bpu" and p["steps"][3]["meeting_id"] == bpu_meeting

    resp = vejle.post(f"/{p['id']}/decision", body="bpu", outcome="adopted", text="BPU vedtager principperne.")
    assert resp.status_code == 200, resp.get_json()
    p = resp.get_json()
    assert p["state"] == "adopted"
    assert p["steps"][3]["provenance"]["competence"]["ok"] is True
    # VEJ-1: a decision of principle goes on to the city council and the organisations' boards.
    ups = p["follow_ups"]
    assert {u["clause"] for u in ups} == {"VEJ-1"}
    assert [u["assignee"] for u in ups] == [
        "byraadet", "AAB", "DOMEA", "GIVE", "GREJSDALEN", "JELLING", "LEJERBO", "OSTERBO"]
    assert all(u["state"] == "open" for u in ups)

    aab = next(u for u in ups if u["assignee"] == "AAB")
    resp = vejle.as_(ANSWERS["AAB"]).post(f"/{p['id']}/follow-ups/{aab['id']}/done",
                                          note="Behandlet i AAB's organisationsbestyrelse.")
    assert resp.status_code == 200 and resp.get_json()["state"] == "done"
    council = next(u for u in ups if u["assignee"] == "byraadet")
    # AAB's representative cannot close the city council's task.
    assert vejle.post(f"/{p['id']}/follow-ups/{council['id']}/done").status_code == 403
    assert len(vejle.as_(FS_SECRETARY).get("/follow-ups").get_json()) == 7
    resp = vejle.post(f"/{p['id']}/follow-ups/{council['id']}/done", note="Byrådet 3. marts.")
    assert resp.status_code == 200
    still_open = vejle.get("/follow-ups").get_json()
    assert [(u["proposal_id"], u["assignee"]) for u in still_open] == [
        (p["id"], o) for o in ("DOMEA", "GIVE", "GREJSDALEN", "JELLING", "LEJERBO", "OSTERBO")]
    assert vejle.post(f"/{p['id']}/follow-ups/{council['id']}/done").status_code == 409

    # The originating theme group's member sees the whole story.
    p = vejle.as_(THEME_MEMBER).get(f"/{p['id']}").get_json()
    assert p["where"]["text"] == "Vedtaget af Boligpolitisk udvalg."
    assert [u["state"] for u in p["follow_ups"]].count("done") == 2
    kinds = [e["kind"] for e in p["history"]]
    assert kinds[:3] == ["started", "arrived", "hearing_opened"]
    assert kinds.count("answered") == 3 and "hearing_closed" in kinds
    assert kinds.count("follow_up_done") == 2


def test_hearing_shows_a_late_and_a_missing_answer_VEJ_6(vejle, in_tenant):
    p = _start_and_open_hearing(vejle)
    _answer(vejle, p["id"], "AAB")
    _pass_deadline(in_tenant, p["id"])
    _answer(vejle, p["id"], "LEJERBO", kind="no_comments", text="")
    p = vejle.as_(THEME_MEMBER).get(f"/{p['id']}").get_json()
    answers = {a["organisation"]: a for a in p["steps"][0]["hearing"]["answers"]}
    assert (answers["AAB"]["status"], answers["AAB"]["is_late"], answers["AAB"]["is_overdue"]) == (
        "comments", False, False)
    assert (answers["LEJERBO"]["status"], answers["LEJERBO"]["is_late"]) == ("no_comments", True)
    assert (answers["DOMEA"]["status"], answers["DOMEA"]["is_late"], answers["DOMEA"]["is_overdue"]) == (
        "missing", False, True)
    late_event = [e for e in p["history"] if e["kind"] == "answered"][-1]
    assert late_event["data"]["is_late"] is True and "efter fristen" in late_event["message"]

    # Closing collects them: the step's record keeps each answer as it stood.
    p = vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing/close").get_json()
    step = p["steps"][0]
    assert step["outcome"] == "heard"
    assert "for sent: LEJERBO" in step["decision_text"]
    assert "intet svar: DOMEA, GIVE, GREJSDALEN, JELLING, OSTERBO, VEJ-KOM" in step["decision_text"]
    collected = {a["organisation"]: a["status"] for a in step["provenance"]["answers"]}
    assert collected["DOMEA"] == "missing" and collected["LEJERBO"] == "no_comments"
    arrived = [e for e in p["history"] if e["kind"] == "arrived"][-1]
    assert {a["organisation"] for a in arrived["data"]["hearing_answers"]} == set(ASKED)
    # After the hearing closed, no more answers.
    assert _answer(vejle, p["id"], "OSTERBO").status_code == 409


def test_one_answer_per_organisation_VEJ_6(vejle):
    p = _start_and_open_hearing(vejle)
    assert _answer(vejle, p["id"], "AAB").status_code == 201
    resp = _answer(vejle, p["id"], "AAB", kind="no_comments", text="")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "VEJ-6"


def test_one_answer_per_organisation_is_a_database_constraint(vejle, in_tenant):
    from core.proposals.models import HearingResponse, ResponseKind

    p = _start_and_open_hearing(vejle)
    _answer(vejle, p["id"], "AAB")
    with in_tenant("vejle"):
        first = db.session.scalar(sa.select(HearingResponse))
        db.session.add(HearingResponse(hearing_id=first.hearing_id, organisation_id=first.organisation_id,
                                       kind=ResponseKind.NO_COMMENTS, is_late=False, responded_at=utcnow()))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_only_organisations_asked_answer_and_only_for_themselves(vejle):
    p = _start_and_open_hearing(vejle)
    # AAB's representative cannot answer for Østerbo.
    resp = vejle.as_(ANSWERS["AAB"]).post(f"/{p['id']}/hearing/responses", organisation="OSTERBO",
                                          kind="no_comments")
    assert resp.status_code == 403
    # Comments without text are invalid input.
    resp = vejle.post(f"/{p['id']}/hearing/responses", organisation="AAB", kind="comments", text=" ")
    assert resp.status_code == 422 and "text" in resp.get_json()["errors"]["json"]


def test_hearing_cannot_close_before_the_deadline_while_answers_are_missing_VEJ_6(vejle):
    p = _start_and_open_hearing(vejle)
    before = vejle.as_(THEME_SECRETARY).get(f"/{p['id']}").get_json()
    resp = vejle.post(f"/{p['id']}/hearing/close")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "VEJ-6"
    assert vejle.get(f"/{p['id']}").get_json() == before


def test_the_theme_group_cannot_skip_the_hearing_VEJ_6(vejle):
    resp = vejle.as_(THEME_MEMBER).post(**PRINCIPLE)
    p = resp.get_json()
    resp = vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/decision", body=THEME, outcome="adopted", text="x")
    assert resp.status_code == 409
    assert resp.get_json()["clause"] == "VEJ-6" and "høring" in resp.get_json()["message"]
    resp = vejle.as_(FS_SECRETARY).post(f"/{p['id']}/decision", body="bpu", outcome="adopted", text="x")
    assert resp.status_code == 409 and resp.get_json()["clause"] == "VEJ-6"


def test_area_group_proposal_is_forwarded_by_fku_to_bpu_VEJ_7_VEJ_6(vejle):
    """An area group's proposal used to go by the core's default route to its parent, FKU,
    and stop there, since FKU only prepares and recommends (VEJ-6). The Vejle plugin now
    routes it through FKU to BPU (VEJ-7): FKU forwards, BPU decides."""
    resp = vejle.as_("nermin.noerager@aab.example").post(
        body="omraadegruppe-noerremarken", title="Nyt fælleshus", text="x", decision_sought="y")
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert [(s["body"], s["action"], s["clause"]) for s in p["steps"]] == [
        ("fku", "forward", "VEJ-7"), ("bpu", "decide", "VEJ-6")]
    resp = vejle.as_(FS_SECRETARY).post(f"/{p['id']}/decision", body="fku", outcome="adopted",
                                        text="FKU lægger forslaget frem for BPU.")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["where"]["body"] == "bpu" and resp.get_json()["state"] != "adopted"
    resp = vejle.post(f"/{p['id']}/decision", body="bpu", outcome="adopted", text="BPU vedtager.")
    assert resp.status_code == 200 and resp.get_json()["state"] == "adopted"


def test_anyone_in_bolivvejle_may_raise_a_topic_in_a_theme_group_VEJ_5(vejle):
    # A BPU member without a seat in the theme group.
    resp = vejle.as_(ANSWERS["AAB"]).post(**PRINCIPLE)
    assert resp.status_code == 201
    assert resp.get_json()["origin_verdict"]["clause"] == "VEJ-5"


def test_a_non_member_may_not_start_a_proposal_in_fku_CORE_ORIGIN(vejle):
    resp = vejle.as_(ANSWERS["AAB"]).post(**{**PRINCIPLE, "body": "fku"})
    assert resp.status_code == 403
    assert (resp.get_json()["clause"], resp.get_json()["rule"]) == ("CORE-ORIGIN", "proposal_origin_allowed")


def test_someone_outside_vejle_meets_the_tenant_wall_before_any_rule(vejle, sync_tenant, api):
    # Slagelse's person, logged in, posting a topic into Vejle: Vejle is not theirs (404),
    # whatever a rule would have said.
    sync_tenant("slagelse")
    resp = vejle.as_("frede.fogh@fob.example").post(**PRINCIPLE)
    assert resp.status_code == 404
    assert "clause" not in resp.get_json()


def test_someone_outside_bolivvejle_may_not_raise_a_topic_VEJ_5():
    from types import SimpleNamespace

    import plugins.vejle as vejle_rules

    group = SimpleNamespace(kind="theme_group", name="Temagruppe Beskæftigelse")
    verdict = vejle_rules.proposal_origin_allowed(body=group, proposer=None, takes_part=False)
    assert not verdict.ok and verdict.clause == "VEJ-5"
    assert vejle_rules.proposal_origin_allowed(body=group, proposer=None, takes_part=True).ok
