"""Deadlines from the meeting rules on Testby (its tenant file's, each with its clause,
TST-5 and TST-6, or a hook's), and who may plan a meeting. Albertslund's and Slagelse's
deadlines, compliance and extraordinary meetings are tested in tests/plugins/albertslund/
and tests/plugins/slagelse/ (test_deadlines.py)."""

from datetime import datetime, timezone

import pytest

from tests.fixtures.testby import BENT, GROUP_MEMBER, SECRETARY

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def tst(testby, clock):
    return clock


def test_deadlines_come_from_the_tenant_file_with_their_clauses_TST_5_TST_6(tst, make_meeting, api):
    meeting = make_meeting("testby", "bestyrelse", at(2018, 3, 1, 15))
    d = api(SECRETARY).get(f"meetings/{meeting}").get_json()["deadlines"]
    assert d["agenda_due_at"].startswith("2018-02-24T15:00") and d["agenda_clause"] == "TST-5"
    assert d["minutes_due_at"].startswith("2018-03-15T15:00") and d["minutes_clause"] == "TST-6"
    assert d["approval_mode"] == "email"
    assert d["approval_due_at"].startswith("2018-03-29T15:00") and d["approval_clause"] == "TST-6"
    assert d["submission_due_at"] is None


def test_the_groups_submission_deadline_TST_5(tst, make_meeting, api):
    meeting = make_meeting("testby", "gruppe", at(2018, 3, 20, 14))
    d = api(GROUP_MEMBER).get(f"meetings/{meeting}").get_json()["deadlines"]
    assert d["submission_due_at"].startswith("2018-03-10T14:00") and d["submission_clause"] == "TST-5"
    assert d["agenda_clause"] == "TST-5" and d["minutes_clause"] == "TST-6"


def test_a_hook_overrides_the_tenant_files_deadline(tst, make_meeting, api, host):
    from core import hookimpl
    from core.rules.types import Deadline, MeetingRules

    class LongerNotice:
        @hookimpl
        def meeting_rules(self, body):
            return MeetingRules(meetings_per_year=2, notice=Deadline(10, "TEST-1"), approval_mode="board")

    host.pm.register(LongerNotice(), name="longer")
    meeting = make_meeting("testby", "bestyrelse", at(2018, 3, 1, 15))
    from core.extensions import db
    from core.tenants.models import Tenant
    import sqlalchemy as sa

    tenant = db.session.scalar(sa.select(Tenant).filter_by(slug="testby"))
    tenant.plugins = ["testby", "longer"]
    db.session.commit()
    d = api(SECRETARY).get(f"meetings/{meeting}").get_json()["deadlines"]
    assert d["agenda_due_at"].startswith("2018-02-19T15:00") and d["agenda_clause"] == "TEST-1"


def test_a_member_cannot_plan_an_ordinary_meeting(tst, api):
    resp = api(BENT).post("bodies/bestyrelse/meetings", json={
        "starts_at": "2018-05-01T15:00:00+00:00"})
    assert resp.status_code == 403
