"""The meeting page's "Åbn mødet" (CORE-SESSION): the secretary opens the meeting with a
form that works without JavaScript; on the wrong day the refusal cites its clause and
nothing changes; on the day the page says the meeting sits and offers to record it held."""

from datetime import datetime, timezone

import pytest

from core.extensions import db
from core.meetings.models import Meeting
from tests.web.conftest import submit  # noqa: F401

UTC = timezone.utc
SANNE = "sanne.skov@abc.example"


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def board(sync_tenant, clock, make_meeting, api):
    sync_tenant("albertslund")
    meeting = make_meeting("albertslund", "bestyrelse", at(2018, 3, 1, 15))
    clock.set(at(2018, 2, 20, 9))
    assert api(SANNE, "albertslund").post(f"meetings/{meeting}/publish-agenda").status_code == 200
    return meeting


def _state(in_tenant, meeting):
    with in_tenant("albertslund"):
        db.session.expire_all()
        return db.session.get(Meeting, meeting).state.value


def test_the_secretarys_meeting_page_opens_the_meeting_CORE_SESSION(board, clock, member, submit, in_tenant):
    page = f"/albertslund/moeder/{board}"
    action = f"{page}/aabn"
    sec = member(SANNE)
    html = sec.get(page).get_data(as_text=True)
    assert "Åbn mødet" in html and action in html
    assert "Registrér mødet som afholdt" not in html

    refused = submit(sec, page, action).get_data(as_text=True)
    assert "CORE-SESSION" in refused and "01.03.2018" in refused
    assert _state(in_tenant, board) == "agenda_published"

    clock.set(at(2018, 3, 1, 14, 55))
    done = submit(sec, page, action)
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "Mødet er åbnet." in html and "Mødet er i gang" in html
    assert "Registrér mødet som afholdt" in html and f'action="{action}"' not in html
    assert _state(in_tenant, board) == "in_session"


def test_a_member_has_no_open_button_and_cannot_open_CORE_SESSION(board, clock, member, in_tenant):
    va = member("vibeke.vestergaard@va.example")
    assert "/aabn" not in va.get(f"/albertslund/moeder/{board}").get_data(as_text=True)
