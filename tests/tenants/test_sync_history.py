"""``tenants sync`` never deletes what has history: a body or seat the file no longer names
is ended, its meetings, votes and minutes kept, every change audited; ``tenants prune``
removes only ended rows without history, and only when confirmed
(docs/decisions/0019-sync-ends-never-deletes.md)."""

from datetime import date, datetime, time, timezone

import pytest
import sqlalchemy as sa

from core import clock as platform_clock
from core.audit.models import AuditEntry
from core.audit.operations import verify
from core.bodies.facts import body_facts
from core.bodies.models import Body, Seat
from core.cli import main
from core.decisions.models import Motion, Vote
from core.extensions import db
from core.meetings.attendees import attendees
from core.meetings.models import Meeting
from core.tenancy import all_tenants
from tests.fixtures.tenants import two_bodies

T = "/api/v1/tenants/aby"
CHAIR, MUNICIPALITY = "formand@aby.example", "sekretaer@aby.example"
TODAY = platform_clock.today()  # the day sync ends what a file no longer names (core/clock.py)


@pytest.fixture(autouse=True)
def _one_day(clock):
    """The platform's clock held at noon of TODAY (Copenhagen), so a run across midnight
    compares with the day the sync saw."""
    clock.set(datetime.combine(TODAY, time(12), tzinfo=platform_clock.tenant_zone(None)).astimezone(timezone.utc))


def _file(*, without_body=None, without_seat=None, extra_seat="") -> str:
    """The two-body test tenant; the municipality's seat held, so the board is quorate."""
    text = two_bodies("aby", "A").replace(
        'title = "Kommunens repræsentant"',
        f'title = "Kommunens repræsentant"\nholder = "{MUNICIPALITY}"')
    if extra_seat:
        text = text.replace('[[bodies]]\nkey = "aby-gruppe"', extra_seat + '\n[[bodies]]\nkey = "aby-gruppe"')
    if without_seat:
        start = text.index(f'[[bodies.seats]]\nkey = "{without_seat}"')
        end = text.index("[[bodies", start + 1)
        text = text[:start] + text[end:]
    if without_body == "bestyrelse":
        start = text.index('[[bodies]]\nkey = "bestyrelse"')
        end = text.index('[[bodies]]\nkey = "aby-gruppe"')
        text = text[:start] + text[end:].replace('parent = "bestyrelse"\n', "")
    elif without_body:
        text = text[:text.index(f'[[bodies]]\nkey = "{without_body}"')]
    return text


#: A seat valid only from 2024: the 2020 meeting was not its, so it has no history.
NEW_SEAT = """
[[bodies.seats]]
key = "observatoer"
title = "Observatør"
organisation = "A-KOM"
role = "observer"
voting = false
valid_from = 2024-01-01
"""


@pytest.fixture
def run(app, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)

    def _run(*args):
        return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)

    return _run


@pytest.fixture
def decided(sync_tenant, write_tenant_file, decision_item, member, meeting_of):
    """The board decided a motion at a meeting in 2020: both seats attended and voted."""
    sync_tenant(write_tenant_file(_file(extra_seat=NEW_SEAT)))
    item = decision_item("aby", "bestyrelse")
    motion = member(CHAIR).post(f"{T}/items/{item}/motion", json={"text": "Godkendt"}).get_json()
    for email, choice in ((CHAIR, "yes"), (MUNICIPALITY, "no")):
        resp = member(email).post(f"{T}/motions/{motion['id']}/votes", json={"choice": choice})
        assert resp.status_code == 201, resp.get_json()
    assert member(CHAIR).post(f"{T}/motions/{motion['id']}/close").status_code == 200
    return {"motion": motion["id"], "meeting": meeting_of("aby", item)}


def _audit(in_tenant, action=None) -> list[AuditEntry]:
    with in_tenant("aby"):
        query = sa.select(AuditEntry).order_by(AuditEntry.seq)
        if action:
            query = query.where(AuditEntry.action == action)
        return db.session.scalars(query).all()


def _count(model, *where) -> int:
    with all_tenants():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_removed_body_with_meetings_and_votes_is_ended_not_deleted(
        decided, sync_tenant, write_tenant_file, in_tenant, member, client):
    """The old sync deleted the board with its meeting, motion and votes, logging one line."""
    report = sync_tenant(write_tenant_file(_file(without_body="bestyrelse")))
    assert "ended body bestyrelse (3 attendance records, 1 meeting)" in report.changes
    assert "ended seat bestyrelse/formand (1 attendance record, 1 meeting)" in report.changes
    assert any(line.startswith("body bestyrelse (ended on ") for line in report.ended)
    with in_tenant("aby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        assert body is not None and body.ended_on == TODAY
        assert all(s.ended_on == TODAY for s in body.seats)
        assert body_facts(body, "aby").seats == ()  # no longer counts in today's rules
    assert _count(Meeting) == 1 and _count(Motion) == 1 and _count(Vote) == 2

    (ended,) = _audit(in_tenant, "body.ended")
    assert ended.subject == f"body:{body.id}"
    assert ended.payload["key"] == "bestyrelse" and ended.payload["ended_on"] == TODAY.isoformat()
    assert ended.payload["history"] == {"attendances": 3, "meetings": 1}
    assert len(_audit(in_tenant, "seat.ended")) == 4
    assert all(r.ok for r in verify())

    # today's lists leave it out; its page, meeting and outcome stay readable
    assert [b["key"] for b in client.get(f"{T}/bodies").get_json()] == ["aby-gruppe"]
    page = client.get(f"{T}/bodies/bestyrelse").get_json()
    assert page["ended_on"] == TODAY.isoformat() and page["seats"] == []
    outcome = member(CHAIR).get(f"{T}/motions/{decided['motion']}/outcome")
    assert outcome.status_code == 200 and outcome.get_json()["result"] == "rejected"
    # and it takes no new meetings, saying why
    resp = member(MUNICIPALITY).post(f"{T}/bodies/bestyrelse/meetings",
                                     json={"starts_at": "2027-03-01T14:00:00+00:00"})
    assert resp.status_code == 409, resp.get_json()
    assert resp.get_json()["clause"] == "CORE-BODY-ENDED"


def test_a_removed_seat_is_ended_and_past_attendance_still_names_its_holder(
        decided, sync_tenant, write_tenant_file, in_tenant):
    report = sync_tenant(write_tenant_file(_file(extra_seat=NEW_SEAT, without_seat="formand")))
    assert report.changes == ["ended seat bestyrelse/formand (1 attendance record, 1 meeting)"]
    with in_tenant("aby"):
        seat = db.session.scalar(sa.select(Seat).filter_by(key="formand"))
        assert seat.ended_on == TODAY and seat.current_holder.email == CHAIR
        assert not seat.is_valid_on(TODAY) and seat.is_valid_on(date(2020, 10, 1))
        meeting = db.session.get(Meeting, decided["meeting"])
        sat = {a.seat_key: a.person for a in attendees(meeting)}
        assert sat["formand"] == CHAIR  # the 2020 meeting still says who sat there
        board = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        assert "formand" not in {s.key for s in body_facts(board, "aby").seats}
        vote = db.session.scalar(sa.select(Vote).filter_by(unit_key="seat:formand"))
        assert vote.cast_by.email == CHAIR
    (entry,) = _audit(in_tenant, "seat.ended")
    assert entry.payload["key"] == "formand" and entry.payload["body"] == "bestyrelse"


def test_an_ended_seat_gives_its_holder_no_role_today(
        decided, sync_tenant, write_tenant_file, member):
    """/me and the permission checks read only seats that are not ended."""
    me = member(CHAIR).get("/api/v1/me").get_json()
    assert [s["key"] for b in me["tenants"][0]["bodies"] for s in b["seats"]] == ["formand"]
    assert member(CHAIR).get(f"{T}/bodies/bestyrelse/meetings").status_code == 200
    sync_tenant(write_tenant_file(_file(extra_seat=NEW_SEAT, without_seat="formand")))
    assert member(CHAIR).get("/api/v1/me").get_json()["tenants"] == []
    assert member(CHAIR).get(f"{T}/bodies/bestyrelse/meetings").status_code in (403, 404)


def test_naming_it_again_re_opens_it(decided, sync_tenant, write_tenant_file, in_tenant):
    sync_tenant(write_tenant_file(_file(without_body="bestyrelse")))
    report = sync_tenant(write_tenant_file(_file(extra_seat=NEW_SEAT)))
    assert f"re-opened body bestyrelse (ended on {TODAY:%Y-%m-%d})" in report.changes
    assert f"re-opened seat bestyrelse/formand (ended on {TODAY:%Y-%m-%d})" in report.changes
    with in_tenant("aby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        assert body.ended_on is None and all(s.ended_on is None for s in body.seats)
    assert len(_audit(in_tenant, "body.reopened")) == 1
    assert len(_audit(in_tenant, "seat.reopened")) == 4


def test_a_second_sync_is_a_no_op_and_writes_no_audit_entry(
        decided, sync_tenant, write_tenant_file, in_tenant):
    path = write_tenant_file(_file(without_body="aby-gruppe", without_seat="kommune"))
    assert sync_tenant(path).changes
    before = len(_audit(in_tenant))
    report = sync_tenant(path)
    assert report.changes == [] and str(report).startswith("aby: up to date, nothing changed")
    assert len(_audit(in_tenant)) == before


def test_every_change_is_audited_with_what_it_was(sync_tenant, write_tenant_file, in_tenant):
    sync_tenant(write_tenant_file(_file()))
    created = _audit(in_tenant)
    assert {"tenant.created", "organisation.created", "person.created", "body.created",
            "seat.created", "admin.added", "party.added"} <= {e.action for e in created}
    assert all("@" not in str(e.payload) for e in created)  # people by id, not by address
    sync_tenant(write_tenant_file(_file().replace("meetings_per_year = 4", "meetings_per_year = 6")))
    (changed,) = _audit(in_tenant, "body.changed")
    assert changed.payload["changes"] == {"meetings_per_year": {"from": 4, "to": 6}}
    assert changed.payload["key"] == "bestyrelse"


def test_prune_lists_and_removes_only_ended_rows_without_history_when_confirmed(
        decided, sync_tenant, write_tenant_file, in_tenant, run):
    # the group never met; the board's new seat began after its only meeting; the
    # municipality's seat sat in it
    sync_tenant(write_tenant_file(_file(without_body="aby-gruppe", without_seat="kommune")))
    with in_tenant("aby"):
        board = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        db.session.scalar(sa.select(Seat).filter_by(key="observatoer")).ended_on = TODAY
        db.session.commit()
    bodies, seats, audited = _count(Body), _count(Seat), len(_audit(in_tenant))

    listed = run("tenants", "prune", "aby")
    assert listed.exit_code == 0, listed.output
    assert "would remove 2 (ended, no history)" in listed.output
    assert "body aby-gruppe and its 1 seat(s)" in listed.output
    assert "seat bestyrelse/observatoer" in listed.output
    assert "seat bestyrelse/kommune (1 attendance record, 1 meeting)" in listed.output  # kept
    assert (_count(Body), _count(Seat), len(_audit(in_tenant))) == (bodies, seats, audited)

    done = run("tenants", "prune", "aby", "--confirm")
    assert done.exit_code == 0 and "removed 2" in done.output
    assert _count(Body) == bodies - 1 and _count(Seat) == seats - 2
    with in_tenant("aby"):
        assert db.session.scalar(sa.select(Seat).filter_by(key="kommune", body_id=board.id))
    assert [e.payload["key"] for e in _audit(in_tenant) if e.action.endswith(".pruned")] == [
        "observatoer", "aby-gruppe"]
    assert _count(Meeting) == 1 and _count(Vote) == 2
    assert "nothing to remove" in run("tenants", "prune", "aby", "--confirm").output
    assert all(r.ok for r in verify())


def test_prune_names_an_unknown_tenant(app, run):
    result = run("tenants", "prune", "nowhere")
    assert result.exit_code != 0 and "no tenant nowhere" in result.output
