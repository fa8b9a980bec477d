"""The secretariat changes a body's name, kommissorium parameters and rules (the building
blocks of ``[bodies.rules]``) over the API and from the body's form
(core/bodies/changing.py, core/bodies/rules_views.py): checked as a tenant file's body is —
422 naming the field with the clause, nothing written; audited from what to what; the same
change again changes nothing; in force at once; the secretariat only, another tenant 404."""

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
BOARD = f"{T}/bodies/bestyrelse"
RULES = {
    "quorum": {"clause": "TST-Q", "share": "majority", "required": ["municipality"]},
    "written_procedure": {"clause": "TST-W", "roles": ["secretariat"]},
}


@pytest.fixture
def sec(testby, clock, member):
    clock.set(at(2018, 1, 15, 9))
    return member(SECRETARY)


def _board(in_tenant) -> Body:
    with in_tenant("testby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        return {"rules": dict(body.rules), "notice_days": body.notice_days, "name": body.name}


def _changes(in_tenant) -> list[dict]:
    with in_tenant("testby"):
        return [e.payload for e in db.session.scalars(
            sa.select(AuditEntry).filter_by(action="body.changed").order_by(AuditEntry.id))]


def test_parameters_and_rules_are_changed_and_audited_once(sec, in_tenant):
    resp = sec.patch(BOARD, json={"notice_days": 9, "rules": RULES})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["rules"] == RULES and body["kommissorium"]["notice"]["days"] == 9
    [entry] = _changes(in_tenant)
    assert entry["key"] == "bestyrelse" and entry["by"].startswith("user:")
    assert entry["changes"]["notice_days"] == {"from": 5, "to": 9}
    assert entry["changes"]["rules"] == {"from": {}, "to": RULES}
    again = sec.patch(BOARD, json={"notice_days": 9, "rules": RULES})
    assert again.status_code == 200 and len(_changes(in_tenant)) == 1  # nothing changed
    # null: not set, as a tenant file leaves a parameter out
    assert sec.patch(BOARD, json={"notice_days": None}).get_json()["kommissorium"]["notice"] is None


def test_a_rule_set_in_the_browser_is_in_force_at_once_and_on_the_kommissorium_page(sec, member):
    assert member(CHAIR).post(f"{T}/bodies/bestyrelse/written-procedures", json={
        "title": "Sommerfest", "text": "Tilskud", "deadline_at": "2018-02-01T12:00:00+00:00",
    }).status_code == 201  # the core's default: the chair may
    assert sec.patch(BOARD, json={"rules": RULES}).status_code == 200
    refused = member(CHAIR).post(f"{T}/bodies/bestyrelse/written-procedures", json={
        "title": "Juletræ", "text": "Tilskud", "deadline_at": "2018-02-01T12:00:00+00:00"})
    assert refused.status_code == 403
    assert refused.get_json()["clause"] == "TST-W"
    assert refused.get_json()["message"] == "Kun sekretariatet kan sende et forslag til skriftlig behandling."
    rules = {r["clause"]: r for r in member(None).get(f"{BOARD}/kommissorium").get_json()["rules"]}
    assert rules["TST-Q"]["source"] == "tenants/testby.toml"
    assert rules["TST-Q"]["text"].endswith("og TST-KOM er til stede.")


@pytest.mark.parametrize("rules, field, words", [
    ({"quorum": {"clause": "TST-Q", "share": "most"}}, "rules.quorum.share", "(TST-Q)"),
    ({"quorum": {"clause": "TST-Q", "required": ["NOPE"]}}, "rules.quorum.required", "NOPE"),
    ({"majority": {"share": "simple"}}, "rules.majority.clause", "punkt i kommissoriet"),
    ({"lottery": {"clause": "TST-L"}}, "rules.lottery", "ukendt byggesten"),
])
def test_a_wrong_rule_is_a_422_naming_its_field_and_nothing_is_written(sec, in_tenant, rules, field, words):
    before = _board(in_tenant)
    resp = sec.patch(BOARD, json={"notice_days": 12, "rules": rules})
    assert resp.status_code == 422, resp.get_json()
    errors = resp.get_json()["errors"]["json"]
    assert list(errors) == [field] and words in errors[field][0]
    assert _board(in_tenant) == before and _changes(in_tenant) == []


def test_a_wrong_parameter_is_a_422_naming_it(sec, in_tenant):
    resp = sec.patch(BOARD, json={"approval_mode": "next_meeting", "approval_due_days": 5})
    assert resp.status_code == 422 and "approval_due_days" in resp.get_json()["errors"]["json"]
    assert sec.patch(BOARD, json={"meetings_per_year": "many"}).status_code == 422
    assert sec.patch(BOARD, json={"submission_deadline_days": 2.5}).status_code == 422  # not truncated
    assert sec.patch(BOARD, json={"key": "new-key"}).status_code == 422  # the key does not change
    assert _changes(in_tenant) == []


def test_only_the_tenants_secretariat(sec, member, naboby, in_tenant):
    assert member(CHAIR).patch(BOARD, json={"notice_days": 1}).status_code == 403
    assert member(None).patch(BOARD, json={"notice_days": 1}).status_code == 401
    assert member(NABO_SECRETARY).patch(BOARD, json={"notice_days": 1}).status_code == 404
    assert sec.patch(f"{T}/bodies/nowhere", json={"notice_days": 1}).status_code == 404
    assert member(CHAIR).get("/testby/organer/bestyrelse/rediger").status_code == 403
    assert _changes(in_tenant) == []


def _form(**fields) -> dict:
    base = {"name": "Bestyrelsen", "competence": "decides", "meetings_per_year": "4",
            "notice_days": "5", "minutes_due_days": "14", "approval_mode": "email",
            "approval_due_days": "28"}
    return {**base, **fields}


def test_the_form_sets_rules_and_keeps_what_it_does_not_show(sec, in_tenant):
    weights = {"clause": "TST-V", "per": "organisation", "weights": {"TST-A": 2}}
    assert sec.patch(BOARD, json={"rules": {"vote_units": weights}}).status_code == 200
    page = sec.get("/testby/organer/bestyrelse/rediger")
    assert page.status_code == 200 and 'name="rules.quorum.share"' in page.get_data(as_text=True)
    resp = sec.post("/testby/organer/bestyrelse/rediger", data=_form(**{
        "csrf_token": csrf_token(sec, "/testby/organer/bestyrelse/rediger"), "notice_days": "0",
        "rules.vote_units.clause": "TST-V", "rules.vote_units.per": "organisation",
        "rules.quorum.clause": "TST-Q", "rules.quorum.share": "majority", "rules.quorum.municipality": "1",
        "rules.written_procedure.clause": "TST-W", "rules.written_procedure.roles": ["chair", "secretariat"],
    }))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/testby/organer/bestyrelse")
    assert _board(in_tenant)["notice_days"] == 0  # no days' notice is not "no deadline"
    rules = _board(in_tenant)["rules"]
    assert rules["vote_units"] == weights  # the weights the form does not show are kept
    assert rules["quorum"] == {"clause": "TST-Q", "share": "majority", "required": ["municipality"]}
    assert rules["written_procedure"] == {"clause": "TST-W", "roles": ["chair", "secretariat"]}
    # a rule whose clause is emptied is no longer used
    sec.post("/testby/organer/bestyrelse/rediger", data=_form(**{
        "csrf_token": csrf_token(sec, "/testby/organer/bestyrelse/rediger"),
        "rules.vote_units.clause": "TST-V", "rules.vote_units.per": "organisation"}))
    assert list(_board(in_tenant)["rules"]) == ["vote_units"]


def test_a_refused_form_names_the_field_and_keeps_nothing(sec, in_tenant):
    before = _board(in_tenant)
    resp = sec.post("/testby/organer/bestyrelse/rediger", data=_form(**{
        "csrf_token": csrf_token(sec, "/testby/organer/bestyrelse/rediger"), "notice_days": "3",
        "rules.quorum.clause": "TST-Q", "rules.quorum.count": "0"}))
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "Beslutningsdygtighed: Eller mindst et antal til stede: skal være et helt tal fra 1 til 1000 (TST-Q)" in text
    assert 'value="0"' in text  # what was typed is shown again
    assert _board(in_tenant) == before
