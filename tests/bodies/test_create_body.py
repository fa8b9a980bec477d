"""The secretariat creates a body from a template of its kind, over the API and from the
secretariat's page (core/bodies/creating.py): the template lends its kommissorium
parameters, what is given takes their place, and the body is checked as a tenant file's
body is — a problem is a 422 naming its field, nothing written; audited; the secretariat
only, another tenant's secretariat 404."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.bodies.models import Body
from core.extensions import db
from tests.fixtures.dates import at
from tests.fixtures.testby import CHAIR, NABO_SECRETARY, SECRETARY
from tests.web.conftest import csrf_token

T = "/api/v1/tenants/testby"
NEW = {"key": "bestyrelse-nord", "name": "Bestyrelsen Nord", "kind": "board", "template": "bestyrelse"}


@pytest.fixture
def sec(testby, clock, member):
    clock.set(at(2018, 1, 15, 9))
    return member(SECRETARY)


def _bodies(in_tenant) -> list[str]:
    with in_tenant("testby"):
        return list(db.session.scalars(sa.select(Body.key).order_by(Body.id)))


def test_a_body_takes_its_templates_kommissorium(sec, in_tenant):
    resp = sec.post(f"{T}/bodies", json=NEW)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["key"], body["kind"], body["competence"], body["seats"]) == (
        "bestyrelse-nord", "board", "decides", [])
    k = body["kommissorium"]
    assert k["meetings_per_year"] == 4 and k["notice"] == {"days": 5, "clause": "TST-5"}
    assert k["approval_mode"] == "email" and k["approval_due"]["days"] == 28
    assert body["clauses"] == ["TST-1", "TST-2", "TST-3", "TST-4", "TST-5", "TST-6"]
    with in_tenant("testby"):
        (entry,) = [e.payload for e in db.session.scalars(
            sa.select(AuditEntry).filter_by(action="body.created")) if e.payload.get("by")]
    assert entry["template"] == "bestyrelse" and entry["key"] == "bestyrelse-nord"
    assert entry["notice_days"] == 5 and entry["by"].startswith("user:")
    # its page and its seats page exist; the same body again is refused (its key is taken)
    assert sec.get("/testby/organer/bestyrelse-nord").status_code == 200
    before = _bodies(in_tenant)
    again = sec.post(f"{T}/bodies", json=NEW)
    assert again.status_code == 422 and "key" in again.get_json()["errors"]["json"]
    assert _bodies(in_tenant) == before


def test_what_the_secretariat_sets_takes_the_templates_place(sec):
    resp = sec.post(f"{T}/bodies", json={**NEW, "notice_days": 7, "approval_mode": "next_meeting",
                                         "approval_due_days": None, "meetings_per_year": 6})
    assert resp.status_code == 201, resp.get_json()
    k = resp.get_json()["kommissorium"]
    assert k["notice"]["days"] == 7 and k["meetings_per_year"] == 6
    assert k["approval_mode"] == "next_meeting"


@pytest.mark.parametrize("change, field", [
    ({"template": "findes-ikke"}, "template"),
    ({"kind": "theme_group"}, "template"),  # the board is another kind of body
    ({"notice_days": 400}, "notice_days"),
    ({"approval_mode": "none"}, "approval_due_days"),  # the template's 28 days need e-mail approval
    ({"approval_mode": "tacit", "template": None}, "approval_due_days"),
    ({"sources": {"colour": "TST-9"}}, "sources"),
    ({"kind": "castle"}, "kind"),
    ({"key": "Bestyrelse Nord"}, "key"),
    ({"key": "bestyrelse"}, "key"),
    ({"parent": "findes-ikke"}, "parent"),
])
def test_a_body_the_tenant_file_would_refuse_is_refused_naming_the_field(sec, in_tenant, change, field):
    before = _bodies(in_tenant)
    resp = sec.post(f"{T}/bodies", json={**NEW, **change})
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]["json"], resp.get_json()
    assert _bodies(in_tenant) == before


def test_only_the_secretariat_creates_bodies(sec, member, naboby, app, in_tenant):
    before = _bodies(in_tenant)
    assert app.test_client().post(f"{T}/bodies", json=NEW).status_code == 401
    assert member(CHAIR).post(f"{T}/bodies", json=NEW).status_code == 403
    assert member(NABO_SECRETARY).post(f"{T}/bodies", json=NEW).status_code == 404
    assert _bodies(in_tenant) == before
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/tenants/{tenant}/bodies"]


def test_the_secretariats_page_creates_a_body_or_says_what_is_wrong(sec, in_tenant):
    page = sec.get("/testby/sekretariat").get_data(as_text=True)
    assert 'action="/testby/sekretariat/organer"' in page and "Opret organet" in page
    refused = sec.post("/testby/sekretariat/organer", data={
        "csrf_token": csrf_token(sec, "/testby/sekretariat"), "name": "Bestyrelsen Nord", "key": "bestyrelse-nord", "kind": "board",
        "template": "bestyrelse", "notice_days": "400"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="fejl"' in html and "Dagsorden dage før mødet" in html
    assert 'value="bestyrelse-nord"' in html  # what was typed is kept
    assert "bestyrelse-nord" not in _bodies(in_tenant)
    made = sec.post("/testby/sekretariat/organer", data={
        "csrf_token": csrf_token(sec, "/testby/sekretariat"), "name": "Bestyrelsen Nord", "key": "bestyrelse-nord", "kind": "board",
        "template": "bestyrelse", "notice_days": "7"})
    assert made.status_code == 302
    assert made.headers["Location"].endswith("/testby/organer/bestyrelse-nord/pladser")
    assert "bestyrelse-nord" in _bodies(in_tenant)
