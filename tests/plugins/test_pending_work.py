"""What waits for each user across the bundled tenants (Albertslund, Copenhagen, Vejle), from the core features' ``pending_for_user``
implementations (meetings, decisions, proposals), shown per tenant in /api/v1/me."""

from datetime import timedelta

import pytest

from core.meetings.models import MeetingState
from core.models import utcnow

A = "/api/v1/tenants/albertslund"
K = "/api/v1/tenants/kobenhavn"
V = "/api/v1/tenants/vejle"
KARIN = "karin.kundby@kab.example"  # KAB: a seat in Albertslund's board and in Samarbejdsforum
ALB_SECRETARY = "sanne.skov@abc.example"
VA = "vibeke.vestergaard@va.example"
LEADER = "lise.lindholm@bo-vest.example"
DOMEA = "dorit.mejer@domea.example"  # Domea receives Samarbejdsforum's material (KBH-2)


@pytest.fixture
def three_tenants(sync_tenant):
    for slug in ("albertslund", "kobenhavn", "vejle"):
        sync_tenant(slug)


def _pending(member, email):
    me = member(email).get("/api/v1/me")
    assert me.status_code == 200, me.get_json()
    return {t["slug"]: t["pending"] for t in me.get_json()["tenants"]}


def _kinds(items):
    return sorted((p["kind"], p["body"]) for p in items)


def _sent_minutes(member, create_meeting, body="bestyrelse"):
    """A board meeting in 2020, held, its minutes sent for approval by e-mail (ALB-B9)."""
    meeting = create_meeting("albertslund", body)
    sec = member(ALB_SECRETARY)
    # the meeting sits (the fixture's default) and its leader is recorded present
    assert sec.put(f"{A}/meetings/{meeting}/attendance/bo-vest-moedeleder",
                   json={"status": "present"}).status_code == 200
    assert sec.post(f"{A}/meetings/{meeting}/held").status_code == 200
    resp = sec.post(f"{A}/meetings/{meeting}/send-minutes")
    assert resp.status_code == 200, resp.get_json()
    return meeting


def test_user_with_seats_in_two_tenants_sees_work_from_both_and_nothing_of_a_third_ALB_B9_KBH_2(
    three_tenants, member, create_meeting
):
    soon = utcnow() + timedelta(days=7)
    minutes = _sent_minutes(member, create_meeting)
    forum = create_meeting("kobenhavn", "samarbejdsforum", starts_at=soon,
                           state=MeetingState.AGENDA_PUBLISHED)
    # The third tenant has work waiting too, for its own people.
    bpu = create_meeting("vejle", "bpu", starts_at=soon, state=MeetingState.AGENDA_PUBLISHED)

    pending = _pending(member, KARIN)
    assert sorted(pending) == ["albertslund", "kobenhavn"]
    (approve,) = pending["albertslund"]
    assert approve["kind"] == "minutes_to_approve" and approve["tenant"] == "albertslund"
    assert approve["url"] == f"{A}/meetings/{minutes}/minutes"
    assert approve["clause"] == "ALB-B9" and approve["due"] == "2020-10-29"  # 4 weeks after
    (agenda,) = pending["kobenhavn"]
    assert agenda["kind"] == "agenda_to_read" and agenda["tenant"] == "kobenhavn"
    assert agenda["url"] == f"{K}/meetings/{forum}" and agenda["due"] == soon.date().isoformat()
    assert all(p["tenant"] != "vejle" and "vejle" not in (p["url"] or "")
               for items in pending.values() for p in items)
    # Vejle's agenda is there for Vejle's members.
    assert ("agenda_to_read", "bpu") in _kinds(_pending(member, "vagn.vejlby@vejle.example")["vejle"])
    assert f"{V}/meetings/{bpu}" in [p["url"] for p in _pending(member, "vagn.vejlby@vejle.example")["vejle"]]

    # Approving takes it off the list; the dashboard shows what is left.
    assert member(KARIN).post(f"{A}/meetings/{minutes}/minutes/approvals").status_code == 200
    assert _pending(member, KARIN)["albertslund"] == []
    page = member(KARIN).get("/")
    assert page.status_code == 200 and "Læs dagsordenen: Samarbejdsforum" in page.get_data(as_text=True)


def test_information_recipient_sees_agenda_to_read_not_past_or_unpublished_KBH_2(
    three_tenants, member, create_meeting
):
    soon = utcnow() + timedelta(days=7)
    published = create_meeting("kobenhavn", "samarbejdsforum", starts_at=soon,
                               state=MeetingState.AGENDA_PUBLISHED)
    create_meeting("kobenhavn", "samarbejdsforum", starts_at=soon, state=MeetingState.PLANNED)
    create_meeting("kobenhavn", "samarbejdsforum", starts_at=utcnow() - timedelta(days=1),
                   state=MeetingState.AGENDA_PUBLISHED)
    items = [p for p in _pending(member, DOMEA)["kobenhavn"] if p["kind"] == "agenda_to_read"]
    assert [(p["body"], p["url"]) for p in items] == [
        ("samarbejdsforum", f"{K}/meetings/{published}")]
    # Received "til orientering", and why: København's clause (issue 14, item 5).
    assert items[0]["clause"] == "KBH-2" and items[0]["title"].startswith("Til orientering:")
    # The meeting page says so too, with the clause.
    html = member(DOMEA).get(f"/kobenhavn/moeder/{published}").get_data(as_text=True)
    assert '<p id="til-orientering"><strong>Til orientering</strong>' in html and "(KBH-2)" in html
    # A member of the forum reads it as a member: no such note.
    member_html = member(KARIN).get(f"/kobenhavn/moeder/{published}").get_data(as_text=True)
    assert 'id="til-orientering"' not in member_html


def test_secretary_has_minutes_to_write_until_sent_ALB_B9(three_tenants, member, create_meeting):
    meeting = create_meeting("albertslund", "bestyrelse")
    sec = member(ALB_SECRETARY)
    # the meeting sits (the fixture's default) and its leader is recorded present
    assert sec.put(f"{A}/meetings/{meeting}/attendance/bo-vest-moedeleder",
                   json={"status": "present"}).status_code == 200
    assert sec.post(f"{A}/meetings/{meeting}/held").status_code == 200
    (write,) = [p for p in _pending(member, ALB_SECRETARY)["albertslund"]
                if p["kind"] == "minutes_to_write"]
    assert write["body"] == "bestyrelse" and write["due"] == "2020-10-15"  # 14 days after
    assert write["clause"] == "ALB-B9" and write["url"] == f"{A}/meetings/{meeting}/minutes"
    assert not [p for p in _pending(member, VA)["albertslund"] if p["kind"] == "minutes_to_write"]
    assert sec.post(f"{A}/meetings/{meeting}/send-minutes").status_code == 200
    assert not [p for p in _pending(member, ALB_SECRETARY)["albertslund"]
                if p["kind"] == "minutes_to_write"]


def test_vote_to_cast_for_whoever_may_cast_the_units_vote_until_cast_ALB_B2(
    three_tenants, member, create_meeting, create_item, attend, in_tenant
):
    import sqlalchemy as sa

    from core.bodies.models import Body
    from core.extensions import db

    meeting = create_meeting("albertslund", "bestyrelse")
    with in_tenant("albertslund"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        seats = [s.key for s in body.seats if s.current_holder_id is not None]
    for key in seats:
        attend("albertslund", meeting, key)
    item = create_item("albertslund", meeting, title="Budget for 2021")
    lead = member(LEADER)
    motion = lead.post(f"{A}/items/{item}/motion", json={"text": "Budgettet godkendes."}).get_json()
    # In deliberation (ALB-B4) there is nothing to cast yet.
    assert not [p for p in _pending(member, VA)["albertslund"] if p["kind"] == "vote_to_cast"]
    assert lead.post(f"{A}/motions/{motion['id']}/voting").status_code == 200
    (vote,) = [p for p in _pending(member, VA)["albertslund"] if p["kind"] == "vote_to_cast"]
    assert vote["clause"] == "ALB-B2" and vote["url"] == f"{A}/motions/{motion['id']}/votes"
    assert "VA" in vote["title"] and "Budget for 2021" in vote["title"]
    # KAB sits on the board without a vote (ALB-B2): nothing to cast.
    assert not [p for p in _pending(member, KARIN)["albertslund"] if p["kind"] == "vote_to_cast"]
    assert member(VA).post(f"{A}/motions/{motion['id']}/votes",
                           json={"choice": "yes"}).status_code == 201
    assert not [p for p in _pending(member, VA)["albertslund"] if p["kind"] == "vote_to_cast"]


def test_hearing_answers_due_and_follow_ups_for_the_organisations_VEJ_6_VEJ_1(
    three_tenants, member, client, login
):
    from tests.fixtures.proposals import Api
    from tests.plugins.vejle.test_proposals import FS_SECRETARY, PRINCIPLE, THEME, THEME_MEMBER, THEME_SECRETARY

    vejle = Api(client, login, "vejle")
    p = vejle.as_(THEME_MEMBER).post(**PRINCIPLE).get_json()
    deadline = utcnow() + timedelta(days=21)
    assert vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing",
                                           deadline_at=deadline.isoformat()).status_code == 200
    aab = "aase.albaek@aab.example"
    (due,) = [i for i in _pending(member, aab)["vejle"] if i["kind"] == "hearing_answer_due"]
    assert due["url"] == f"{V}/proposals/{p['id']}/hearing/responses"
    assert due["due"] == deadline.date().isoformat() and due["clause"] == "VEJ-6"
    assert "AAB" in due["title"] and due["tenant"] == "vejle"
    assert vejle.as_(aab).post(f"/{p['id']}/hearing/responses", organisation="AAB",
                               kind="no_comments", text="").status_code == 201
    assert not [i for i in _pending(member, aab)["vejle"] if i["kind"] == "hearing_answer_due"]
    # Another organisation's answer is still due from it.
    assert [i["kind"] for i in _pending(member, "lis.lerche@lejerbo.example")["vejle"]] == [
        "hearing_answer_due"]

    from core.extensions import db
    from core.proposals.models import Hearing

    with _in_vejle():
        for h in db.session.query(Hearing).all():
            h.deadline_at = utcnow() - timedelta(days=1)
        db.session.commit()
    assert vejle.as_(THEME_SECRETARY).post(f"/{p['id']}/hearing/close").status_code == 200
    for body, who in ((THEME, THEME_SECRETARY), ("fku", FS_SECRETARY), ("bpu", FS_SECRETARY)):
        resp = vejle.as_(who).post(f"/{p['id']}/decision", body=body, outcome="adopted", text="Ja.")
        assert resp.status_code == 200, resp.get_json()
    # One task for AAB, though AAB also takes part in København (a tenant of its own).
    (task,) = [i for i in _pending(member, aab)["vejle"] if i["kind"] == "follow_up"]
    assert task["clause"] == "VEJ-1" and task["url"].startswith(f"{V}/proposals/{p['id']}/follow-ups/")
    assert vejle.as_(aab).post(task["url"].removeprefix(f"{V}/proposals"),
                               note="Behandlet i bestyrelsen.").status_code == 200
    assert not [i for i in _pending(member, aab)["vejle"] if i["kind"] == "follow_up"]


def _in_vejle():
    from core.tenancy import tenant_scope
    from core.tenancy import find_tenant

    return tenant_scope(find_tenant("vejle").id)
