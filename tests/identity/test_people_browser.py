"""In a real browser, with axe-core and the sideways-scroll check at 390×844 and 1366×900 on
every page visited: the secretariat invites a person (refused first without an organisation:
the error summary names the field, nothing is kept), finds the invited person's page,
corrects the name, ends the affiliation from a date (refused first without a date), and
reads the history, in Danish and in English. Screenshots: test-artifacts/people-*.png."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.identity.models import User
from core.tenancy import all_tenants
from tests.fixtures.testby import SECRETARY

pytestmark = pytest.mark.xdist_group("browser")

NEW = "nina.ny@testby.example"


def _count(email: str) -> int:
    with all_tenants():
        db.session.expire_all()
        return db.session.scalar(sa.select(sa.func.count(User.id)).filter_by(email=email))


def test_a_secretary_invites_edits_ends_an_affiliation_and_reads_the_history(testby, passwords, visitor):
    passwords(SECRETARY)
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto("/testby/sekretariat")
    page.get_by_role("link", name="Personer").click()
    page.wait_for_url("**/testby/personer")
    sec.axe()
    form = page.locator("form", has=page.get_by_role("button", name="Invitér"))
    form.get_by_label("E-mail").fill(NEW)
    form.get_by_label("Navn").fill("Nina Ny")
    form.get_by_role("button", name="Invitér").click()  # no organisation: refused
    summary = page.locator("#fejl")
    assert summary.count() == 1 and "Organisation" in summary.inner_text()
    assert page.get_by_label("E-mail").input_value() == NEW  # what was typed stays
    assert _count(NEW) == 0
    sec.axe()
    sec.shoot("people-invite-refused")
    form = page.locator("form", has=page.get_by_role("button", name="Invitér"))
    form.get_by_label("Organisation").select_option("TST-B")
    form.get_by_role("button", name="Invitér").click()
    page.wait_for_url("**/testby/personer/*")
    sec.axe()
    assert page.get_by_text("Personen er inviteret").count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == "Nina Ny"
    assert _count(NEW) == 1
    sec.shoot("people-person")
    # the name corrected
    form = page.locator("form", has=page.get_by_role("button", name="Gem navnet"))
    form.get_by_label("Navn").fill("Nina Nyborg")
    form.get_by_role("button", name="Gem navnet").click()
    page.wait_for_url("**/testby/personer/*")
    sec.axe()
    assert page.get_by_role("heading", level=1).inner_text() == "Nina Nyborg"
    # the affiliation ended: without a date refused, then from a date
    end = page.locator("form", has=page.get_by_role("button", name="Afslut tilknytningen"))
    end.get_by_role("button", name="Afslut tilknytningen").click()
    assert "Afsluttes fra" in page.locator("#fejl").inner_text()
    sec.axe()
    end = page.locator("form", has=page.get_by_role("button", name="Afslut tilknytningen"))
    end.get_by_label("Afsluttes fra").fill("2031-06-01")
    end.get_by_role("button", name="Afslut tilknytningen").click()
    page.wait_for_url("**/testby/personer/*")
    sec.axe()
    row = page.locator("#tilknytninger + table tbody tr").first
    assert "Boligselskabet B" in row.inner_text() and "01.06.2031" in row.inner_text()
    sec.shoot("people-affiliation-ended")
    # the history
    page.get_by_role("link", name="Se historikken").click()
    page.wait_for_url("**/testby/sekretariat/historik")
    sec.axe()
    rows = page.locator("table tbody tr")
    assert "Tilknytning afsluttet" in rows.nth(0).inner_text() and "01.06.2031" in rows.nth(0).inner_text()
    assert "Navn rettet" in rows.nth(1).inner_text() and "Nina Nyborg" in rows.nth(1).inner_text()
    assert "Person inviteret" in rows.nth(2).inner_text() and "Sekretær Testby" in rows.nth(2).inner_text()
    sec.shoot("people-history")
    # in English
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/testby/sekretariat/historik")
    sec.axe()
    assert page.get_by_role("heading", level=1).inner_text() == "History"
    assert "Affiliation ended" in page.locator("table tbody tr").nth(0).inner_text()
    sec.shoot("people-history-en")
