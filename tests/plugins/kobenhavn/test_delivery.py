"""Copenhagen's information recipients (KBH-2) receive a forum's agenda and minutes
through the outbox."""

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


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def in_process(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")


def test_information_recipients_receive_agenda_and_minutes_KBH_2(sync_tenant, clock, make_meeting, api, in_process, smtp_server):
    sync_tenant("kobenhavn")
    meeting = make_meeting("kobenhavn", "samarbejdsforum", at(2021, 3, 1, 13))
    sec = api("tobias.trier@tmf.kk.example", "kobenhavn")
    sec.post(f"meetings/{meeting}/items", json={
        "kind": "O", "title": "Køb af grund", "is_confidential": True, "confidentiality_reason": "property_transaction"})
    clock.set(at(2021, 2, 20, 9))
    sec.post(f"meetings/{meeting}/publish-agenda")
    tick(at(2021, 2, 20, 10))
    dab = smtp_server.to("dan.brix@dab.example")
    assert len(dab) == 1 and "Dagsorden" in dab[0]["Subject"]
    assert "Køb af grund" not in dab[0].get_body(("plain",)).get_content()
    for email in ("frank.aagesen@fa09.example", "torben.winther@fa09.example"):
        assert smtp_server.to(email), f"{email} (FA09) is an information recipient"
