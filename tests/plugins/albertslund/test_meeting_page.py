"""Albertslund's rules on the meeting page: closed items (ALB-B11), one vote per
organisation in the live vote and the show of hands (ALB-B2, ALB-B4), minutes approved by
e-mail (ALB-B9) — through plain forms, as a browser without JavaScript uses them."""

from __future__ import annotations

import re
import pytest

from core.extensions import db
from core.meetings.models import Meeting, MeetingState
from tests.web.conftest import submit  # noqa: F401
from tests.web.refused import error_text

T = "albertslund"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST's meeting leader (ALB-B6)
SECRETARY = "sanne.skov@abc.example"  # secretary of Bestyrelsen and tenant administrator
VA, AB, AKB = "vibeke.vestergaard@va.example", "bent.albrechtsen@ab.example", "kamma.berthelsen@akb.example"
MAYOR = "steffen.borg@albertslund.example"
OUTSIDER = "dagmar.dalsgaard@albertslund.example"  # no seat in Bestyrelsen


@pytest.fixture
def board(sync_tenant):
    sync_tenant(T)


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


def test_agenda_shows_kinds_and_closed_items_only_to_members_ALB_B11(board, create_meeting, create_item, member):
    meeting = create_meeting(T, "bestyrelse")
    create_item(T, meeting, title="Budget 2021", kind="B")
    create_item(T, meeting, title="Orientering om byggeriet", kind="O")
    create_item(T, meeting, title="Fyring af inspektøren", kind="D", confidential=True)
    html = member(VA).get(page(meeting)).get_data(as_text=True)
    assert "Budget 2021" in html and "Orientering om byggeriet" in html
    assert 'class="badge kind kind-B" title="Beslutning">B<' in html and 'title="Orientering">O<' in html
    assert "Fyring af inspektøren" in html and 'aria-label="Lukket punkt"' in html  # padlock
    # the padlock is the design system's lock icon, named for screen readers (no emoji)
    assert '<use href="/static/dkfds/img/all-svg-icons.svg#lock">' in html and "\U0001f512" not in html
    # the secretariat's information recipient of the body sees a padlock, not the content
    public = member(None).get(f"/{T}/offentlig/moeder/{meeting}").get_data(as_text=True)
    assert "Lukket punkt" in public and "Fyring" not in public and "Budget 2021" in public


def test_live_vote_cast_for_my_organisation_seen_by_the_others_ALB_B2_ALB_B4(
        board, decision_item, meeting_of, member, submit):
    item = decision_item(T, "bestyrelse", title="Budget for 2021", )
    meeting = meeting_of(T, item)
    fragment = f"/{T}/punkter/{item}/afstemning"
    html = submit(member(LEADER), page(meeting), fragment, text="Budgettet godkendes.").get_data(as_text=True)
    assert "Afstemningen er åbnet." in html
    motion = re.search(r'/afstemninger/(\d+)/til-afstemning', html).group(1)
    submit(member(LEADER), page(meeting), f"/{T}/afstemninger/{motion}/til-afstemning")
    # VA's member sees a form to vote for VA, and nobody has voted
    va_page = member(VA).get(page(meeting)).get_data(as_text=True)
    assert "Din stemme for VA" in va_page and "ingen endnu" in va_page
    html = submit(member(VA), page(meeting), f"/{T}/afstemninger/{motion}/stem", choice="yes",
                  unit="org:VA").get_data(as_text=True)
    assert "Din stemme er afgivet." in html and "Du har stemt for VA: Ja" in html
    # another organisation's member sees VA's vote in the fragment the page polls
    seen = member(AB).get(fragment).get_data(as_text=True)
    assert "Har stemt (1)" in seen and "VA (Ja)" in seen and "Din stemme for AB" in seen
    # a second vote for VA is refused with the rule's reason (one vote per unit, ALB-B2)
    again = submit(member(VA), page(meeting), f"/{T}/afstemninger/{motion}/stem", choice="no",
                   unit="org:VA").get_data(as_text=True)
    assert "Din stemme for VA" not in again
    for who, choice in ((AB, "yes"), (MAYOR, "yes"), (AKB, "no")):
        submit(member(who), page(meeting), f"/{T}/afstemninger/{motion}/stem", choice=choice)
    html = submit(member(LEADER), page(meeting), f"/{T}/afstemninger/{motion}/luk").get_data(as_text=True)
    assert "Resultat: Vedtaget" in html
    assert "Vedtaget: 3 af 4 organisationer stemte for (VA, AB, Albertslund Kommune)" in html


def test_the_leader_records_the_rooms_show_of_hands_on_the_page_ALB_B2(
        board, decision_item, meeting_of, member, submit):
    item = decision_item(T, "bestyrelse", title="Budget for 2021")
    meeting = meeting_of(T, item)
    fragment = f"/{T}/punkter/{item}/afstemning"
    html = submit(member(LEADER), page(meeting), fragment, text="Budgettet godkendes.").get_data(as_text=True)
    motion = re.search(r'/afstemninger/(\d+)/til-afstemning', html).group(1)
    submit(member(LEADER), page(meeting), f"/{T}/afstemninger/{motion}/til-afstemning")
    # AKB votes on its own device; the leader's form lists the others present
    submit(member(AKB), page(meeting), f"/{T}/afstemninger/{motion}/stem", choice="no")
    leader_page = member(LEADER).get(page(meeting)).get_data(as_text=True)
    assert "Registrér stemmerne fra mødet" in leader_page
    assert 'name="vote-org:VA"' in leader_page and 'name="vote-org:AKB"' not in leader_page
    assert "Registrér stemmerne fra mødet" not in member(VA).get(page(meeting)).get_data(as_text=True)
    record = f"/{T}/afstemninger/{motion}/registrer"
    # nothing chosen: a message, nothing recorded
    html = submit(member(LEADER), page(meeting), record).get_data(as_text=True)
    assert "Vælg ja, nej eller undlader for mindst én stemmeberettiget." in html
    # a refused batch (a unit not on the list) keeps the leader's choices on the page
    resp = submit(member(LEADER), page(meeting), record, **{"vote-org:VA": "yes", "vote-org:BO-VEST": "no"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "<li>Stemmeberettiget: org:BO-VEST er ikke stemmeberettiget i Bestyrelsen.</li>" in html
    assert re.search(r'name="vote-org:VA"[^>]*>\s*<option value="">—</option>\s*'
                     r'<option value="yes" selected>', html)
    # VA and AB by hand; the municipality's line left blank is not recorded
    html = submit(member(LEADER), page(meeting), record, **{
        "vote-org:VA": "yes", "vote-org:AB": "yes", "vote-org:ALB-KOM": ""}).get_data(as_text=True)
    assert "Stemmerne fra mødet er registreret." in html
    assert "VA (Ja, registreret på mødet)" in html and "AKB (Nej)" in html
    assert 'name="vote-org:VA"' not in html and 'name="vote-org:ALB-KOM"' in html
    # a miscount is corrected by the leader
    html = submit(member(LEADER), page(meeting), f"/{T}/afstemninger/{motion}/ret-stemme",
                  unit="org:AB", choice="abstain").get_data(as_text=True)
    assert "Stemmen er ændret." in html and "AB (Undlader, registreret på mødet)" in html
    # a unit that voted in the meantime stops the batch: the page says why, nothing kept,
    # and the leader's choices are still chosen
    submit(member(MAYOR), page(meeting), f"/{T}/afstemninger/{motion}/stem", choice="yes")
    resp = submit(member(LEADER), page(meeting), record, **{"vote-org:ALB-KOM": "no"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Albertslund Kommune har allerede stemt" in html and "(ALB-B2)" in html
    html = member(AB).get(fragment).get_data(as_text=True)
    assert "Har stemt (4)" in html and "Albertslund Kommune (Ja)" in html, html


def test_minutes_drafted_sent_and_approved_by_a_member_with_one_click_ALB_B9(
        board, create_meeting, create_item, attend, member, submit):
    meeting = create_meeting(T, "bestyrelse")
    item = create_item(T, meeting, title="Budget", kind="B")
    sec = member(SECRETARY)
    attend(T, meeting, "bo-vest-moedeleder")  # the meeting sat; its leader was there
    submit(sec, page(meeting), f"{page(meeting)}/afholdt")
    html = submit(sec, page(meeting), f"{page(meeting)}/punkter/{item}/referat",
                  decision="Budgettet blev godkendt.").get_data(as_text=True)
    assert "Referatet er gemt." in html and "Budgettet blev godkendt." in html
    html = submit(sec, page(meeting), f"{page(meeting)}/send-referat").get_data(as_text=True)
    assert "Referatet er udsendt." in html
    va = member(VA).get(page(meeting)).get_data(as_text=True)
    assert "Godkend referatet" in va
    html = submit(member(VA), page(meeting), f"{page(meeting)}/referat/godkend").get_data(as_text=True)
    assert "Du har godkendt referatet." in html and "Godkend referatet</button>" not in html
