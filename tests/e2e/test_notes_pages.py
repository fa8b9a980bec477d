"""In a real browser, with axe-core and the sideways-scroll check at 390×844 and 1366×900 on
every page visited: a member goes from the meeting to an attachment, writes a note on its
second page and a comment on the item; another member reads the comment (never the note)
and replies; the first reads the reply. Screenshots: test-artifacts/notes-*.png."""

from __future__ import annotations

from tests.annotations.conftest import T, board  # noqa: F401  (a fixture)
from tests.fixtures.testby import ANNA, BENT

NOTE = "Side 2: prisen på faldunderlaget mangler"
COMMENT = "Er prisen på faldunderlaget med moms?"
REPLY = "Ja, tilbuddet er med moms."


def _open(section, summary: str) -> None:
    details = section.locator("details", has=section.page.get_by_text(summary, exact=False))
    if details.first.get_attribute("open") is None:
        section.locator("summary", has_text=summary).click()


def test_a_member_notes_an_attachment_page_comments_and_another_replies(board, passwords, visitor):  # noqa: F811
    passwords(BENT, ANNA)
    bent = visitor()
    bent.login(BENT)
    page = bent.goto(f"/{T}/moeder/{board.meeting}")
    page.locator(f"#punkt-{board.item}").get_by_role("link", name="tilbud.pdf").click()
    page.wait_for_url(f"**/{T}/bilag/{board.attachment}")
    bent.axe()
    page.get_by_role("link", name="Skriv en note eller en kommentar til bilaget").click()
    page.wait_for_url(f"**/{T}/moeder/{board.meeting}?bilag={board.attachment}#noter-{board.item}")
    bent.axe()
    section = page.locator(f"#noter-{board.item}")
    assert section.get_by_label("Bilag").first.input_value() == str(board.attachment)  # chosen
    section.get_by_label("Ny note").fill(NOTE)
    section.get_by_label("Side").first.fill("2")
    section.get_by_role("button", name="Gem noten").click()
    page.wait_for_url(f"**/{T}/moeder/{board.meeting}#noter-{board.item}")
    bent.axe()
    assert page.get_by_text("Noten er gemt. Kun du kan se den.").count() == 1
    section = page.locator(f"#noter-{board.item}")
    assert section.locator(".annotation-note").get_by_text(NOTE).count() == 1
    assert "tilbud.pdf, side 2" in section.locator(".annotation-note .annotation-where").inner_text()
    _open(section, "Kommentarer")
    section.get_by_label("Ny kommentar").fill(COMMENT)
    section.get_by_role("button", name="Send kommentaren").click()
    page.wait_for_url(f"**/{T}/moeder/{board.meeting}#noter-{board.item}")
    bent.axe()

    anna = visitor()
    anna.login(ANNA)
    page = anna.goto(f"/{T}/moeder/{board.meeting}")
    section = page.locator(f"#noter-{board.item}")
    assert section.get_by_text(COMMENT).count() == 1 and page.get_by_text(NOTE).count() == 0
    section.get_by_label("Svar").fill(REPLY)
    section.get_by_role("button", name="Send svar").click()
    page.wait_for_url(f"**/{T}/moeder/{board.meeting}#noter-{board.item}")
    anna.axe()
    replies = page.locator(f"#noter-{board.item} .annotation-replies")
    assert replies.get_by_text(REPLY).count() == 1 and replies.get_by_text("Anna Andersen").count() == 1

    page = bent.goto(f"/{T}/moeder/{board.meeting}")
    section = page.locator(f"#noter-{board.item}")
    assert section.get_by_text(REPLY).count() == 1 and section.get_by_text(NOTE).count() == 1
    section.scroll_into_view_if_needed()
    bent.shoot("notes-meeting")
