"""Albertslund's reminders through the outbox: members reminded before the resource
group's submission deadline (ALB-R3), the secretary warned before the notice period
(ALB-R4), minutes and their approval due (ALB-B9)."""

import os
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from core.extensions import db
from core.notifications.models import Notification
from core.notifications.operations import tick
from tests.fixtures.meetings import sit_and_hold

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"


def at(*args):
    return datetime(*args, tzinfo=UTC)


def _rows(in_tenant, tenant="albertslund", **filters):
    with in_tenant(tenant):
        return list(db.session.scalars(sa.select(Notification).filter_by(**filters).order_by(Notification.id)))


@pytest.fixture
def in_process(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")


def test_reminders_submission_agenda_due_minutes_due_approval_due(sync_tenant, clock, make_meeting, api, in_process, smtp_server, in_tenant):
    sync_tenant("albertslund")
    make_meeting("albertslund", "ressourcegruppe-ff", at(2018, 3, 20, 14))
    # ALB-R3: three days before the submission deadline, members are reminded.
    tick(at(2018, 3, 8, 9))
    assert len(smtp_server.to("dennis.dahl@va.example")) == 1
    assert "Frist for punkter" in smtp_server.to("dennis.dahl@va.example")[0]["Subject"]
    # ALB-R4: two days before the notice period starts, the secretary is warned.
    tick(at(2018, 3, 14, 9))
    assert [m["Subject"] for m in smtp_server.to("peter.poulsen@abc.example")
            if m["Subject"].startswith("Dagsordenen skal")]
    assert _rows(in_tenant, kind="agenda_due")[0].recipient == "peter.poulsen@abc.example"

    board = make_meeting("albertslund", "bestyrelse", at(2018, 4, 5, 15))
    sec = api(SANNE, "albertslund")
    clock.set(at(2018, 3, 28, 9))
    sec.post(f"meetings/{board}/publish-agenda")
    clock.set(at(2018, 4, 5, 18))
    sit_and_hold(sec, board)
    tick(at(2018, 4, 17, 16))  # ALB-B9: minutes due 19 April
    assert any("Referatet skal udsendes" in m["Subject"] for m in smtp_server.to(SANNE))
    for item in sec.get(f"meetings/{board}").get_json()["items"]:
        if item["kind"] == "B":
            sec.put(f"meetings/{board}/items/{item['id']}/minutes", json={"decision": "Vedtaget."})
    clock.set(at(2018, 4, 18, 9))
    sec.post(f"meetings/{board}/send-minutes")
    api("vibeke.vestergaard@va.example", "albertslund").post(f"meetings/{board}/minutes/approvals")
    tick(at(2018, 4, 27, 9))  # approval due 3 May: a week before, remind those who have not
    reminded = {r.recipient for r in _rows(in_tenant, kind="approval_due")}
    assert "vibeke.vestergaard@va.example" not in reminded and "bent.albrechtsen@ab.example" in reminded
    assert SANNE not in reminded  # the secretary does not approve
    minutes_mail = smtp_server.to("bent.albrechtsen@ab.example")
    assert any(m["Subject"].startswith("Referat:") for m in minutes_mail)
