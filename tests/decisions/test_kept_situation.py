"""A vote uses the situation kept for its motion (computed when the motion or its voting
opened, or by the first vote after a change) while nothing it was computed from has
changed; an arrival, a departure, a seat or an organisation changed during the vote gives
the rows it belongs to a new ``situation_version``, and the next vote or the close sees
the change (docs/decisions/0034-a-vote-reads-what-voting-opened-with.md).

Testby's board: one vote per organisation (TST-2: TST-A, TST-B, TST-KOM), the core's
quorum (a majority of the units present, CORE-QUORUM)."""

import sqlalchemy as sa

from core.bodies.models import Body, Seat
from core.extensions import db
from core.identity.models import User
from core.meetings.models import Meeting
from core.organisations.models import Organisation
from core.tenants.models import Tenant
from tests.fixtures.testby import BENT, CHAIR, KAREN
from tests.fixtures.testby import SECRETARY as LEADER

T = "/api/v1/tenants/testby"


def _voting(member, decision_item, meeting_of, testby, present):
    item = decision_item(testby, "bestyrelse", present=present)
    motion = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "Godkendt"})
    assert motion.status_code == 201, motion.get_json()
    assert motion.get_json()["phase"] == "voting"
    return motion.get_json()["id"], meeting_of(testby, item)


def _attendance(member, meeting_id, seat, status):
    resp = member(LEADER).put(f"{T}/meetings/{meeting_id}/attendance/{seat}",
                              json={"status": status})
    assert resp.status_code == 200, resp.get_json()


def _vote(member, email, motion_id, choice="yes"):
    return member(email).post(f"{T}/motions/{motion_id}/votes", json={"choice": choice})


def test_a_member_who_arrives_during_the_vote_can_vote_and_is_counted_CORE_ATTENDANCE(
        app, testby, decision_item, member, meeting_of):
    motion, meeting = _voting(member, decision_item, meeting_of, testby,
                              present=["formand", "kommune"])
    assert _vote(member, KAREN, motion).status_code == 201  # the kept situation: B is away
    refused = _vote(member, BENT, motion)
    assert refused.status_code == 409
    assert refused.get_json()["clause"] == "CORE-ATTENDANCE"

    _attendance(member, meeting, "b", "present")  # Bent arrives while the vote is open

    assert _vote(member, BENT, motion).status_code == 201
    assert _vote(member, CHAIR, motion, "no").status_code == 201
    closed = member(LEADER).post(f"{T}/motions/{motion}/close").get_json()
    counts = closed["outcome"]["counts"]
    assert (counts["yes"], counts["no"]) == (2, 1)
    assert {u["key"]: u["choice"] for u in closed["outcome"]["units"] if u["present"]} == \
        {"org:TST-A": "no", "org:TST-B": "yes", "org:TST-KOM": "yes"}


def test_members_who_leave_during_the_vote_cannot_vote_and_the_quorum_shows_it_CORE_QUORUM(
        app, testby, decision_item, member, meeting_of):
    motion, meeting = _voting(member, decision_item, meeting_of, testby, present="all")
    assert _vote(member, CHAIR, motion).status_code == 201

    _attendance(member, meeting, "b", "absent")  # two of three organisations leave
    _attendance(member, meeting, "kommune", "absent")

    refused = _vote(member, KAREN, motion)
    assert refused.status_code == 409
    assert refused.get_json()["clause"] == "CORE-ATTENDANCE"
    closed = member(LEADER).post(f"{T}/motions/{motion}/close").get_json()
    assert closed["result"] == "not_quorate"
    assert closed["outcome"]["quorum"]["at_close"]["ok"] is False
    assert closed["outcome"]["quorum"]["at_voting"]["ok"] is True


def test_a_vote_reads_the_kept_situation_not_the_attendance(
        app, testby, decision_item, member, meeting_of):
    """While nothing changes, a vote reads no seat, attendance or organisation row."""
    motion, _ = _voting(member, decision_item, meeting_of, testby, present="all")
    db.session.remove()
    tables = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        tables.append(statement.split(" WHERE ")[0])

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert _vote(member, KAREN, motion).status_code == 201
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    read = " ".join(tables)
    assert "FROM attendances" not in read and "FROM organisations " not in read
    assert "FROM seats LEFT" not in read and "FROM body_recipients" not in read


def _versions(in_tenant):
    with in_tenant("testby") as tenant:
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        meeting = db.session.scalar(sa.select(Meeting).order_by(Meeting.id.desc()))
        out = (db.session.get(Tenant, tenant.id).situation_version, body.situation_version,
               meeting.situation_version)
        db.session.rollback()
        return out


def test_what_a_situation_reads_gives_its_rows_a_new_version(
        app, testby, decision_item, in_tenant, attend, meeting_of):
    """Attendance → the meeting; a seat → its body; an organisation or a person's e-mail
    → every tenant; anything else (an agenda item) → none of them."""
    item = decision_item(testby, "bestyrelse", present=["formand"])
    meeting = meeting_of(testby, item)
    before = _versions(in_tenant)

    attend(testby, meeting, "b")
    after_attendance = _versions(in_tenant)
    assert after_attendance[:2] == before[:2] and after_attendance[2] != before[2]

    with in_tenant(testby):
        seat = db.session.scalar(sa.select(Seat).filter_by(key="kommune"))
        seat.title = "Kommunens medlem"
        db.session.commit()
    after_seat = _versions(in_tenant)
    assert after_seat[0] == before[0] and after_seat[1] != before[1]
    assert after_seat[2] == after_attendance[2]

    db.session.scalar(sa.select(Organisation).filter_by(code="TST-B")).name = "B-selskabet"
    db.session.commit()
    after_org = _versions(in_tenant)
    assert after_org[0] != after_seat[0] and after_org[1:] == after_seat[1:]

    db.session.scalar(sa.select(User).filter_by(email=BENT)).email = "bent2@testby.example"
    db.session.commit()
    after_email = _versions(in_tenant)
    assert after_email[0] != after_org[0]

    with in_tenant(testby):
        meeting_row = db.session.get(Meeting, meeting)
        meeting_row.items[0].title = "Et nyt navn"
        db.session.commit()
    assert _versions(in_tenant) == after_email
