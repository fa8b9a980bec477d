"""In a real browser, with axe-core and the sideways-scroll check at 390×844 and 1366×900 on
every page visited: a member declares herself disqualified (inhabil) on the board's closed
item from the meeting page and reads it by its public title only, the chair records another member on the open item, and the
member withdraws her own (CORE-DISQUALIFIED). Screenshots: test-artifacts/disqualification-*.png."""

from __future__ import annotations

from tests.annotations.conftest import T, board  # noqa: F401  (a fixture)
from tests.fixtures.testby import ANNA, CHAIR


def _open(section, summary: str) -> None:
    if section.locator("details").first.get_attribute("open") is None:
        section.locator("summary", has_text=summary).click()


def test_a_member_declares_the_chair_records_and_the_member_withdraws(board, passwords, visitor):  # noqa: F811
    passwords(ANNA, CHAIR)
    anna = visitor()
    anna.login(ANNA)
    page = anna.goto(f"/{T}/moeder/{board.meeting}")
    section = page.locator(f"#punkt-{board.closed} .disqualification")
    _open(section, "Erklær inhabilitet på punkt")
    section.get_by_label("Begrundelse for inhabilitet").fill("Er i familie med den ansatte")
    section.get_by_role("button", name="Registrér inhabilitet").click()
    page.wait_for_url(f"**/{T}/moeder/{board.meeting}#punkt-{board.closed}")
    anna.axe()
    assert page.get_by_text("Inhabiliteten er registreret.").count() == 1
    section = page.locator(f"#punkt-{board.closed} .disqualification")
    assert section.get_by_text("Anna Andersen er inhabil og deltager ikke i behandlingen").count() == 1
    # the closed item's material is no longer hers: its public title only
    closed = page.locator(f"#punkt-{board.closed}")
    assert closed.get_by_text("Du er inhabil på punktet og læser ikke dets materiale.").count() == 1
    assert closed.get_by_text("Sagen om Hansen").count() == 0
    anna.shoot("disqualification-member")

    chair = visitor()
    chair.login(CHAIR)
    page = chair.goto(f"/{T}/moeder/{board.meeting}")
    section = page.locator(f"#punkt-{board.item} .disqualification")
    _open(section, "Erklær inhabilitet på punkt")
    section.get_by_label("Hvem er inhabil").select_option(label="Bent Berg")
    section.get_by_label("Begrundelse for inhabilitet").fill("Ejer nabogrunden")
    section.get_by_role("button", name="Registrér inhabilitet").click()
    page.wait_for_url(f"**/{T}/moeder/{board.meeting}#punkt-{board.item}")
    chair.axe()
    assert page.locator(f"#punkt-{board.item}").get_by_text("Bent Berg er inhabil").count() == 1
    chair.shoot("disqualification-chair")

    page = anna.goto(f"/{T}/moeder/{board.meeting}")
    section = page.locator(f"#punkt-{board.closed} .disqualification")
    section.get_by_role("button", name="Træk inhabiliteten tilbage").click()
    page.wait_for_url(f"**/{T}/moeder/{board.meeting}#punkt-{board.closed}")
    anna.axe()
    assert page.get_by_text("Inhabiliteten er trukket tilbage.").count() == 1
    assert page.locator(f"#punkt-{board.closed}").get_by_text("Anna Andersen er inhabil").count() == 0
    assert page.locator(f"#punkt-{board.closed} h3").get_by_text("Sagen om Hansen").count() == 1
    # Bent's, recorded by the chair, Anna may not withdraw
    assert page.locator(f"#punkt-{board.item} .disqualification").get_by_role(
        "button", name="Træk inhabiliteten tilbage").count() == 0
