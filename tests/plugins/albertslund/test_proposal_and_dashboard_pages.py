"""Albertslund's proposals and meetings from the pages: the dashboard links a published
agenda, a vote in progress (ALB-B2) and minutes to approve (ALB-B9) to the meeting page; a
steering group's proposal follows its route to the resource group (ALB-P1) or is refused
with its clause (ALB-S2)."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from core.extensions import db
from core.meetings.models import MeetingState
from core.models import utcnow
from core.proposals.models import Proposal
from tests.web.conftest import submit  # noqa: F401
from tests.web.refused import error_text, problems


def _flash_error(html: str) -> str:
    return error_text(html) if problems(html) else ""


def _pending_links(html: str) -> list[str]:
    waits = html.split("Venter på dig", 1)[1].split("Mine pladser", 1)[0]
    return re.findall(r'<li><a href="([^"]+)"', waits)


def _is_page(client, link: str) -> bool:
    resp = client.get(link.split("#", 1)[0])
    return resp.status_code == 200 and resp.mimetype == "text/html"


def test_dashboard_links_agendas_minutes_and_votes_to_the_meeting_page_ALB_B2_ALB_B9(
        sync_tenant, member, create_meeting, create_item, attend, in_tenant):
    from core.bodies.models import Body

    sync_tenant("albertslund")
    a = "/api/v1/tenants/albertslund"
    secretary, leader, va = "sanne.skov@abc.example", "lise.lindholm@bo-vest.example", "vibeke.vestergaard@va.example"
    soon = create_meeting("albertslund", "bestyrelse", starts_at=utcnow() + timedelta(days=6),
                          state=MeetingState.AGENDA_PUBLISHED)
    held = create_meeting("albertslund", "bestyrelse", starts_at=utcnow() - timedelta(days=3),
                          state=MeetingState.HELD)
    meeting = create_meeting("albertslund", "bestyrelse")
    with in_tenant("albertslund"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        seats = [s.key for s in body.seats if s.current_holder_id is not None]
    for key in seats:
        attend("albertslund", meeting, key)
    item = create_item("albertslund", meeting, title="Budget for 2021")
    motion = member(leader).post(f"{a}/items/{item}/motion", json={"text": "Budgettet godkendes."}).get_json()
    assert member(leader).post(f"{a}/motions/{motion['id']}/voting").status_code == 200

    links = _pending_links(member(va).get("/").get_data(as_text=True))
    assert f"/albertslund/moeder/{soon}#dagsorden" in links
    assert f"/albertslund/moeder/{meeting}#punkt-{item}" in links
    assert all(_is_page(member(va), link) for link in links)
    links = _pending_links(member(secretary).get("/").get_data(as_text=True))
    assert f"/albertslund/moeder/{held}#referat" in links
    assert all(_is_page(member(secretary), link) for link in links)


def test_start_in_a_steering_group_follows_its_route_or_is_refused_ALB_S2_ALB_P1(
        sync_tenant, member, submit, in_tenant):
    """A change to a sub-agreement goes to the resource group of its effort area (ALB-P1);
    without the effort area among the topics the route's rule refuses, with its clause."""
    sync_tenant("albertslund")
    hassan = member("hassan.hyldgaard@va.example")  # member of the Hyldespjældet steering group
    form = {"body": "styregruppe-hyldespjaeldet", "title": "Lektiecafé flyttes",
            "text": "Lektiecaféen flyttes til Hyldespjældet.", "decision_sought": "Delaftalen ændres."}
    html = submit(hassan, "/albertslund/forslag", "/albertslund/forslag", topics="sub_agreement",
                  **form).get_data(as_text=True)
    assert "indsatsområdet" in _flash_error(html) and _flash_error(html).endswith("(ALB-S2)")
    with in_tenant("albertslund"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == 0
    html = submit(hassan, "/albertslund/forslag", "/albertslund/forslag", topics="sub_agreement, FF",
                  **form).get_data(as_text=True)
    assert "Forslaget er rejst." in html and "(ALB-P1)" in html and "indstiller" in html
    with in_tenant("albertslund"):
        p = db.session.scalar(sa.select(Proposal))
        assert p.route_clause == "ALB-P1" and p.steps[0].body.key == "ressourcegruppe-ff"
