"""Hearing reminders: what is due, written once as rows for the notification outbox (VEJ-6)."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.proposals.models import Hearing, HearingReminder, ReminderKind
from core.proposals.operations import due_hearing_reminders, write_hearing_reminders
from core.tenancy import all_tenants
from tests.plugins.vejle.test_proposals import ASKED, _answer, _start_and_open_hearing


@pytest.fixture
def vejle(sync_tenant, api):
    sync_tenant("vejle")
    return api("vejle")


def _deadline(in_tenant) -> datetime:
    with in_tenant("vejle"):
        return db.session.scalar(sa.select(Hearing)).deadline_at


def test_nothing_is_due_long_before_the_deadline(vejle, in_tenant):
    _start_and_open_hearing(vejle)
    deadline = _deadline(in_tenant)
    with in_tenant("vejle"):
        assert due_hearing_reminders(deadline - timedelta(days=4)) == []


def test_deadline_near_reminds_those_who_have_not_answered_VEJ_6(vejle, in_tenant):
    p = _start_and_open_hearing(vejle)
    _answer(vejle, p["id"], "AAB")
    deadline = _deadline(in_tenant)
    now = deadline - timedelta(days=2)  # within the 3 days before
    with in_tenant("vejle"):
        due = due_hearing_reminders(now)
        assert [d.organisation for d in due] == [o for o in ASKED if o != "AAB"]
        assert {d.kind for d in due} == {ReminderKind.DEADLINE_NEAR}
        assert due[0].due_at == deadline - timedelta(days=3) and due[0].proposal_id == p["id"]
        rows = write_hearing_reminders(now)
        db.session.commit()
        assert len(rows) == 7
        # A repeated tick writes nothing twice.
        assert due_hearing_reminders(now) == []
        assert write_hearing_reminders(now + timedelta(hours=1)) == []


def test_overdue_reminders_after_the_deadline_and_none_once_closed_VEJ_6(vejle, in_tenant):
    p = _start_and_open_hearing(vejle)
    for org in ("AAB", "OSTERBO", "LEJERBO"):
        _answer(vejle, p["id"], org, kind="no_comments", text="")
    deadline = _deadline(in_tenant)
    with all_tenants():  # as the periodic tick runs it, across tenants
        write_hearing_reminders(deadline - timedelta(days=1))
        db.session.commit()
        due = due_hearing_reminders(deadline + timedelta(minutes=1))
        assert [(d.organisation, d.kind) for d in due] == [
            (o, ReminderKind.OVERDUE) for o in ("DOMEA", "GIVE", "GREJSDALEN", "JELLING", "VEJ-KOM")]
        write_hearing_reminders(deadline + timedelta(minutes=1))
        db.session.commit()
        kinds = db.session.scalars(sa.select(HearingReminder.kind)).all()
        assert kinds.count(ReminderKind.DEADLINE_NEAR) == 5 and kinds.count(ReminderKind.OVERDUE) == 5
        # Each went to the notification outbox as it was written (delivered by the tick).
        assert all(r.delivered_at is not None for r in db.session.scalars(sa.select(HearingReminder)))
    # Once the hearing is closed, nobody is reminded any more.
    with in_tenant("vejle"):
        db.session.scalar(sa.select(Hearing)).deadline_at = datetime.now(deadline.tzinfo) - timedelta(hours=1)
        db.session.commit()
    assert vejle.as_("susan.soerensen@bolivvejle.example").post(f"/{p['id']}/hearing/close").status_code == 200
    with in_tenant("vejle"):
        db.session.query(HearingReminder).delete()
        db.session.commit()
        assert due_hearing_reminders(deadline + timedelta(days=30)) == []


def test_reminders_stay_within_the_tenant_in_scope(vejle, in_tenant, sync_tenant):
    _start_and_open_hearing(vejle)
    deadline = _deadline(in_tenant)
    sync_tenant("slagelse")
    with in_tenant("slagelse"):
        assert due_hearing_reminders(deadline) == []
    with in_tenant("vejle"):
        assert len(due_hearing_reminders(deadline)) == len(ASKED)
