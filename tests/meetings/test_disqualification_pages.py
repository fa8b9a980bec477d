"""Disqualification on the meeting page (CORE-DISQUALIFIED): a member declares it under the
item, the chair records it for a member and withdraws it; a refused form comes back with the
field named and nothing written; Danish and English."""

from __future__ import annotations

import re

import sqlalchemy as sa

from core.extensions import db
from core.meetings.models import Disqualification

ANNA, BENT, CHAIR = "anna@testby.example", "bent@testby.example", "formand@testby.example"


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _post(client, url, page_url, data):
    from flask import g

    g.pop("csrf_token", None)  # the tests' app context spans requests (tests/web/conftest.py)
    page = client.get(page_url).get_data(as_text=True)
    g.pop("csrf_token", None)
    return client.post(url, data={"csrf_token": _csrf(page), **data})


def _item(sync_tenant, decision_item, meeting_of):
    sync_tenant("testby")
    item = decision_item("testby", "bestyrelse", title="Køb af Bygning 7")
    return item, meeting_of("testby", item)


def _rows(in_tenant):
    with in_tenant("testby"):
        return db.session.scalars(sa.select(Disqualification).order_by(Disqualification.id)).all()


def test_a_member_declares_it_on_the_meeting_page(sync_tenant, decision_item, meeting_of, member, in_tenant):
    item, meeting = _item(sync_tenant, decision_item, meeting_of)
    page_url = f"/testby/moeder/{meeting}"
    page = member(ANNA).get(page_url).get_data(as_text=True)
    assert "Erklær inhabilitet på punkt 1" in page and 'name="person"' not in page  # only oneself
    resp = _post(member(ANNA), f"/testby/moeder/{meeting}/punkter/{item}/inhabilitet", page_url,
                 {"reason": "Er i familie med sælger"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#punkt-{item}")
    page = member(BENT).get(page_url).get_data(as_text=True)
    assert "Anna Andersen er inhabil og deltager ikke i behandlingen af punktet" in page
    assert "Træk inhabiliteten tilbage" not in page  # Bent neither declared it nor leads
    [row] = _rows(in_tenant)
    assert row.reason == "Er i familie med sælger"


def test_a_refused_form_names_the_field_and_writes_nothing(sync_tenant, decision_item, meeting_of,
                                                           member, in_tenant):
    item, meeting = _item(sync_tenant, decision_item, meeting_of)
    page_url = f"/testby/moeder/{meeting}"
    resp = _post(member(ANNA), f"/testby/moeder/{meeting}/punkter/{item}/inhabilitet", page_url,
                 {"reason": ""})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Begrundelse for inhabilitet" in page and "<details class=\"details\" open" in page
    resp = _post(member(CHAIR), f"/testby/moeder/{meeting}/punkter/{item}/inhabilitet", page_url,
                 {"reason": "Part i sagen", "person": "udenfor@testby.example"})
    assert resp.status_code == 422 and "har ikke en plads" in resp.get_data(as_text=True)
    assert not _rows(in_tenant)


def test_the_chair_records_and_withdraws_it_in_english_too(sync_tenant, decision_item, meeting_of,
                                                           member, in_tenant):
    item, meeting = _item(sync_tenant, decision_item, meeting_of)
    page_url = f"/testby/moeder/{meeting}"
    chair = member(CHAIR)
    page = chair.get(page_url).get_data(as_text=True)
    assert 'name="person"' in page and "Anna Andersen" in page
    assert ANNA not in page  # the form names members by id: an address is the member's own
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import User

    anna = db.session.scalar(sa.select(User.id).filter_by(email=ANNA))
    assert f'<option value="{anna}"' in page
    resp = _post(chair, f"/testby/moeder/{meeting}/punkter/{item}/inhabilitet", page_url,
                 {"reason": "Ansat hos ansøger", "person": str(anna)})
    assert resp.status_code == 302
    [row] = _rows(in_tenant)
    assert row.person.email == ANNA and row.declared_by.email == CHAIR
    _post(chair, "/sprog", page_url, {"lang": "en", "next": page_url})
    from flask_babel import refresh

    refresh()  # the tests' app context spans requests; a new request would choose afresh
    en = chair.get(page_url).get_data(as_text=True)
    assert "Anna Andersen is disqualified and takes no part in the item" in en
    assert "Withdraw the disqualification" in en
    resp = _post(chair, f"/testby/moeder/{meeting}/punkter/{item}/inhabilitet/{row.id}/tilbagekald",
                 page_url, {})
    assert resp.status_code == 302
    assert _rows(in_tenant)[0].withdrawn_at is not None
    again = _post(chair, f"/testby/moeder/{meeting}/punkter/{item}/inhabilitet/{row.id}/tilbagekald",
                  page_url, {})
    assert again.status_code == 409
