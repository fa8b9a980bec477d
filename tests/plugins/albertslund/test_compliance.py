"""The compliance figures agree with their own list (issue 14, item 8): "approved on time"
is counted out of everything that was due; every date is ISO 8601; meetings are named by
title and date (ALB-B9)."""

from tests.fixtures.dates import at


ISO = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"


def test_compliance_counts_on_time_out_of_everything_due_and_names_meetings_ALB_B9(
        sync_tenant, clock, make_meeting, api, in_tenant, client, login):
    """One set of minutes approved on time, one whose approval is overdue: "approved on
    time" is 1 of 2, as the list of overdue approvals below it says; every date is ISO
    8601; meetings are named by title and date, not by their id."""
    import re

    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import User
    from core.meetings import operations as ops
    from core.meetings.models import Meeting
    from core.tenancy import tenant_hooks
    from tests.plugins.albertslund.test_deadlines import SANNE, _run
    from tests.plugins.albertslund.test_lifecycle import BOARD_MEMBERS

    sync_tenant("albertslund")
    clock.set(at(2018, 1, 5, 9))
    m1 = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15), title="Budgetmøde")
    m2 = make_meeting("albertslund", "bestyrelse", at(2018, 9, 6, 15), title="Strategimøde")
    for m, day in ((m1, 1), (m2, 6)):
        month = 3 if m == m1 else 9
        _run(api, clock, m, publish=at(2018, month - 1, 20, 9) if m == m1 else at(2018, 8, 25, 9),
             held=at(2018, month, day, 18), send=at(2018, month, day + 5, 9), sec=SANNE,
             tenant="albertslund")
    clock.set(at(2018, 3, 20, 9))
    with in_tenant("albertslund") as t:
        meeting = db.session.get(Meeting, m1)
        rules = ops.meeting_rules(meeting.body, t, tenant_hooks(t))
        for email in BOARD_MEMBERS:
            ops.approve_by_member(meeting, db.session.scalar(sa.select(User).filter_by(email=email)),
                                  rules, t, tenant_hooks(t))
        db.session.commit()
    clock.set(at(2018, 12, 1, 9))  # m2's approval (4 weeks after the meeting) is overdue
    resp = api(SANNE, "albertslund").get("bodies/bestyrelse/compliance?year=2018")
    c = resp.get_json()
    assert (c["minutes_approved"], c["approvals_due"], c["minutes_approved_on_time"]) == (1, 2, 1)
    assert c["approval_clause"] == "ALB-B9"
    [overdue] = c["overdue"]
    assert (overdue["meeting_id"], overdue["kind"]) == (m2, "approval_overdue")
    assert overdue["meeting_title"] == "Strategimøde"
    # ISO 8601, not an HTTP date ("Thu, 04 Oct 2018 …"), for every date in the answer.
    assert re.match(ISO, overdue["due_at"]) and re.match(ISO, overdue["meeting_starts_at"])
    assert "GMT" not in resp.get_data(as_text=True)
    # The page: "1 / 2", and the meeting by its title and date.
    login(client, SANNE)
    html = client.get("/albertslund/organer/bestyrelse/overholdelse?year=2018").get_data(as_text=True)
    assert "Referater godkendt til tiden: 1 / 2" in html
    assert ">Strategimøde 06.09.2018" in html and f">Møde {m2}<" not in html
