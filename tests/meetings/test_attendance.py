"""Attendance: holders, apologies, substitutes as the tenant's rules allow them (Testby's
board: from the seat's own organisation, TST-1), delegated mandates only where a rule allows
them, as the quorum and vote rules will read them. A municipality's own attendance rules are
tested with its plugin (tests/plugins/albertslund/test_meetings.py: ALB-B5;
tests/plugins/kobenhavn/test_meetings.py: KBH-6, KBH-7)."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from tests.fixtures.meetings import sit_and_hold

from core import hookimpl

from tests.fixtures.testby import (
    ANNA,
    BENT,
    CHAIR,
    NABO_CHAIR,
    OUTSIDER,
    SECRETARY,
    SUBSTITUTE,
)

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def board_meeting(testby, clock, make_meeting):
    return make_meeting(testby, "bestyrelse", at(2018, 3, 1, 15))


def _attendees(app, in_tenant, meeting_id, tenant="testby"):
    from core.extensions import db
    from core.meetings.attendees import attendees
    from core.meetings.models import Meeting

    with in_tenant(tenant):
        db.session.expire_all()
        return {a.seat_key: a for a in attendees(db.session.get(Meeting, meeting_id))}


def test_holder_present_and_apologies(board_meeting, api, app, in_tenant):
    sec = api(SECRETARY, "testby")
    assert sec.put(f"meetings/{board_meeting}/attendance/formand", json={"status": "present"}).status_code == 200
    # A member sends apologies for their own seat, not for another's.
    bent = api(BENT, "testby")
    assert bent.put(f"meetings/{board_meeting}/attendance/b", json={"status": "apologies"}).status_code == 200
    assert bent.put(f"meetings/{board_meeting}/attendance/formand", json={"status": "apologies"}).status_code == 403
    got = _attendees(app, in_tenant, board_meeting)
    assert got["formand"].person == CHAIR
    assert got["b"].person is None
    listed = {a["seat"]: a for a in sec.get(f"meetings/{board_meeting}").get_json()["attendance"]}
    assert listed["b"]["status"] == "apologies"


def test_someone_else_cannot_sit_as_the_holder(board_meeting, api):
    resp = api(SECRETARY, "testby").put(f"meetings/{board_meeting}/attendance/formand",
                                        json={"status": "present", "person": SUBSTITUTE})
    assert resp.status_code == 422


def test_a_substitute_the_rule_allows_fills_the_seat_with_the_rules_clause(
    board_meeting, api, app, in_tenant
):
    """The plugin's verdict comes back with the answer (TST-1: from the seat's organisation)."""
    resp = api(SECRETARY, "testby").put(f"meetings/{board_meeting}/attendance/formand", json={
        "status": "present", "acting_as": "substitute", "person": SUBSTITUTE})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["verdict"]["clause"] == "TST-1"
    got = _attendees(app, in_tenant, board_meeting)["formand"]
    assert got.person == SUBSTITUTE and got.acting_as == "substitute"


def test_a_substitute_the_rule_refuses_is_409_naming_rule_and_clause(
    board_meeting, api, app, in_tenant
):
    """TST-1 refuses a substitute from another organisation; nothing is recorded."""
    resp = api(SECRETARY, "testby").put(f"meetings/{board_meeting}/attendance/formand", json={
        "status": "present", "acting_as": "substitute", "person": OUTSIDER})
    assert resp.status_code == 409  # a rule refused (docs/decisions/0025)
    assert resp.get_json()["clause"] == "TST-1" and resp.get_json()["rule"] == "substitute_allowed"
    assert _attendees(app, in_tenant, board_meeting)["formand"].person is None


def test_delegation_refused_where_the_rules_do_not_allow_it(board_meeting, api, in_tenant):
    resp = api(SECRETARY, "testby").post("bodies/bestyrelse/delegations", json={
        "seat": "b", "to_organisation": "TST-ADM", "starts_on": "2018-01-01", "ends_on": "2018-12-31"})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "CORE-MANDATE"
    from core.extensions import db
    from core.meetings.models import MandateDelegation

    with in_tenant("testby"):
        assert db.session.scalar(sa.select(sa.func.count(MandateDelegation.id))) == 0


def test_attendance_is_frozen_once_minutes_are_sent(board_meeting, api, clock):
    sec = api(SECRETARY, "testby")
    clock.set(at(2018, 2, 20, 9))
    sec.post(f"meetings/{board_meeting}/publish-agenda")
    clock.set(at(2018, 3, 1, 18))
    sit_and_hold(sec, board_meeting)
    for item in sec.get(f"meetings/{board_meeting}").get_json()["items"]:
        if item["kind"] == "B":
            sec.put(f"meetings/{board_meeting}/items/{item['id']}/minutes", json={"decision": "Godkendt."})
    assert sec.post(f"meetings/{board_meeting}/send-minutes").status_code == 200
    assert sec.put(f"meetings/{board_meeting}/attendance/formand", json={"status": "present"}).status_code == 409


def test_a_person_outside_the_tenant_answers_as_an_unknown_address(board_meeting, naboby, api):
    """The secretariat looking a person up learns nothing about who else has an account on
    the platform: a Naboby member with no tie to Testby answers exactly as an address
    nobody has (#13), where the rule would otherwise have explained her refusal."""
    url = f"meetings/{board_meeting}/attendance/formand"
    answers = [
        api(SECRETARY, "testby").put(url, json={"status": "present", "acting_as": acting_as, "person": email})
        for email in (NABO_CHAIR, "nobody.here@naboby.example")
        for acting_as in ("substitute", "delegate", "holder")
    ]
    bodies = [(r.status_code, r.get_json()) for r in answers]
    assert bodies[:3] == bodies[3:]
    assert all(code == 422 for code, _ in bodies)
    assert "kommune" in bodies[0][1]["errors"]["json"]["person"][0]
    assert "clause" not in bodies[0][1]


def test_a_member_of_the_board_may_not_substitute_for_a_seat_of_another_organisation(
    board_meeting, api
):
    """Anna holds a seat for TST-A; the rule (TST-1) keeps her out of TST-B's seat."""
    resp = api(SECRETARY, "testby").put(f"meetings/{board_meeting}/attendance/b", json={
        "status": "present", "acting_as": "substitute", "person": ANNA})
    assert resp.status_code == 409 and resp.get_json()["clause"] == "TST-1"


class MomentRecorder:
    """A rule that records the meeting and moment the substitute and delegation hooks get."""

    def __init__(self):
        self.seen = []

    @hookimpl(tryfirst=True)
    def substitute_allowed(self, body, meeting, requested_at, substitute):
        self.seen.append(("substitute", body.municipality, meeting, requested_at, substitute))

    @hookimpl(tryfirst=True)
    def delegation_allowed(self, delegation, meeting, requested_at):
        self.seen.append(("delegation", delegation, meeting, requested_at))


def test_the_substitute_and_delegation_rules_know_the_meeting_and_the_moment(
    board_meeting, api, app, clock, monkeypatch
):
    """Issue #17 item 4: ``substitute_allowed`` and ``delegation_allowed`` receive the
    meeting (when it starts, its state) and the moment of the request, and a delegation who
    registered it, when and to whom; the body's facts name the tenant's municipality."""
    from core.hooks.host import PluginHost

    recorder = MomentRecorder()
    monkeypatch.setitem(app.extensions, "kommissorium.host", PluginHost(plugins={"testby": recorder}))
    clock.set(at(2018, 2, 28, 10))
    resp = api(SECRETARY, "testby").put(f"meetings/{board_meeting}/attendance/formand", json={
        "status": "present", "acting_as": "substitute", "person": SUBSTITUTE})
    assert resp.status_code == 200, resp.get_json()
    resp = api(SECRETARY, "testby").post("bodies/bestyrelse/delegations", json={
        "seat": "b", "to_organisation": "TST-ADM", "starts_on": "2018-01-01", "ends_on": "2018-12-31"})
    assert resp.status_code == 409  # the core's default (CORE-MANDATE) still answers
    (kind, municipality, meeting, moment, person), (dkind, delegation, dmeeting, dmoment) = recorder.seen
    assert (kind, municipality, person) == ("substitute", "TST-KOM", SUBSTITUTE)
    assert meeting.id == board_meeting and meeting.starts_at == at(2018, 3, 1, 15)
    assert meeting.state == "planned" and not meeting.has_started
    assert moment == at(2018, 2, 28, 10) < meeting.starts_at
    assert dkind == "delegation" and dmeeting is None and dmoment == at(2018, 2, 28, 10)
    assert (delegation.to_organisation, delegation.registered_by) == ("TST-ADM", SECRETARY)
