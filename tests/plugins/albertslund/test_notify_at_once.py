"""``NOTIFY_AT_ONCE`` (on in ``kommissorium demo``): the mails a write causes go out with
it, not at the next ``kommissorium tick`` — publishing an agenda reaches the members' mail
boxes (here: the real SMTP server the tests start) before the answer comes back."""

from datetime import datetime, timezone

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"


def test_the_app_notifies_at_once_only_when_asked(app, database_url):
    from core import create_app
    from core.notifications.operations import notify_at_once
    from core.testing import _dispose

    on = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "NOTIFY_AT_ONCE": True},
                    check_schema=False)
    off = create_app({"SQLALCHEMY_DATABASE_URI": database_url}, check_schema=False)
    assert notify_at_once in on.after_request_funcs.get(None, [])
    assert notify_at_once not in off.after_request_funcs.get(None, [])
    _dispose(on)
    _dispose(off)


def test_publishing_an_agenda_mails_it_at_once(app, monkeypatch, sync_tenant, clock, make_meeting,
                                                api, smtp_server):
    from core.notifications.operations import notify_at_once

    monkeypatch.setitem(app.config, "REDIS_URL", "")
    monkeypatch.setitem(app.after_request_funcs, None,
                        [*app.after_request_funcs.get(None, []), notify_at_once])
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", datetime(2018, 3, 1, 15, tzinfo=UTC))
    clock.set(datetime(2018, 2, 20, 9, tzinfo=UTC))
    assert smtp_server.messages == []
    assert api(SANNE, "albertslund").post(f"meetings/{meeting}/publish-agenda").status_code == 200
    agenda = [m for m in smtp_server.messages if m["Subject"].startswith("Dagsorden: Bestyrelsen")]
    assert len(agenda) == 11, [m["To"] for m in smtp_server.messages]  # every member (ALB-B1)
    # A refused write sends nothing more.
    before = len(smtp_server.messages)
    assert api(SANNE, "albertslund").post(f"meetings/{meeting}/publish-agenda").status_code == 409
    assert len(smtp_server.messages) == before
