"""The proposal page's history in the reader's language: each event worded from its kind
and data (core/proposals/history.py), Danish by default and English when chosen."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from core.proposals.history import WORDINGS
from tests.proposals.story import PROPOSER, V, drive_story


@pytest.fixture
def story(testby, member, in_tenant, clock):
    return drive_story(member, in_tenant, clock)


def _history(page: str) -> list[str]:
    section = page.split(">Historik<")[-1] if ">Historik<" in page else page.split(">History<")[-1]
    items = re.findall(r"<li>(.*?)</li>", section.split("</ul>")[0], flags=re.S)
    return [htmllib.unescape(re.sub(r"\s+", " ", i)).strip() for i in items]


def test_english_page_shows_the_history_in_english_TST_7_TST_8(story, member, submit):
    reader = member(PROPOSER)
    page = f"/testby/forslag/{story}"
    events = reader.get(f"{V}/{story}").get_json()["history"]
    assert {e["kind"] for e in events} == set(WORDINGS)

    danish = _history(reader.get(page).get_data(as_text=True))
    assert len(danish) == len(events)
    assert any("Forslaget er rejst i Følgegruppen." in line for line in danish)
    assert any("Forslaget er sendt til Bestyrelsen (beslutter)." in line for line in danish)

    submit(reader, page, "/sprog", follow=False, lang="en", next=page)
    from flask_babel import refresh

    refresh()  # the tests' app context spans requests; a new request would choose afresh
    html = reader.get(page).get_data(as_text=True)
    assert '<html lang="en">' in html
    english = _history(html)
    assert len(english) == len(events)
    for line, event in zip(english, events, strict=True):
        assert event["text_en"] in line, (event["kind"], line)
        assert event["message"] not in line, f"{event['kind']} still in Danish: {line}"
    assert any("Boligselskabet B answered after the deadline: no comments." in line for line in english)
    assert any("The proposal was adopted by Bestyrelsen." in line for line in english)
    # The clause stays beside the line.
    assert any(line.endswith("(TST-8)") and "Follow-up: " in line for line in english)
