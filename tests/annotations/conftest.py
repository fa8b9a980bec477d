"""The notes-and-comments tests: Testby's board's meeting with an open item carrying a
two-page PDF and a closed item, and TST-B receiving the board's material (an information
recipient)."""

from __future__ import annotations

import io
from dataclasses import dataclass
import pytest

from tests.documents.conftest import two_page_pdf
from tests.fixtures.dates import at
from tests.fixtures.testby import SECRETARY
from tests.meetings.test_cache_invalidation import receives_the_board

T = "testby"
BOARD = "bestyrelse"


@dataclass
class Board:
    meeting: int
    item: int
    closed: int
    attachment: int

    def url(self, what: str, item: int | None = None) -> str:
        return f"meetings/{self.meeting}/items/{item or self.item}/{what}"


def upload(client, path: str, data: bytes, name: str = "tilbud.pdf"):
    return client.post(path, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.fixture
def board(testby, naboby, make_meeting, api, in_tenant, clock) -> Board:
    clock.set(at(2021, 2, 1, 9))
    receives_the_board(in_tenant)
    meeting = make_meeting(T, BOARD, at(2021, 3, 1, 13))
    sec = api(SECRETARY, T)
    item = sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Ny legeplads", "recommendation": "Godkendes."}).get_json()
    closed = sec.post(f"meetings/{meeting}/items", json={
        "kind": "B", "title": "Sagen om Hansen", "is_confidential": True,
        "confidentiality_reason": "personnel"}).get_json()
    att = upload(sec, f"meetings/{meeting}/items/{item['id']}/attachments", two_page_pdf())
    assert att.status_code == 201, att.get_json()
    return Board(meeting, item["id"], closed["id"], att.get_json()["id"])
