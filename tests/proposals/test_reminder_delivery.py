"""Hearing reminders are delivered: ``kommissorium tick`` writes the due reminders to the
notification outbox and delivers them to a real SMTP server, to the people who act for the
organisations that have not answered, once each (VEJ-6)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.cli import main
from core.extensions import db
from core.proposals.models import Hearing
from tests.fixtures.mail import smtp_port, smtp_server  # noqa: F401
from tests.plugins.vejle.test_proposals import ASKED, _answer, _start_and_open_hearing


@pytest.fixture
def vejle(sync_tenant, api):
    sync_tenant("vejle")
    return api("vejle")


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


def _acting_for(in_tenant, codes) -> dict[str, set[str]]:
    from core.identity.models import Affiliation, User
    from core.organisations.models import Organisation

    with in_tenant("vejle"):
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

    with in_tenant("vejle"):
        return {p.organisation.code: {p.hearing_contact_email}
                for p in db.session.scalars(sa.select(Participation)) if p.hearing_contact_email}


def _hearing_mails(smtp_server, kind):
    return [m for m in smtp_server.messages
            if m["X-Kommissorium-Notification"].startswith(f"hearing_{kind} ")]


def test_tick_delivers_hearing_reminders_once_to_those_acting_for_the_organisations_VEJ_6(
    vejle, in_tenant, smtp_server, tick
):
    p = _start_and_open_hearing(vejle)
    assert _answer(vejle, p["id"], "AAB").status_code == 201
    with in_tenant("vejle"):
        deadline = db.session.scalar(sa.select(Hearing)).deadline_at
    missing = [o for o in ASKED if o != "AAB"]
    people = _acting_for(in_tenant, ASKED)
    for code, contact in _contacts(in_tenant).items():  # the contact is told as well
        people.setdefault(code, set()).update(contact)
    assert people["AAB"] and people["LEJERBO"] and "hoering@bf-give.example" in people["GIVE"]

    # Long before the deadline nothing is due.
    tick(deadline - timedelta(days=10))
    assert _hearing_mails(smtp_server, "deadline_near") == []

    out = tick(deadline - timedelta(days=2))  # within remind_days_before (3)
    assert "hearing reminders: 7" in out
    near = _hearing_mails(smtp_server, "deadline_near")
    expected = sorted(e for o in missing for e in people.get(o, ()))
    assert sorted(m["To"] for m in near) == expected
    assert not {m["To"] for m in near} & people["AAB"]  # AAB has answered
    mail = next(m for m in near if m["To"] in people["LEJERBO"])
    assert mail["Subject"] == "Påmindelse om høringssvar: Fælles principper for boligsocial anvisning · Vejle Kommune"
    assert mail.get_content_type() == "multipart/alternative"  # text and HTML, as every mail
    body = mail.get_body(("plain",)).get_content()
    assert body.startswith("Vejle Kommune · ")  # the municipality and the body it is about
    assert f"/vejle/forslag/{p['id']}" in body  # straight to the proposal's page
    assert "Fristen for Lejerbos høringssvar" in body and "(VEJ-6)" in body
    # An absolute address of the answer page, never a relative API path.
    assert f"http://127.0.0.1:5000/vejle/forslag/{p['id']}/hoeringssvar" in body and "/api/v1" not in body

    # Repeating the tick sends nothing twice.
    tick(deadline - timedelta(days=1))
    assert len(_hearing_mails(smtp_server, "deadline_near")) == len(expected)

    # Lejerbo answers; after the deadline the others get one overdue reminder each.
    assert _answer(vejle, p["id"], "LEJERBO").status_code == 201
    tick(deadline + timedelta(hours=1))
    tick(deadline + timedelta(hours=2))
    overdue = _hearing_mails(smtp_server, "overdue")
    assert sorted(m["To"] for m in overdue) == sorted(
        e for o in missing if o != "LEJERBO" for e in people.get(o, ()))
    assert all(m["Subject"].startswith("Høringsfristen er overskredet") for m in overdue)


def test_reminder_rows_are_marked_as_handed_to_the_outbox_VEJ_6(vejle, in_tenant, smtp_server, tick):
    from core.notifications.models import Notification
    from core.proposals.models import HearingReminder

    _start_and_open_hearing(vejle)
    with in_tenant("vejle"):
        deadline = db.session.scalar(sa.select(Hearing)).deadline_at
    tick(deadline - timedelta(days=2))
    with in_tenant("vejle"):
        reminders = db.session.scalars(sa.select(HearingReminder)).all()
        assert len(reminders) == len(ASKED) and all(r.delivered_at is not None for r in reminders)
        rows = db.session.scalars(sa.select(Notification).where(
            Notification.kind == "hearing_deadline_near")).all()
        # Worded when delivered: the outbox holds no text (and so never a personal link).
        assert rows and all(r.sent_at is not None and not r.text for r in rows)
