"""Hearing reminders: what is due, written once as rows for the notification outbox
(CORE-HEARING; Testby's follow-group proposal on ``hoering`` is heard in Boligselskabet A
and B, TST-7)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.proposals.models import Hearing, HearingReminder, ReminderKind
from core.proposals.operations import due_hearing_reminders, write_hearing_reminders
from core.tenancy import all_tenants
from tests.fixtures.dates import at
from tests.fixtures.hearings import API, DEADLINE, open_testby_hearing
from tests.fixtures.testby import CHAIR, BENT, SECRETARY

#: The organisations Testby's hearing asks (TST-7).
ASKED = ["TST-A", "TST-B"]
ACTS_FOR = {"TST-A": CHAIR, "TST-B": BENT}


@pytest.fixture
def heard(testby, member, clock):
    clock.set(at(2018, 1, 5, 10))
    return open_testby_hearing(member)


def _answer(member, pid, org, kind="comments", text="Vi støtter forslaget."):
    resp = member(ACTS_FOR[org]).post(f"{API}/{pid}/hearing/responses",
                                      json={"organisation": org, "kind": kind, "text": text})
    assert resp.status_code == 201, resp.get_json()


def test_the_hearing_asks_both_housing_organisations_TST_7(heard, in_tenant):
    with in_tenant("testby"):
        assert db.session.scalar(sa.select(Hearing)).deadline_at == DEADLINE
        assert sorted(o.organisation for o in due_hearing_reminders(DEADLINE)) == ASKED


def test_nothing_is_due_long_before_the_deadline(heard, in_tenant):
    with in_tenant("testby"):
        assert due_hearing_reminders(DEADLINE - timedelta(days=4)) == []


def test_deadline_near_reminds_those_who_have_not_answered_TST_7(heard, member, in_tenant):
    _answer(member, heard, "TST-A")
    now = DEADLINE - timedelta(days=2)  # within the 3 days before
    with in_tenant("testby"):
        due = due_hearing_reminders(now)
        assert [d.organisation for d in due] == ["TST-B"]
        assert {d.kind for d in due} == {ReminderKind.DEADLINE_NEAR}
        assert due[0].due_at == DEADLINE - timedelta(days=3) and due[0].proposal_id == heard
        rows = write_hearing_reminders(now)
        db.session.commit()
        assert len(rows) == 1
        # A repeated tick writes nothing twice.
        assert due_hearing_reminders(now) == []
        assert write_hearing_reminders(now + timedelta(hours=1)) == []


def test_overdue_reminders_after_the_deadline_and_none_once_closed_TST_7(heard, member, in_tenant, clock):
    with all_tenants():  # as the periodic tick runs it, across tenants
        write_hearing_reminders(DEADLINE - timedelta(days=1))  # both are reminded
        db.session.commit()
    _answer(member, heard, "TST-A", kind="no_comments", text="")  # then TST-A answers
    with all_tenants():
        due = due_hearing_reminders(DEADLINE + timedelta(minutes=1))
        assert [(d.organisation, d.kind) for d in due] == [("TST-B", ReminderKind.OVERDUE)]
        write_hearing_reminders(DEADLINE + timedelta(minutes=1))
        db.session.commit()
        kinds = db.session.scalars(sa.select(HearingReminder.kind)).all()
        assert kinds.count(ReminderKind.DEADLINE_NEAR) == 2 and kinds.count(ReminderKind.OVERDUE) == 1
        # Each went to the notification outbox as it was written (delivered by the tick).
        assert all(r.delivered_at is not None for r in db.session.scalars(sa.select(HearingReminder)))
    # Once the hearing is closed, nobody is reminded any more.
    clock.set(DEADLINE + timedelta(hours=1))
    assert member(SECRETARY).post(f"{API}/{heard}/hearing/close").status_code == 200
    with in_tenant("testby"):
        db.session.query(HearingReminder).delete()
        db.session.commit()
        assert due_hearing_reminders(DEADLINE + timedelta(days=30)) == []


def test_reminders_stay_within_the_tenant_in_scope(heard, in_tenant, naboby):
    with in_tenant("naboby"):
        assert due_hearing_reminders(DEADLINE) == []
    with in_tenant("testby"):
        assert len(due_hearing_reminders(DEADLINE)) == len(ASKED)
