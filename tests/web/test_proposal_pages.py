"""Proposals on the pages: the route as a timeline, the hearing with its deadline and
answers, and answering the hearing for one's organisation without JavaScript (Testby's
follow-group proposal heard in Boligselskabet A and B, TST-7)."""

from __future__ import annotations

import pytest

from tests.fixtures.dates import at
from tests.fixtures.hearings import open_testby_hearing
from tests.fixtures.testby import CHAIR
from tests.web.refused import error_text, field_message

PAGE = "/testby/forslag"


@pytest.fixture
def in_hearing(testby, member, clock):
    clock.set(at(2018, 1, 5, 10))
    return open_testby_hearing(member)


def test_proposal_timeline_and_hearing_answered_from_the_page_TST_7(in_hearing, member, submit):
    page = f"{PAGE}/{in_hearing}"
    html = member(CHAIR).get(page).get_data(as_text=True)  # the chair acts for TST-A
    assert '<ol class="step-indicator timeline">' in html and "her er forslaget nu" in html
    assert "Svarfrist" in html and "Høringssvar fra" in html
    html = submit(member(CHAIR), page, f"{page}/hoeringssvar", organisation="TST-A", kind="comments",
                  text="Vi ønsker en overgangsperiode.").get_data(as_text=True)
    assert "Høringssvaret er afgivet." in html and "Vi ønsker en overgangsperiode." in html
    # answered once: the form for TST-A is gone, and a second answer is refused with a reason
    assert 'name="organisation" value="TST-A"' not in html
    again = submit(member(CHAIR), page, f"{page}/hoeringssvar", organisation="TST-A",
                   kind="no_comments").get_data(as_text=True)
    assert "allerede svaret" in error_text(again)


def test_a_refused_hearing_answer_keeps_the_typed_comments_TST_7(in_hearing, member, submit):
    page = f"{PAGE}/{in_hearing}"
    resp = submit(member(CHAIR), page, f"{page}/hoeringssvar", organisation="TST-A",
                  text="Vi ønsker en overgangsperiode.")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_message(html, f"answer-hearing-{in_hearing}-TST-A-kind") == "Høringssvar: vælg et svar."
    assert ">Vi ønsker en overgangsperiode.</textarea>" in html
    # nothing was answered: the form for TST-A is still offered on the page
    assert 'name="organisation" value="TST-A"' in member(CHAIR).get(page).get_data(as_text=True)


def test_hearing_answer_for_another_organisation_is_refused(in_hearing, member, submit):
    page = f"{PAGE}/{in_hearing}"
    # TST-B is asked too, but the chair does not act for it
    assert 'name="organisation" value="TST-B"' not in member(CHAIR).get(page).get_data(as_text=True)
    resp = submit(member(CHAIR), page, f"{page}/hoeringssvar", follow=False, organisation="TST-B",
                  kind="no_comments")
    assert resp.status_code == 403
