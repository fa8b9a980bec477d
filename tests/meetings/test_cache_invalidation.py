"""A write invalidates the meetings it touched (core/meetings/cache.py,
docs/decisions/0033-invalidate-the-meeting-written.md): every write a meeting goes through,
a vote among them, leaves the documents and pages of the tenant's other meetings served
from the cache, and the written meeting's fresh; a write to what every meeting reads (a
seat, a person), a bulk statement, or a row whose meeting the session cannot tell, reaches
every meeting of the tenant; a write in another tenant none."""

import io

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.meetings import cache
from tests.fixtures.document_cache import at, check, fresh, lookups, motion_unit  # noqa: F401

from tests.fixtures.testby import BENT, NABO_CHAIR, OUTSIDER
from tests.fixtures.testby import SECRETARY as TESTBY_SECRETARY

T = "testby"
BOARD = "bestyrelse"
SECRETARY = TESTBY_SECRETARY
MEMBER = BENT  # seat b
RECIPIENT = OUTSIDER  # acts for TST-B, which receives the board's material (below)
AUDIENCES = (SECRETARY, MEMBER, RECIPIENT)
ELSEWHERE = ("naboby", NABO_CHAIR)


def receives_the_board(in_tenant, code: str = "TST-B") -> None:
    """The organisation ``code`` receives Testby's board's material (an information recipient)."""
    from core.bodies.models import Body, BodyRecipient
    from core.organisations.models import Organisation

    with in_tenant(T):
        body = db.session.scalar(sa.select(Body).filter_by(key=BOARD))
        org = db.session.scalar(sa.select(Organisation).filter_by(code=code))
        db.session.add(BodyRecipient(body_id=body.id, organisation_id=org.id))
        db.session.commit()


@pytest.fixture
def two(testby, naboby, make_meeting, app, tmp_path, monkeypatch, in_tenant):
    """Two meetings of Testby's board and one of Naboby's."""
    monkeypatch.setitem(app.config, "FILE_STORE_DIR", str(tmp_path / "files"))
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    receives_the_board(in_tenant)
    return (make_meeting(T, BOARD, at(2021, 3, 1, 13)), make_meeting(T, BOARD, at(2021, 6, 1, 13)),
            make_meeting("naboby", BOARD, at(2021, 3, 1, 13)))


def warm(app, api, meeting_id, lookups, tenant=T, audiences=AUDIENCES):
    """Each audience's first read is served from the cache, and equals a fresh render."""
    for email in audiences:
        client = api(email, tenant)
        del lookups[:]
        resp = client.get(f"meetings/{meeting_id}")
        assert resp.status_code == 200
        assert lookups == [True], f"{email}: meeting {meeting_id} was rendered again"
        assert resp.get_json() == fresh(app, client, f"meetings/{meeting_id}"), email


def test_every_write_to_one_meeting_leaves_the_others_cached(app, api, two, clock, lookups):
    written, other, elsewhere = two
    sec, member = api(SECRETARY, T), api(MEMBER, T)
    api(RECIPIENT, T), api(ELSEWHERE[1], ELSEWHERE[0])  # logging in writes users
    check(app, api, other, lookups, after_write=False, tenant=T, audiences=AUDIENCES)
    check(app, api, written, lookups, after_write=False, tenant=T, audiences=AUDIENCES)
    check(app, api, elsewhere, lookups, after_write=False, tenant=ELSEWHERE[0],
          audiences=ELSEWHERE[1:])

    def step(resp, code=(200, 201, 204)):
        assert resp.status_code in code, resp.get_json()
        check(app, api, written, lookups, tenant=T, audiences=AUDIENCES,
              after_write=resp.status_code < 300)
        warm(app, api, other, lookups)
        return resp.get_json() if resp.status_code != 204 else None

    step(sec.patch(f"meetings/{written}", json={"location": "Rådhuset, lokale 2"}))
    item = step(sec.post(f"meetings/{written}/items", json={
        "kind": "B", "title": "Fælles indsats", "recommendation": "Bestyrelsen godkender indsatsen."}))
    extra = step(sec.post(f"meetings/{written}/items", json={"kind": "O", "title": "Orientering"}))
    step(sec.post(f"meetings/{written}/items/{item['id']}/attachments",
                  data={"file": (io.BytesIO(b"%PDF- notat"), "notat.pdf", "application/pdf")},
                  content_type="multipart/form-data"))
    step(sec.delete(f"meetings/{written}/items/{extra['id']}"))
    clock.set(at(2021, 2, 20, 9))
    step(sec.post(f"meetings/{written}/publish-agenda"))
    for seat in ("formand", "a2", "b", "kommune"):
        step(sec.put(f"meetings/{written}/attendance/{seat}", json={"status": "present"}))
    clock.set(at(2021, 3, 1, 15))
    step(sec.post(f"meetings/{written}/session"))
    motion = step(sec.post(f"items/{item['id']}/motion", json={"text": "Indsatsen godkendes."}))
    if motion["phase"] != "voting":
        motion = step(sec.post(f"motions/{motion['id']}/voting"))
    step(member.post(f"motions/{motion['id']}/votes", json={"choice": "yes"}))
    step(member.put(f"motions/{motion['id']}/votes/{motion_unit(member, motion)}",
                    json={"choice": "no"}))
    step(sec.post(f"motions/{motion['id']}/close"))
    step(sec.post(f"meetings/{written}/held"))
    step(member.post(f"meetings/{written}/items/{item['id']}/dissents",
                     json={"text": "TST-B tager forbehold."}, ), code=(200, 201, 204, 409))
    step(sec.put(f"meetings/{written}/items/{item['id']}/minutes",
                 json={"decision": "Indsatsen blev godkendt."}))
    # Naboby's meeting was never touched by any of it.
    warm(app, api, elsewhere, lookups, tenant=ELSEWHERE[0], audiences=ELSEWHERE[1:])


def test_a_write_every_meeting_reads_reaches_every_meeting(app, api, two, lookups, in_tenant):
    """A seat (the body's, read by every meeting's attendance and access), a person (a
    global row), and a bulk statement outside the ORM's flush: every meeting renders anew."""
    from core.bodies.models import Seat
    from core.identity.models import User
    from core.meetings.models import Meeting

    written, other, _elsewhere = two
    for email in AUDIENCES:
        api(email, T)  # logging in writes users
    for meeting in (written, other):
        check(app, api, meeting, lookups, after_write=False, tenant=T, audiences=AUDIENCES)
    with in_tenant(T):
        seat = db.session.scalar(sa.select(Seat).filter_by(key="kommune"))
        seat.title = "Kommunens plads"
        db.session.commit()
    for meeting in (written, other):
        check(app, api, meeting, lookups, tenant=T, audiences=AUDIENCES)
    db.session.scalar(sa.select(User).filter_by(email=RECIPIENT)).name = "Peter P."
    db.session.commit()
    for meeting in (written, other):
        check(app, api, meeting, lookups, tenant=T, audiences=AUDIENCES)
    with in_tenant(T):
        db.session.execute(sa.update(Meeting).where(Meeting.id == written)
                           .values(location="Bulk"))
        db.session.commit()
    for meeting in (written, other):
        check(app, api, meeting, lookups, tenant=T, audiences=AUDIENCES)
    assert api(MEMBER, T).get(f"meetings/{written}").get_json()["location"] == "Bulk"


def test_a_row_whose_meeting_the_session_cannot_tell_counts_for_the_tenant(app, two, in_tenant):
    """The meeting is read off the rows the session holds, never by a statement: a vote
    whose motion is not loaded is counted for the tenant; one whose motion and item are,
    for their meeting alone."""
    from core.decisions.models import CastAs, Motion, MotionPhase, ProcedureKind, Vote
    from core.meetings.models import AgendaItem, ItemKind, Meeting

    written, _other, _elsewhere = two
    rule = {"reason": "Afstemning.", "clause": "CORE-PROCEDURE", "source": "core"}
    with in_tenant(T) as tenant:
        tenant_id = tenant.id
        item = AgendaItem(meeting_id=written, position=1, kind=ItemKind.DECISION, title="Punkt",
                          topics=[])
        db.session.add(item)
        db.session.flush()
        motion = Motion(item_id=item.id, text="Forslag", procedure=ProcedureKind.VOTE,
                        procedure_rule=rule, competence_rule=rule, phase=MotionPhase.VOTING,
                        quorum_at_open={"ok": True})
        db.session.add(motion)
        db.session.flush()
        # an item added may be a closed one: the readers' access decisions are made anew
        # (decision 0049); the motion is the meeting's alone
        assert cache._touched.get() == {f"{tenant_id}:m{written}", f"{tenant_id}:r{written}"}
        db.session.commit()
        motion_id = motion.id
        db.session.expunge_all()  # nothing of the meeting in the session any more
        db.session.add(Vote(motion_id=motion_id, unit_key="seat:x", unit_label="X", weight=1,
                            cast_as=CastAs.HOLDER))
        db.session.flush()
        assert cache._touched.get() == {tenant_id}
        db.session.rollback()
        cache.reset_touched()
        loaded = db.session.get(Motion, motion_id)
        loaded_item = db.session.get(AgendaItem, loaded.item_id)  # noqa: F841 - held in the session
        db.session.add(Vote(motion_id=motion_id, unit_key="seat:y", unit_label="Y", weight=1,
                            cast_as=CastAs.HOLDER))
        db.session.flush()
        assert cache._touched.get() == {f"{tenant_id}:m{written}"}
        db.session.rollback()
        cache.reset_touched()
        # Deleting a meeting: other meetings' references to it are set to NULL by the
        # database, unseen: the tenant's.
        db.session.delete(db.session.get(Meeting, written))
        db.session.flush()
        assert tenant_id in cache._touched.get()
        db.session.rollback()
        cache.reset_touched()
