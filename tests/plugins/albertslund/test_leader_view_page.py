"""The meeting leader's view in the browser (issue #16; core/decisions/session_views.py):
Albertslund's board is quorate only when all four voting organisations are represented
(ALB-B3, one vote per organisation ALB-B2). The leader sees what is missing with the
clause, sees it turn quorate as the last organisation arrives, and the votes come in,
without reloading; without JavaScript the page reads the same and "Opdatér" reloads it.
Checked at 320, 390 and 1366 px with axe and the overflow check (tests/fixtures/browser.py)."""

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.meetings.models import AgendaItem

pytestmark = pytest.mark.xdist_group("browser")

T = "/api/v1/tenants/albertslund"
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST's meeting leader (ALB-B6), no vote
VA = "vibeke.vestergaard@va.example"


def test_the_leader_sees_quorum_with_its_clause_and_the_votes_live_ALB_B3_ALB_B2(
        sync_tenant, decision_item, attend, member, in_tenant, passwords, visitor, app, monkeypatch):
    monkeypatch.setitem(app.config, "MEETING_CACHE", "on")
    sync_tenant("albertslund")
    # AKB is not there yet: VA, AB and the municipality are
    item = decision_item("albertslund", "bestyrelse", title="Budget for 2021",
                         present=["va-formand", "ab-formand", "borgmester", "bo-vest-moedeleder"])
    with in_tenant("albertslund"):
        meeting = db.session.scalar(sa.select(AgendaItem.meeting_id).filter_by(id=item))

    passwords(LEADER)
    leader = visitor()
    leader.login(LEADER)
    page = leader.goto(f"/albertslund/moeder/{meeting}")
    page.get_by_role("link", name="Mødeledelse: fremmøde mod beslutningsdygtighed").click()
    leader.axe()
    status = page.locator("#session-status")
    text = status.inner_text()
    assert "Ikke beslutningsdygtig" in text and "AKB var ikke repræsenteret" in text
    assert "(ALB-B3)" in text and "3 af 4 stemmeberettigede er repræsenteret" in text
    leader.shoot("leader-view-not-quorate")

    attend("albertslund", meeting, "akb-formand")  # AKB arrives
    status.get_by_text("Beslutningsdygtig: alle 4 stemmeberettigede organisationer").wait_for(
        timeout=10_000)
    assert "4 af 4 stemmeberettigede er repræsenteret" in status.inner_text()

    motion = member(LEADER).post(f"{T}/items/{item}/motion", json={"text": "Budgettet godkendes."})
    assert motion.status_code == 201, motion.get_json()
    motion = motion.get_json()
    assert member(LEADER).post(f"{T}/motions/{motion['id']}/voting").status_code == 200
    assert member(VA).post(f"{T}/motions/{motion['id']}/votes", json={"choice": "yes"}).status_code == 201
    status.get_by_text("1 af 4 repræsenterede har stemt.").wait_for(timeout=10_000)
    text = status.inner_text()
    assert "Budgettet godkendes." in text and "Ja: 1" in text
    leader.axe()
    leader.shoot("leader-view-voting")

    # Without JavaScript: the same view, and a link that reads it anew
    plain = visitor(javascript=False)
    plain.context.add_cookies(leader.context.cookies())
    page = plain.goto(f"/albertslund/moeder/{meeting}/moedeledelse")
    assert "1 af 4 repræsenterede har stemt." in page.inner_text("main")
    page.get_by_role("link", name="Opdatér").click()
    assert "Beslutningsdygtig" in page.inner_text("main")
