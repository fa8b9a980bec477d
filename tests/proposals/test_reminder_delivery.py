"""Hearing reminders are delivered: ``kommissorium tick`` writes the due reminders to the
notification outbox and delivers them to a real SMTP server, to the people who act for the
organisations that have not answered and their hearing contact, once each (CORE-HEARING;
Testby's follow-group proposal on ``hoering`` is heard in Boligselskabet A and B, TST-7)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.cli import main
from core.extensions import db
from tests.fixtures.dates import at
from tests.fixtures.hearings import API, CONTACT, DEADLINE, open_testby_hearing
from tests.fixtures.mail import smtp_port, smtp_server  # noqa: F401
from tests.fixtures.testby import ANNA, BENT, CHAIR, GROUP_MEMBER, OUTSIDER, SUBSTITUTE

#: The organisations Testby's hearing asks (TST-7), and who acts for each (its members'
#: affiliations in tests/fixtures/testby.toml; TST-B's hearing contact besides).
ASKED = ["TST-A", "TST-B"]
PEOPLE = {"TST-A": {CHAIR, ANNA, SUBSTITUTE}, "TST-B": {BENT, GROUP_MEMBER, OUTSIDER, CONTACT}}


@pytest.fixture
def heard(testby, member, clock):
    clock.set(at(2018, 1, 5, 10))
    return open_testby_hearing(member)


@pytest.fixture
def tick(app, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setitem(app.config, "REDIS_URL", "")  # jobs in-process

    def _tick(now):
        result = app.test_cli_runner().invoke(main, ["tick", "--now", now.isoformat()],
                                              catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return _tick


def _answer(member, pid, org):
    who = CHAIR if org == "TST-A" else BENT
    resp = member(who).post(f"{API}/{pid}/hearing/responses",
                            json={"organisation": org, "kind": "comments", "text": "Vi er enige."})
    assert resp.status_code == 201, resp.get_json()


def _acting_for(in_tenant, codes) -> dict[str, set[str]]:
    from core.identity.models import Affiliation, User
    from core.organisations.models import Organisation

    with in_tenant("testby"):
        rows = db.session.execute(
            sa.select(Organisation.code, User.email)
            .join(Affiliation, Affiliation.organisation_id == Organisation.id)
            .join(User, User.id == Affiliation.user_id)
            .where(Organisation.code.in_(list(codes)))
        ).all()
    out: dict[str, set[str]] = {}
    for code, email in rows:
        out.setdefault(code, set()).add(email)
    return out


def _contacts(in_tenant) -> dict[str, set[str]]:
    """The parties' hearing contacts (the tenant file's ``hearing_contacts``)."""
    from core.tenants.models import Participation

    with in_tenant("testby"):
        return {p.organisation.code: {p.hearing_contact_email}
                for p in db.session.scalars(sa.select(Participation)) if p.hearing_contact_email}


def _hearing_mails(smtp_server, kind):
    return [m for m in smtp_server.messages
            if m["X-Kommissorium-Notification"].startswith(f"hearing_{kind} ")]


def test_tick_delivers_hearing_reminders_once_to_those_acting_for_the_organisations_TST_7(
    heard, member, in_tenant, smtp_server, tick
):
    _answer(member, heard, "TST-A")
    people = _acting_for(in_tenant, ASKED)
    for code, contact in _contacts(in_tenant).items():  # the contact is told as well
        people.setdefault(code, set()).update(contact)
    assert people == PEOPLE

    # Long before the deadline nothing is due.
    tick(DEADLINE - timedelta(days=10))
    assert _hearing_mails(smtp_server, "deadline_near") == []

    out = tick(DEADLINE - timedelta(days=2))  # within remind_days_before (3)
    assert "hearing reminders: 1" in out
    near = _hearing_mails(smtp_server, "deadline_near")
    assert sorted(m["To"] for m in near) == sorted(PEOPLE["TST-B"])  # TST-A has answered
    mail = next(m for m in near if m["To"] == BENT)
    assert mail["Subject"] == "Påmindelse om høringssvar: Fælles regler for udlån af lokaler · Testby Kommune"
    assert mail.get_content_type() == "multipart/alternative"  # text and HTML, as every mail
    body = mail.get_body(("plain",)).get_content()
    assert body.startswith("Testby Kommune · ")  # the municipality and the body it is about
    assert f"/testby/forslag/{heard}" in body  # straight to the proposal's page
    assert "Fristen for Boligselskabet Bs høringssvar" in body and "(TST-7)" in body
    # An absolute address of the answer page, never a relative API path.
    assert f"http://127.0.0.1:5000/testby/forslag/{heard}/hoeringssvar" in body and "/api/v1" not in body

    # Repeating the tick sends nothing twice.
    tick(DEADLINE - timedelta(days=1))
    assert len(_hearing_mails(smtp_server, "deadline_near")) == len(PEOPLE["TST-B"])

    # After the deadline TST-B, still silent, gets one overdue reminder each.
    tick(DEADLINE + timedelta(hours=1))
    tick(DEADLINE + timedelta(hours=2))
    overdue = _hearing_mails(smtp_server, "overdue")
    assert sorted(m["To"] for m in overdue) == sorted(PEOPLE["TST-B"])
    assert all(m["Subject"].startswith("Høringsfristen er overskredet") for m in overdue)


def test_an_answer_after_the_first_reminder_stops_the_overdue_one_TST_7(
    heard, member, in_tenant, smtp_server, tick
):
    from core.notifications.models import Notification
    from core.proposals.models import HearingReminder

    tick(DEADLINE - timedelta(days=2))
    with in_tenant("testby"):
        reminders = db.session.scalars(sa.select(HearingReminder)).all()
        assert len(reminders) == len(ASKED) and all(r.delivered_at is not None for r in reminders)
        rows = db.session.scalars(sa.select(Notification).where(
            Notification.kind == "hearing_deadline_near")).all()
        # Worded when delivered: the outbox holds no text (and so never a personal link).
        assert rows and all(r.sent_at is not None and not r.text for r in rows)
    assert sorted(m["To"] for m in _hearing_mails(smtp_server, "deadline_near")) == sorted(
        PEOPLE["TST-A"] | PEOPLE["TST-B"])

    # TST-B answers after its reminder; after the deadline only TST-A is overdue.
    _answer(member, heard, "TST-B")
    tick(DEADLINE + timedelta(hours=1))
    overdue = _hearing_mails(smtp_server, "overdue")
    assert sorted(m["To"] for m in overdue) == sorted(PEOPLE["TST-A"])
