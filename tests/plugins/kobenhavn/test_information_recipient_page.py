"""An information recipient in the browser (KBH-2): Domea receives Samarbejdsforum's
material without a seat. Its person's overview lists the published agenda "til orientering"
with København's clause, and the meeting page says why they may read it. Checked at a
phone's and a desktop's size with axe and the overflow check (tests/fixtures/browser.py)."""

from datetime import timedelta

import pytest

from core.meetings.models import MeetingState
from core.models import utcnow

pytestmark = pytest.mark.xdist_group("browser")

DOMEA = "dorit.mejer@domea.example"  # Domea receives Samarbejdsforum's material (KBH-2)


def test_the_overview_and_the_meeting_page_say_til_orientering_with_the_clause_KBH_2(
        sync_tenant, create_meeting, passwords, visitor):
    sync_tenant("kobenhavn")
    meeting = create_meeting("kobenhavn", "samarbejdsforum", starts_at=utcnow() + timedelta(days=7),
                             state=MeetingState.AGENDA_PUBLISHED)
    passwords(DOMEA)
    reader = visitor()
    reader.login(DOMEA)
    overview = reader.page.inner_text("main")
    assert "Til orientering: dagsordenen for" in overview and "KBH-2" in overview

    reader.page.get_by_role("link", name="Til orientering: dagsordenen for").first.click()
    reader.page.wait_for_url(f"{reader.base}/kobenhavn/moeder/{meeting}#dagsorden")
    reader.axe()
    note = reader.page.inner_text("#til-orientering")
    assert note.startswith("Til orientering") and "(KBH-2)" in note
    reader.shoot("kobenhavn-til-orientering")
