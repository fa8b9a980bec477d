"""Proposals on the pages: the route as a timeline, the hearing with its deadline and
answers, and answering the hearing for one's organisation without JavaScript (VEJ-6)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.models import utcnow
from tests.web.refused import error_text, field_message

V = "/api/v1/tenants/vejle/proposals"
THEME_MEMBER = "tina.tvede@vejle.example"
THEME_SECRETARY = "susan.soerensen@bolivvejle.example"
AAB = "aase.albaek@aab.example"  # acts for AAB


@pytest.fixture
def in_hearing(sync_tenant, member):
    sync_tenant("vejle")
    resp = member(THEME_MEMBER).post(V, json={
        "body": "temagruppe-boligsocial", "title": "Fælles principper for anvisning",
        "text": "Udkast til principper.", "decision_sought": "BPU vedtager principperne.",
        "topics": ["principle"]})
    assert resp.status_code == 201, resp.get_json()
    pid = resp.get_json()["id"]
    resp = member(THEME_SECRETARY).post(f"{V}/{pid}/hearing", json={
        "deadline_at": (utcnow() + timedelta(days=21)).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    return pid


def test_proposal_timeline_and_hearing_answered_from_the_page_VEJ_6(in_hearing, member, submit):
    page = f"/vejle/forslag/{in_hearing}"
    html = member(AAB).get(page).get_data(as_text=True)
    assert '<ol class="step-indicator timeline">' in html and "her er forslaget nu" in html
    assert "Svarfrist" in html and "Høringssvar fra" in html
    html = submit(member(AAB), page, f"{page}/hoeringssvar", organisation="AAB", kind="comments",
                  text="Vi ønsker en overgangsperiode.").get_data(as_text=True)
    assert "Høringssvaret er afgivet." in html and "Vi ønsker en overgangsperiode." in html
    # answered once: the form for AAB is gone, and a second answer is refused with a reason
    assert 'name="organisation" value="AAB"' not in html
    again = submit(member(AAB), page, f"{page}/hoeringssvar", organisation="AAB",
                   kind="no_comments").get_data(as_text=True)
    assert "allerede svaret" in error_text(again)


def test_a_refused_hearing_answer_keeps_the_typed_comments_VEJ_6(in_hearing, member, submit):
    page = f"/vejle/forslag/{in_hearing}"
    resp = submit(member(AAB), page, f"{page}/hoeringssvar", organisation="AAB",
                  text="Vi ønsker en overgangsperiode.")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_message(html, f"answer-hearing-{in_hearing}-AAB-kind") == "Høringssvar: vælg et svar."
    assert ">Vi ønsker en overgangsperiode.</textarea>" in html
    # nothing was answered: the form for AAB is still offered on the page
    assert 'name="organisation" value="AAB"' in member(AAB).get(page).get_data(as_text=True)


def test_hearing_answer_for_another_organisation_is_refused(in_hearing, member, submit):
    page = f"/vejle/forslag/{in_hearing}"
    resp = submit(member(AAB), page, f"{page}/hoeringssvar", follow=False, organisation="DOMEA",
                  kind="no_comments")
    assert resp.status_code == 403
