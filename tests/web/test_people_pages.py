"""The secretariat's people pages and the history page without a browser (the forms as a
browser without JavaScript posts them): an invitation refused by its field with nothing
kept and what was typed shown again, an invitation, a name edited, an affiliation ended
from a date, the history page in Danish and English, paginated; another tenant's
secretariat and a member are refused."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.extensions import db
from core.identity.models import User
from core.tenancy import all_tenants
from tests.fixtures.dates import at
from tests.fixtures.testby import BENT, NABO_SECRETARY, OUTSIDER, SECRETARY

T = "testby"


@pytest.fixture
def sec(testby, naboby, clock, member):
    clock.set(at(2018, 1, 15, 9))
    return member(SECRETARY)


def _users() -> int:
    with all_tenants():
        return db.session.scalar(sa.select(sa.func.count(User.id)))


def _id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).filter_by(email=email))


def test_an_invitation_refused_keeps_nothing_then_one_is_made(sec, submit):
    users = _users()
    refused = submit(sec, f"/{T}/personer", f"/{T}/personer", email="nina@testby.example", name="",
                     organisation="TST-B", language="da")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="fejl"' in html and "Navn: Skriv personens navn." in html
    assert 'value="nina@testby.example"' in html  # what was typed stays in the form
    assert _users() == users
    done = submit(sec, f"/{T}/personer", f"/{T}/personer", email="nina@testby.example",
                  name="Nina Ny", organisation="TST-B", language="da")
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Personen er inviteret" in html
    assert "<h1>Nina Ny</h1>" in html and "Boligselskabet B (TST-B)" in html
    assert _users() == users + 1
    listed = sec.get(f"/{T}/personer").get_data(as_text=True)
    assert f'href="/{T}/personer/{_id("nina@testby.example")}"' in listed


def test_a_name_edited_and_an_affiliation_ended_show_in_the_history(sec, submit, member):
    from flask_babel import refresh

    bent = _id(BENT)
    page = f"/{T}/personer/{bent}"
    renamed = submit(sec, page, f"{page}/navn", name="Bent Berg-Hansen")
    assert renamed.status_code == 200 and "<h1>Bent Berg-Hansen</h1>" in renamed.get_data(as_text=True)
    outsider = _id(OUTSIDER)
    submit(sec, f"/{T}/personer", f"/{T}/personer", email=OUTSIDER, organisation="TST-B", language="da")
    opage = f"/{T}/personer/{outsider}"
    aff = re.search(rf"/{T}/personer/{outsider}/tilknytninger/(\d+)/afslut",
                    sec.get(opage).get_data(as_text=True)).group(1)
    bad = submit(sec, opage, f"{opage}/tilknytninger/{aff}/afslut", ended_on="")
    assert bad.status_code == 422 and "Afsluttes fra: skal udfyldes." in bad.get_data(as_text=True)
    ended = submit(sec, opage, f"{opage}/tilknytninger/{aff}/afslut", ended_on="2018-03-01")
    assert ended.status_code == 200 and "01.03.2018" in ended.get_data(as_text=True)
    history = sec.get(f"/{T}/sekretariat/historik").get_data(as_text=True)
    assert "Tilknytning afsluttet" in history and "Navn rettet" in history
    assert "Navn: → Bent Berg-Hansen" in history and "Sekretær Testby" in history
    assert "Fra: – → 01.03.2018" in history
    # English
    submit(sec, f"/{T}/sekretariat/historik", "/sprog", follow=False, lang="en",
           next=f"/{T}/sekretariat/historik")
    refresh()
    english = sec.get(f"/{T}/sekretariat/historik").get_data(as_text=True)
    assert '<html lang="en">' in english and "Affiliation ended" in english and "Name corrected" in english
    assert "Invite a person" in sec.get(f"/{T}/personer").get_data(as_text=True)


def test_the_history_page_is_paginated(sec, in_tenant):
    from core.audit import operations as audit

    with in_tenant(T):
        for n in range(30):
            audit.record("person.renamed", f"user:{_id(BENT)}", {"by": f"user:{_id(SECRETARY)}",
                                                                  "name": {"from": str(n), "to": str(n + 1)}},
                         actor_id=_id(SECRETARY))
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
            sa.or_(*(AuditEntry.action.startswith(p) for p in ("person.", "seat.", "body.", "organisation.",
                                                                "party.", "admin.", "tenant.")))))
    pages = -(-total // 25)
    first = sec.get(f"/{T}/sekretariat/historik").get_data(as_text=True)
    assert f"Side 1 af {pages}" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert first.count('<tr id="post-') == 25
    last = sec.get(f"/{T}/sekretariat/historik?side={pages}").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert last.count('<tr id="post-') == total - 25 * (pages - 1)
    for bad in ("0", "x", "-2"):
        resp = sec.get(f"/{T}/sekretariat/historik?side={bad}")
        assert resp.status_code == 422 and "side" in resp.get_data(as_text=True)


def test_only_this_tenants_secretariat(sec, member):
    for path in (f"/{T}/personer/{_id(BENT)}", f"/{T}/sekretariat/historik"):
        assert member(BENT).get(path).status_code == 403
        assert member(NABO_SECRETARY).get(path).status_code == 404
    # a person of another tenant only is nobody here
    assert sec.get(f"/{T}/personer/{_id(NABO_SECRETARY)}").status_code == 404
