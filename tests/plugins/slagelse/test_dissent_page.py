"""A dissent in the browser (SLA-6): Slagelse's board records a member's dissent on request,
and the meeting page shows it as the minutes will: the member's name and organisation with
the clause, never the member's e-mail address. Checked at a phone's and a desktop's size
with axe and the overflow check (tests/fixtures/browser.py)."""

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.meetings.models import AgendaItem

pytestmark = pytest.mark.xdist_group("browser")

T = "/api/v1/tenants/slagelse"
CHAIR = "frede.fogh@fob.example"
BK = "klaus.korsholm@boligkorsoer.example"  # Boligselskabet BK's member
TEXT = "BoligKorsør tager forbehold for økonomien."


def test_the_meeting_page_shows_a_dissent_by_name_and_organisation_with_its_clause_SLA_6(
        sync_tenant, decision_item, member, in_tenant, passwords, visitor):
    sync_tenant("slagelse")
    item = decision_item("slagelse", "bestyrelse", title="Ændring af delaftale om fritidsjob")
    motion = member(CHAIR).post(f"{T}/items/{item}/motion", json={"text": "Godkendt."}).get_json()
    assert member(CHAIR).post(f"{T}/motions/{motion['id']}/close").status_code == 200
    resp = member(BK).post(f"{T}/motions/{motion['id']}/dissents", json={"text": TEXT})
    assert resp.status_code == 201 and resp.get_json()["clause"] == "SLA-6"
    with in_tenant("slagelse"):
        meeting = db.session.scalar(sa.select(AgendaItem.meeting_id).filter_by(id=item))

    passwords(CHAIR)
    chair = visitor()
    chair.login(CHAIR)
    page = chair.goto(f"/slagelse/moeder/{meeting}")
    text = page.inner_text("main")
    assert TEXT in text
    assert "Klaus Demo Korsholm" in text and "(SLA-6)" in text
    assert BK not in page.content()  # the address is the member's own, not the minutes'
    chair.shoot("slagelse-dissent")
