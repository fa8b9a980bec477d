"""The meeting page: agenda (B/D/O), attachments, attendance, publishing and cancelling —
each through plain forms, as a browser without JavaScript uses them. Albertslund's rules on
the page (closed items, the live vote, approval) are tested with its plugin
(tests/plugins/albertslund/test_meeting_page.py)."""

from __future__ import annotations

import re

import pytest

from core.extensions import db
from core.meetings.models import Meeting, MeetingState
from tests.fixtures.testby import BENT as MEMBER
from tests.fixtures.testby import GROUP_MEMBER as OUTSIDER  # no seat on the board
from tests.fixtures.testby import SECRETARY
from tests.web.refused import error_text

T = "testby"


@pytest.fixture
def board(testby):
    return testby


@pytest.fixture
def state(in_tenant):
    def _state(meeting_id):
        with in_tenant(T):
            return db.session.get(Meeting, meeting_id).state

    return _state


def page(meeting_id: int) -> str:
    return f"/{T}/moeder/{meeting_id}"


def _token(client, url):
    from tests.web.conftest import csrf_token

    return csrf_token(client, url)


def test_meeting_page_is_404_for_a_member_of_another_body_and_401_page_for_the_anonymous(
        board, create_meeting, member):
    meeting = create_meeting(T, "bestyrelse")
    resp = member(OUTSIDER).get(page(meeting))
    assert resp.status_code == 404
    assert resp.mimetype == "text/html" and "Siden findes ikke" in resp.get_data(as_text=True)
    resp = member(None).get(page(meeting))
    assert resp.status_code == 401 and "Du skal logge ind" in resp.get_data(as_text=True)
    # the API keeps its JSON envelope
    api = member(None).get(f"/api/v1/tenants/{T}/meetings/{meeting}")
    assert api.status_code == 401 and api.get_json()["code"] == 401


def test_secretary_prepares_and_publishes_an_agenda_without_javascript(
        board, create_meeting, member, submit, state):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    sec = member(SECRETARY)
    html = submit(sec, page(meeting), f"{page(meeting)}/punkter", kind="B", title="Nyt legehus",
                  case_text="Beboerne ønsker et legehus.", recommendation="Bestyrelsen godkender.").get_data(as_text=True)
    assert "Punktet er sat på dagsordenen." in html and "Nyt legehus" in html
    item_id = re.search(r'/punkter/(\d+)/bilag', html).group(1)
    resp = sec.post(f"{page(meeting)}/punkter/{item_id}/bilag", data={
        "csrf_token": _token(sec, page(meeting)),
        "file": (__import__("io").BytesIO(b"%PDF-1.4\n%test\n"), "tegning.pdf"),
    }, content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "tegning.pdf" in html, html[:2000]
    att = re.search(r'href="(/api/v1/tenants/testby/attachments/\d+)"', html).group(1)
    assert member(MEMBER).get(att).data.startswith(b"%PDF")
    html = submit(sec, page(meeting), f"{page(meeting)}/udsend-dagsorden").get_data(as_text=True)
    assert "Dagsordenen er udsendt." in html
    assert state(meeting) is MeetingState.AGENDA_PUBLISHED
    assert "Budget" not in member(None).get(f"/{T}/offentlig").get_data(as_text=True)
    assert "Nyt legehus" in member(None).get(f"/{T}/offentlig/moeder/{meeting}").get_data(as_text=True)


def test_a_refused_form_shows_the_rules_reason_on_the_page(board, create_meeting, member, submit):
    """A member asks for an item after the agenda went out: refused, and the page says why."""
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.AGENDA_PUBLISHED)
    html = submit(member(MEMBER), page(meeting), f"{page(meeting)}/punkter", kind="D",
                  title="For sent").get_data(as_text=True)
    assert error_text(html).startswith("Dagsordenen er udsendt; kontakt sekretariatet")
    assert 'name="title" value="For sent"' in html  # what was typed is kept
    assert "For sent" not in member(MEMBER).get(page(meeting)).get_data(as_text=True)  # nothing added


def test_form_without_csrf_token_is_refused(board, create_meeting, member, state):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    resp = member(SECRETARY).post(f"{page(meeting)}/udsend-dagsorden")
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert state(meeting) is MeetingState.PLANNED


def test_ical_link_gives_the_meeting(board, create_meeting, member):
    meeting = create_meeting(T, "bestyrelse")
    html = member(MEMBER).get(page(meeting)).get_data(as_text=True)
    assert f"/{T}/moeder/{meeting}/kalender.ics" in html
    resp = member(MEMBER).get(f"/{T}/moeder/{meeting}/kalender.ics")
    assert resp.mimetype == "text/calendar" and b"BEGIN:VEVENT" in resp.data


def test_attendance_member_sends_apologies(board, create_meeting, member, submit):
    meeting = create_meeting(T, "bestyrelse")
    html = submit(member(MEMBER), page(meeting), f"{page(meeting)}/fremmoede", seat="b",
                  status="apologies").get_data(as_text=True)
    assert "Fremmødet er registreret." in html and "Afbud" in html


def test_secretary_cancels_a_meeting_with_a_reason(board, create_meeting, member, submit, state):
    meeting = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    html = submit(member(SECRETARY), page(meeting), f"{page(meeting)}/aflys",
                  reason="Mødelokalet er oversvømmet.").get_data(as_text=True)
    assert "Mødet er aflyst." in html and state(meeting) is MeetingState.CANCELLED
