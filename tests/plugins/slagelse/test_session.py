"""A motion left over on a meeting of Slagelse's board that does not sit takes no vote, no
objection (SLA-5: the leader's conclusion stands unless someone objects) and no close
(CORE-SESSION); nothing is written."""

import pytest
import sqlalchemy as sa


SLA_CHAIR = "frede.fogh@fob.example"  # of the chairmanship, which leads meetings (SLA-2)
SLA_BK = "klaus.korsholm@boligkorsoer.example"


@pytest.mark.parametrize("state", ["agenda_published", "held"])
def test_votes_objections_and_closing_are_refused_outside_the_session_CORE_SESSION(
    sync_tenant, create_meeting, attend, create_item, member, in_tenant, state
):
    """A motion left over on a meeting that does not sit (before it was opened, after it
    ended) takes no vote, no objection and no close; nothing is written (SLA-5 deliberation
    for the objection)."""
    from core.decisions.models import Motion, Objection, Vote
    from core.extensions import db
    from core.meetings.models import Meeting, MeetingState

    sync_tenant("slagelse")
    meeting = create_meeting("slagelse", "bestyrelse")
    for seat in ("fob", "sb", "sab", "bk"):
        attend("slagelse", meeting, seat)
    item = create_item("slagelse", meeting)
    t = "/api/v1/tenants/slagelse"
    no_objection = member(SLA_CHAIR).post(f"{t}/items/{item}/motion", json={"text": "x"}).get_json()
    assert no_objection["phase"] == "deliberation", no_objection  # SLA-5
    item2 = create_item("slagelse", meeting, title="Afstemning")
    voting = member(SLA_CHAIR).post(f"{t}/items/{item2}/motion", json={"text": "y"}).get_json()
    assert "id" in voting, voting
    member(SLA_BK).post(f"{t}/motions/{voting['id']}/objections", json={})  # to the vote
    with in_tenant("slagelse"):
        db.session.get(Meeting, meeting).state = MeetingState(state)
        db.session.commit()

    attempts = [
        member(SLA_BK).post(f"{t}/motions/{no_objection['id']}/objections", json={}),
        member(SLA_BK).post(f"{t}/motions/{voting['id']}/votes", json={"choice": "no"}),
        member(SLA_CHAIR).post(f"{t}/motions/{no_objection['id']}/close"),
        member(SLA_CHAIR).post(f"{t}/motions/{voting['id']}/close"),
    ]
    for resp in attempts:
        assert resp.status_code == 409, resp.get_json()
        assert resp.get_json()["clause"] == "CORE-SESSION"
        assert "mens mødet er i gang" in resp.get_json()["message"]
    with in_tenant("slagelse"):
        assert db.session.scalar(sa.select(sa.func.count(Vote.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 1
        assert all(m.closed_at is None for m in db.session.scalars(sa.select(Motion)))
