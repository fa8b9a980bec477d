"""The secretariat changes the facts a body's rules read (core/bodies/rule_facts.py) over the
API: districts, plans, grants, information recipients and the body it reports to. Checked
as the tenant file is (422 naming the field, nothing written), audited from what to what,
the same change again changes nothing; the secretariat only, another tenant's body 404.
The municipalities' rules reading these facts are tested in tests/plugins/kobenhavn/ and
tests/plugins/vejle/."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.bodies.models import Body
from core.extensions import db
from tests.fixtures.dates import at
from tests.fixtures.testby import CHAIR, NABO_SECRETARY, SECRETARY

T = "/api/v1/tenants/testby"
GROUP = f"{T}/bodies/gruppe/facts"


@pytest.fixture
def sec(testby, clock, member):
    clock.set(at(2018, 1, 15, 9))
    return member(SECRETARY)


def _group(in_tenant) -> dict:
    with in_tenant("testby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="gruppe"))
        return {"extra": dict(body.extra), "parent": body.parent.key if body.parent else None,
                "recipients": sorted(r.organisation.code for r in body.information_recipients)}


def _changes(in_tenant) -> list[dict]:
    with in_tenant("testby"):
        return [e.payload for e in db.session.scalars(
            sa.select(AuditEntry).filter_by(action="body.changed").order_by(AuditEntry.id))]


def test_facts_are_changed_audited_once_and_read_back(sec, in_tenant):
    assert sec.get(GROUP).get_json() == {
        "key": "gruppe", "districts": [], "plans": [], "grants": [],
        "information_recipients": [], "parent": "bestyrelse"}
    change = {"districts": ["Nord"], "plans": ["Plan Nord"],
              "grants": [{"plan": "Plan Nord", "organisations": ["TST-A"]}],
              "information_recipients": ["TST-B"], "parent": None}
    resp = sec.patch(GROUP, json=change)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"key": "gruppe", **change}
    assert _group(in_tenant) == {
        "extra": {"districts": ["Nord"], "plans": ["Plan Nord"],
                  "grants": [{"plan": "Plan Nord", "organisations": ["TST-A"]}]},
        "parent": None, "recipients": ["TST-B"]}
    [entry] = _changes(in_tenant)
    assert entry["key"] == "gruppe" and entry["by"].startswith("user:")
    assert entry["changes"]["parent"] == {"from": "bestyrelse", "to": None}
    assert entry["changes"]["information_recipients"] == {"from": [], "to": ["TST-B"]}
    assert sec.patch(GROUP, json=change).status_code == 200
    assert len(_changes(in_tenant)) == 1  # the same change again changes nothing


@pytest.mark.parametrize("change, field, words", [
    ({"information_recipients": ["NOPE"]}, "information_recipients", "ukendt organisation: NOPE"),
    ({"grants": [{"plan": "P", "organisations": ["NOPE"]}]}, "grants", "ukendt organisation: NOPE"),
    ({"parent": "gruppe"}, "parent", "under sig selv"),
    ({"parent": "ingen"}, "parent", "intet organ"),
    ({"districts": ["Nord", "Nord"]}, "districts", "mere end én gang"),
])
def test_a_refused_change_names_the_field_and_writes_nothing(sec, in_tenant, change, field, words):
    before = _group(in_tenant)
    resp = sec.patch(GROUP, json={"plans": ["Plan Syd"], **change})
    assert resp.status_code == 422
    [message] = resp.get_json()["errors"]["json"][field]
    assert words in message
    assert _group(in_tenant) == before and _changes(in_tenant) == []


def test_a_cycle_of_parents_is_refused(sec, in_tenant):
    resp = sec.patch(f"{T}/bodies/bestyrelse/facts", json={"parent": "gruppe"})
    assert resp.status_code == 422
    assert "i ring" in resp.get_json()["errors"]["json"]["parent"][0]


def test_a_plugins_limit_is_refused_with_its_clause(sec, in_tenant):
    # The test plugin (TST-F): a plan without a grant is refused, as a tenant file would be.
    resp = sec.patch(GROUP, json={"plans": ["Plan Nord"], "grants": []})
    assert resp.status_code == 422, resp.get_json()
    body = resp.get_json()
    assert (body["clause"], body["rule"]) == ("TST-F", "validate_body")
    assert body["errors"]["json"]["grants"] == ["Plan Nord mangler sin bevilling (TST-F)"]
    assert _group(in_tenant)["extra"] == {} and _changes(in_tenant) == []


def test_only_the_secretariat_and_only_its_own_tenant(sec, member, naboby):
    assert member(CHAIR).patch(GROUP, json={"districts": ["Nord"]}).status_code == 403
    assert member(CHAIR).get(GROUP).status_code == 403
    assert member(None).patch(GROUP, json={"districts": ["Nord"]}).status_code == 401
    assert member(NABO_SECRETARY).patch(GROUP, json={"districts": ["Nord"]}).status_code == 404
    assert member(NABO_SECRETARY).get(GROUP).status_code == 404
