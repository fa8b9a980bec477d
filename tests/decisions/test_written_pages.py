"""The written procedure's pages on Testby's board: the chair starts one from the body's
page of written procedures, a member answers on the procedure's page (the mail's link),
refusals come back as the page with the field named and nothing written, and the outcome
shows with its clause (CORE-WRITTEN-START, CORE-WRITTEN-DECIDED, TST-2)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from core.decisions.models import WrittenAnswer, WrittenProcedure
from core.extensions import db
from tests.fixtures.testby import ANNA, BENT, CHAIR, KAREN, OUTSIDER

UTC = timezone.utc
START = datetime(2018, 2, 1, 9, tzinfo=UTC)


@pytest.fixture
def board(testby, clock):
    clock.set(START)


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _post(client, url, page_url, data):
    from flask import g

    # The tests' app context spans requests: Flask-WTF keeps the token on ``g``; forget it,
    # as a new request would (tests/web/conftest.py).
    g.pop("csrf_token", None)
    page = client.get(page_url).get_data(as_text=True)
    g.pop("csrf_token", None)
    return client.post(url, data={"csrf_token": _csrf(page), **data})


def _start(member, who=CHAIR, **changes):
    c = member(who)
    data = {"title": "Tilskud til sommerfest", "text": "Bestyrelsen bevilger 5.000 kr.",
            "date": "2018-02-08", "time": "13:00", **changes}
    return _post(c, "/testby/organer/bestyrelse/skriftlig-behandling",
                 "/testby/organer/bestyrelse/skriftlig-behandling", data)


def _count(in_tenant, model):
    with in_tenant("testby"):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_chair_starts_one_and_members_answer_on_its_page_CORE_WRITTEN_DECIDED(board, member, in_tenant):
    listing = member(CHAIR).get("/testby/organer/bestyrelse/skriftlig-behandling")
    assert listing.status_code == 200 and "Send til skriftlig behandling" in listing.get_data(as_text=True)
    resp = _start(member)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    url = resp.headers["Location"]
    assert re.fullmatch(r"/testby/skriftlig-behandling/\d+", url)
    with in_tenant("testby"):
        [p] = db.session.scalars(sa.select(WrittenProcedure)).all()
        assert p.deadline_at == datetime(2018, 2, 8, 12, tzinfo=UTC)  # 13:00 in Copenhagen
    page = member(ANNA).get(url).get_data(as_text=True)
    assert "Du svarer for TST-A." in page and "Send dit svar" in page

    # An objection without a reason: the page again, the field named, nothing written.
    refused = _post(member(ANNA), f"{url}/svar", url, {"choice": "object", "unit": "org:TST-A"})
    assert refused.status_code == 422, refused.get_data(as_text=True)[-3000:]
    assert "Begrundelse" in refused.get_data(as_text=True) and "skal begrundes" in refused.get_data(as_text=True)
    assert _count(in_tenant, WrittenAnswer) == 0
    done = _post(member(ANNA), f"{url}/svar", url, {"choice": "agree", "unit": "org:TST-A"})
    assert done.status_code == 302 and done.headers["Location"].endswith("#svar")
    # TST-2: the chair's organisation has answered; the chair has nothing more to answer.
    chair_page = member(CHAIR).get(url).get_data(as_text=True)
    assert "Send dit svar" not in chair_page and "allerede svaret" in chair_page
    for who in (BENT, KAREN):
        assert _post(member(who), f"{url}/svar", url, {"choice": "agree"}).status_code == 302
    closed = member(BENT).get(url).get_data(as_text=True)
    assert "Besluttet ved skriftlig behandling" in closed and "(CORE-WRITTEN-DECIDED)" in closed
    listing = member(KAREN).get("/testby/organer/bestyrelse/skriftlig-behandling").get_data(as_text=True)
    assert "Tilskud til sommerfest" in listing and "Besluttet" in listing


def test_a_member_without_the_chair_sees_why_and_a_bad_deadline_is_named(board, member, in_tenant):
    page = member(BENT).get("/testby/organer/bestyrelse/skriftlig-behandling").get_data(as_text=True)
    assert "Send til skriftlig behandling" not in page and "(CORE-WRITTEN-START)" in page
    refused = _start(member, date="2018-13-40")
    assert refused.status_code == 422 and "Frist for svar" in refused.get_data(as_text=True)
    past = _start(member, date="2018-01-01")
    assert past.status_code == 422 and "mindst en time ude i fremtiden" in past.get_data(as_text=True)
    assert _count(in_tenant, WrittenProcedure) == 0
    assert member(OUTSIDER).get("/testby/organer/bestyrelse/skriftlig-behandling").status_code in (403, 404)


def test_the_pages_speak_english(board, member):
    url = _start(member).headers["Location"]
    c = member(ANNA)
    _post(c, "/sprog", url, {"lang": "en", "next": url})
    from flask_babel import refresh

    refresh()  # the tests' app context spans requests; a new request would choose afresh
    page = c.get(url).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Your answer" in page and "Agree" in page and "Object" in page


def test_what_waits_lists_the_answer_until_it_is_given(board, member):
    url = _start(member).headers["Location"]
    pid = int(url.rsplit("/", 1)[1])

    def waiting(who):
        return [p for t in member(who).get("/api/v1/me").get_json()["tenants"]
                for p in t.get("pending", []) if p["kind"] == "written_to_answer"]

    [item] = waiting(ANNA)
    assert item["title"] == "Svar for TST-A: Tilskud til sommerfest (Bestyrelsen, skriftlig behandling)"
    assert item["page_url"].endswith(f"/testby/skriftlig-behandling/{pid}") and item["due"] == "2018-02-08"
    assert member(CHAIR).post(f"/api/v1/tenants/testby/written-procedures/{pid}/answers",
                              json={"choice": "agree"}).status_code == 201
    assert waiting(ANNA) == [] and waiting(CHAIR) == []  # TST-2: the organisation has answered
    assert len(waiting(BENT)) == 1


def test_the_personal_data_export_carries_the_answer_waiting(board, member):
    url = _start(member).headers["Location"]
    resp = member(ANNA).get("/min-konto/persondata")
    assert resp.status_code == 200, resp.get_data(as_text=True)[-2000:]
    assert url.rsplit("/", 1)[1] in resp.get_data(as_text=True)
