"""In a real browser, with axe-core and the sideways-scroll check at 390×844 and 1366×900 on
every page visited: the secretariat opens the board's kommissorium form from its page, is
refused a quorum of zero (the error summary names the rule and field, nothing is kept),
then sets the quorum with the municipality required and a written procedure for the
secretariat only; the body's page describes both with their clauses. Screenshots:
test-artifacts/kommissorium-form-*.png."""

from __future__ import annotations

import pytest

from tests.fixtures.testby import SECRETARY

pytestmark = pytest.mark.xdist_group("browser")

CLAUSE = "Kommissoriets punkt (fx «§ 4» eller «B3»); tomt: reglen bruges ikke"


def test_the_secretariat_sets_the_boards_rules_in_the_browser(testby, passwords, visitor):
    passwords(SECRETARY)
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto("/testby/organer/bestyrelse")
    page.get_by_role("link", name="Ret kommissoriet: parametre og regler").click()
    page.wait_for_url("**/testby/organer/bestyrelse/rediger")
    sec.axe()
    sec.shoot("kommissorium-form")
    quorum = page.locator("#regel-quorum")
    quorum.get_by_label(CLAUSE).fill("TST-Q")
    quorum.get_by_label("Eller mindst et antal til stede").fill("0")
    page.get_by_role("button", name="Gem kommissoriet").click()
    summary = page.locator("#fejl")
    assert summary.count() == 1
    assert "Beslutningsdygtighed: Eller mindst et antal til stede" in summary.inner_text()
    assert "(TST-Q)" in summary.inner_text()
    assert page.locator("#regel-quorum").get_by_label(CLAUSE).input_value() == "TST-Q"  # kept as typed
    sec.axe()
    sec.shoot("kommissorium-form-refused")
    quorum = page.locator("#regel-quorum")
    quorum.get_by_label("Eller mindst et antal til stede").fill("")
    quorum.get_by_label("Eller en andel til stede").select_option("majority")
    quorum.get_by_label("Kommunen skal være til stede").check()
    written = page.locator("#regel-written_procedure")
    written.get_by_label(CLAUSE).fill("TST-W")
    written.get_by_label("sekretariatet").check()
    page.get_by_role("button", name="Gem kommissoriet").click()
    page.wait_for_url("**/testby/organer/bestyrelse")
    sec.axe()
    assert page.get_by_text("Kommissoriet er gemt.").count() == 1
    rules = page.locator("ul.rules").inner_text()
    assert ("TST-Q: Organet er beslutningsdygtigt, når mere end halvdelen af de stemmeberettigede er "
            "til stede, og TST-KOM er til stede.") in rules
    assert "TST-W: Sekretariatet kan sende forslag til skriftlig behandling mellem møderne." in rules
    sec.shoot("kommissorium-form-saved")
