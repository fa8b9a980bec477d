"""Who reads a motion: the meeting's own access, not "public by declaration".

Members and information recipients of the body read a motion as it is; everyone else, a
user of another tenant included, reads by the public rules of the meeting pages (ALB-B11,
ALB-R6): nothing before the agenda is published, nothing of a closed item, the proposed
decision once published, and the outcome once the minutes are final (ALB-B9), without the
persons behind the units. An unknown item, an item without a motion and an unreadable one
answer the same 404."""

import pytest

from core.meetings.models import MeetingState

T = "/api/v1/tenants/albertslund"
LEADER = "lise.lindholm@bo-vest.example"
SECRETARY = "sanne.skov@abc.example"
VA, AB, AKB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", "kamma.berthelsen@akb.example"
MAYOR = "steffen.borg@albertslund.example"
EVERYONE = (VA, AB, MAYOR, AKB)
#: A person of another tenant (Slagelse), logged in but with no role in Albertslund.
STRANGER = "frede.fogh@fob.example"
TEXT = "Bestyrelsen godkender budgettet for 2021."


@pytest.fixture
def world(sync_tenant, create_meeting, create_item, attend, in_tenant):
    import sqlalchemy as sa

    from core.bodies.models import Body
    from core.extensions import db

    sync_tenant("albertslund")
    sync_tenant("slagelse")

    def meeting(state):
        meeting_id = create_meeting("albertslund", "bestyrelse", state=state)
        with in_tenant("albertslund"):
            body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
            seats = [s.key for s in body.seats if s.current_holder_id is not None]
        for key in seats:
            attend("albertslund", meeting_id, key)
        return meeting_id

    return meeting, create_item


def _voted(member, item, text=TEXT):
    lead = member(LEADER)
    resp = lead.post(f"{T}/items/{item}/motion", json={"text": text})
    assert resp.status_code == 201, resp.get_json()
    motion = resp.get_json()
    assert lead.post(f"{T}/motions/{motion['id']}/voting").status_code == 200
    for email in EVERYONE:
        assert member(email).post(f"{T}/motions/{motion['id']}/votes",
                                  json={"choice": "yes"}).status_code == 201
    return motion


def _routes(item, motion_id):
    return (f"{T}/items/{item}/motion", f"{T}/motions/{motion_id}", f"{T}/motions/{motion_id}/outcome")


def _names_and_addresses_in(text: str) -> list[str]:
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import User

    people = db.session.execute(sa.select(User.email, User.name).where(User.email.in_(EVERYONE))).all()
    return [s for p in people for s in p if s in text]


def test_no_motion_on_an_unpublished_agenda_and_its_item_is_unknown_to_the_public_CORE_SESSION_ALB_B11(
    world, member
):
    """A meeting whose agenda has not gone out does not sit: no motion is opened on it
    (CORE-SESSION), and the public and other tenants learn nothing of its item."""
    meeting, create_item = world
    item = create_item("albertslund", meeting(MeetingState.PLANNED), title="Budget for 2021")
    refused = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": TEXT})
    assert refused.status_code == 409 and refused.get_json()["clause"] == "CORE-SESSION"
    unknown = member(None).get(f"{T}/items/2000000000/motion").get_json()
    for who in (None, STRANGER):
        resp = member(who).get(f"{T}/items/{item}/motion")
        assert resp.status_code == 404 and resp.get_json() == unknown, who


def test_a_motion_of_a_sitting_meeting_is_read_in_full_by_the_members_ALB_B11(world, member):
    meeting, create_item = world
    item = create_item("albertslund", meeting(MeetingState.IN_SESSION), title="Budget for 2021")
    motion = _voted(member, item)
    member(LEADER).post(f"{T}/motions/{motion['id']}/close")
    # the members read it all, votes and outcome included
    for who in (VA, SECRETARY):
        got = member(who).get(f"{T}/motions/{motion['id']}").get_json()
        assert got["text"] == TEXT and len(got["votes"]) == 4
        assert member(who).get(f"{T}/motions/{motion['id']}/outcome").status_code == 200


def test_an_unknown_item_and_an_item_without_a_motion_answer_the_same_404(world, member):
    meeting, create_item = world
    item = create_item("albertslund", meeting(MeetingState.AGENDA_PUBLISHED))
    for who in (None, VA):
        without = member(who).get(f"{T}/items/{item}/motion")
        unknown = member(who).get(f"{T}/items/2000000000/motion")
        assert without.status_code == unknown.status_code == 404
        assert without.get_json() == unknown.get_json()


def test_the_public_reads_a_published_proposed_decision_and_the_final_outcome_only_ALB_B9(
    world, member
):
    meeting, create_item = world
    meeting_id = meeting(MeetingState.IN_SESSION)
    item = create_item("albertslund", meeting_id, title="Budget for 2021")
    motion = _voted(member, item)

    for who in (None, STRANGER):
        seen = member(who).get(f"{T}/motions/{motion['id']}")
        assert seen.status_code == 200, seen.get_json()
        got = seen.get_json()
        assert got["text"] == TEXT  # the proposed decision of a published agenda
        assert got["votes"] == [] and got["dissents"] == [] and got["objections"] == []
        assert got["outcome"] is None and got["result"] is None
        assert not _names_and_addresses_in(seen.get_data(as_text=True))

    lead = member(LEADER)
    assert lead.post(f"{T}/motions/{motion['id']}/close").status_code == 200
    # decided, but the minutes are not final: not public yet
    assert member(None).get(f"{T}/motions/{motion['id']}/outcome").status_code == 404
    assert member(None).get(f"{T}/motions/{motion['id']}").get_json()["result"] is None

    sec = member(SECRETARY)
    assert sec.post(f"{T}/meetings/{meeting_id}/held").status_code == 200
    assert sec.post(f"{T}/meetings/{meeting_id}/send-minutes").status_code == 200
    for email in sec.get(f"{T}/meetings/{meeting_id}/minutes").get_json()["awaiting_approval_from"]:
        assert member(email).post(f"{T}/meetings/{meeting_id}/minutes/approvals").status_code == 200

    outcome = member(None).get(f"{T}/motions/{motion['id']}/outcome")
    assert outcome.status_code == 200, outcome.get_json()
    body = outcome.get_json()
    assert body["result"] == "adopted" and body["units"]
    assert all("casters" not in unit for unit in body["units"])
    assert not _names_and_addresses_in(outcome.get_data(as_text=True))
    public_motion = member(None).get(f"{T}/motions/{motion['id']}").get_json()
    assert public_motion["result"] == "adopted" and public_motion["votes"] == []
    # the members still read the persons
    members_outcome = member(VA).get(f"{T}/motions/{motion['id']}/outcome").get_json()
    assert any(unit["casters"] for unit in members_outcome["units"])


def test_a_closed_items_motion_is_read_by_the_members_only_ALB_B11(world, member):
    meeting, create_item = world
    item = create_item("albertslund", meeting(MeetingState.IN_SESSION),
                       title="Personalesag", confidential=True)
    motion = _voted(member, item, text="Medarbejderen NN afskediges.")
    for who in (None, STRANGER):
        for url in _routes(item, motion["id"]):
            assert member(who).get(url).status_code == 404, (who, url)
    assert member(VA).get(f"{T}/motions/{motion['id']}").get_json()["text"] == "Medarbejderen NN afskediges."


def test_a_stranger_cannot_act_on_a_motion_of_a_closed_item_and_learns_nothing(
    world, member
):
    """A write names the motion too: a caller who may not read it gets the same 404 as for
    an unknown motion, not a rule's refusal that tells the motion exists."""
    meeting, create_item = world
    item = create_item("albertslund", meeting(MeetingState.IN_SESSION), title="Personalesag",
                       confidential=True)
    motion = _voted(member, item)
    unknown = member(STRANGER).post(f"{T}/motions/2000000000/objections", json={}).get_json()
    resp = member(STRANGER).post(f"{T}/motions/{motion['id']}/objections", json={})
    assert resp.status_code == 404 and resp.get_json() == unknown
