"""In a real browser, with axe-core and the sideways-scroll check at 390×844 and 1366×900 on
every page visited: the secretariat opens the group's facts from its page, is refused a plan
without its grant (the test plugin's TST-F: the error summary names the field and clause,
what was typed is kept, nothing saved), then gives the plan its grant and a recipient of the
material; the form shows them as saved. Screenshots: test-artifacts/rule-facts-*.png."""

from __future__ import annotations

import pytest

from tests.fixtures.testby import SECRETARY

pytestmark = pytest.mark.xdist_group("browser")


def test_the_secretariat_changes_a_bodys_facts_in_the_browser(testby, passwords, visitor):
    passwords(SECRETARY)
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto("/testby/organer/gruppe")
    page.get_by_role("link", name="Ret fakta, reglerne læser").click()
    page.wait_for_url("**/testby/organer/gruppe/fakta")
    sec.axe()
    sec.shoot("rule-facts")
    assert page.get_by_label("Organet indstiller og rapporterer til").input_value() == "bestyrelse"
    page.get_by_label("Bydele").fill("Nord\nSyd")
    page.get_by_label("Helhedsplaner").fill("Plan Nord")
    page.get_by_role("button", name="Gem fakta").click()
    summary = page.locator("#fejl")
    assert summary.count() == 1
    assert "Bevillinger" in summary.inner_text() and "(TST-F)" in summary.inner_text()
    assert "(TST-F) (TST-F)" not in summary.inner_text()  # the clause once
    assert page.get_by_label("Helhedsplaner").input_value() == "Plan Nord"  # kept as typed
    sec.axe()
    sec.shoot("rule-facts-refused")
    page.get_by_label("Bevillinger").fill("Plan Nord: TST-A, TST-B")
    page.get_by_label("TST-B — Boligselskabet B").check()
    page.get_by_role("button", name="Gem fakta").click()
    page.wait_for_url("**/testby/organer/gruppe")
    assert page.get_by_text("Fakta er gemt.").count() == 1
    sec.axe()
    page = sec.goto("/testby/organer/gruppe/fakta")
    assert page.get_by_label("Bevillinger").input_value() == "Plan Nord: TST-A, TST-B"
    assert page.get_by_label("Bydele").input_value() == "Nord\nSyd"
    assert page.get_by_label("TST-B — Boligselskabet B").is_checked()
    sec.axe()
    sec.shoot("rule-facts-saved")
