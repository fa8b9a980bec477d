"""In a real browser, with axe-core and the sideways-scroll check at 390×844 and 1366×900 on
every page visited: the secretariat goes from the body's page to its seats, opens the chair's
seat, is refused a new holder without a date (the error summary names the field, nothing is
kept), then gives the seat a new holder from a date; the seat's and the body's pages show
who held it from when to when. And it creates a body from a template of its kind and adds
its first seat. Screenshots: test-artifacts/seats-*.png."""

from __future__ import annotations

import pytest

from tests.fixtures.testby import SECRETARY, SUBSTITUTE

pytestmark = pytest.mark.xdist_group("browser")


def test_the_secretariat_gives_the_chairs_seat_a_new_holder_from_a_date(testby, passwords, visitor):
    passwords(SECRETARY)
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto("/testby/organer/bestyrelse")
    page.get_by_role("link", name="Ret pladserne: tilføj, skift indehaver, nedlæg").click()
    page.wait_for_url("**/testby/organer/bestyrelse/pladser")
    sec.axe()
    sec.shoot("seats-list")
    page.get_by_role("link", name="Formand (Boligselskabet A)").click()
    page.wait_for_url("**/testby/organer/bestyrelse/pladser/formand")
    sec.axe()
    form = page.locator("form", has=page.get_by_role("button", name="Skift indehaver"))
    form.get_by_label("Indehaver").select_option(SUBSTITUTE)
    form.get_by_role("button", name="Skift indehaver").click()  # no date: refused
    summary = page.locator("#fejl")
    assert summary.count() == 1 and "Fra og med" in summary.inner_text()
    assert page.get_by_label("Indehaver").first.input_value() == SUBSTITUTE  # what was chosen
    sec.axe()
    sec.shoot("seat-refused")
    form = page.locator("form", has=page.get_by_role("button", name="Skift indehaver"))
    form.get_by_label("Fra og med").fill("2031-04-01")
    form.get_by_role("button", name="Skift indehaver").click()
    page.wait_for_url("**/testby/organer/bestyrelse/pladser/formand")
    sec.axe()
    assert page.get_by_text("Pladsens indehaver er ændret.").count() == 1
    history = page.locator("table", has=page.get_by_role("columnheader", name="Indehaver"))
    rows = history.locator("tbody tr")
    assert rows.count() == 2
    assert "Formand Testby" in rows.nth(0).inner_text() and "31.03.2031" in rows.nth(0).inner_text()
    assert "Sofie Suppleant" in rows.nth(1).inner_text() and "01.04.2031" in rows.nth(1).inner_text()
    sec.shoot("seat-changed")
    page = sec.goto("/testby/organer/bestyrelse#historik")
    history = page.locator("#historik + table")
    assert "Sofie Suppleant" in history.inner_text() and "01.04.2031" in history.inner_text()
    sec.shoot("seats-body-history")


def test_the_secretariat_creates_a_body_from_a_template_and_adds_its_first_seat(testby, passwords, visitor):
    passwords(SECRETARY)
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto("/testby/sekretariat")
    sec.shoot("seats-secretariat")
    form = page.locator("form", has=page.get_by_role("button", name="Opret organet"))
    form.get_by_label("Navn").fill("Bestyrelsen Nord")
    form.get_by_label("Nøgle").fill("bestyrelse-nord")
    form.get_by_label("Slags").select_option("board")
    form.get_by_label("Skabelon").select_option("bestyrelse")
    form.get_by_label("Dagsorden dage før mødet").fill("7")
    form.get_by_role("button", name="Opret organet").click()
    page.wait_for_url("**/testby/organer/bestyrelse-nord/pladser")
    sec.axe()
    assert page.get_by_text("Organet er oprettet. Tilføj dets pladser.").count() == 1
    form = page.locator("form", has=page.get_by_role("button", name="Tilføj pladsen"))
    form.get_by_label("Titel").fill("Formand (Boligselskabet A)")
    form.get_by_label("Nøgle").fill("formand")
    form.get_by_label("Organisation").select_option("TST-A")
    form.get_by_label("Rolle").select_option("chair")
    form.get_by_label("Indehaver").select_option(SUBSTITUTE)
    form.get_by_role("button", name="Tilføj pladsen").click()
    page.wait_for_url("**/testby/organer/bestyrelse-nord/pladser/formand")
    sec.axe()
    assert page.get_by_text("Pladsen er tilføjet.").count() == 1
    page = sec.goto("/testby/organer/bestyrelse-nord")
    assert "Sofie Suppleant" in page.locator("table").first.inner_text()
    assert "senest 7 dage før mødet" in page.inner_text("main")
    sec.shoot("seats-new-body")
