"""Onboarding a municipality over the API (core/tenants/onboarding.py): the platform
administrator creates a tenant with its first secretary invited and made its administrator;
the secretariat adds the organisations taking part, an existing one found and not
duplicated. Refused: anyone but the platform administrator (403, 401 without a login), a
slug taken or reserved (409) or malformed, a plugin not installed, a period backwards, a
new secretary without a name (422, naming the field) — each writing nothing; another
tenant's secretariat meets the tenant wall (404). Every change in the new tenant's
hash-chained log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify_chain
from core.extensions import db
from core.identity.models import Invitation, User
from core.organisations.models import Organisation
from core.tenancy import all_tenants
from core.tenants.models import Participation, Tenant, TenantAdmin
from tests.fixtures.dates import at
from tests.fixtures.testby import BENT, NABO_SECRETARY, SECRETARY

TENANTS = "/api/v1/platform/tenants"
NEW = {
    "name": "Sjetteby Kommune", "slug": "sjetteby", "plan": "Sjetteby helhedsplan 2027-2030",
    "period_start": "2027-01-01", "period_end": "2030-12-31", "plugins": [],
    "organisation": "SJE-KOM", "organisation_name": "Sjetteby Kommune",
    "secretary_email": "sekretaer@sjetteby.example", "secretary_name": "Sara Sekretær",
}
ADMIN = BENT  # made the platform administrator: holds no role in Naboby


@pytest.fixture
def platform(testby, naboby, clock, member):
    clock.set(at(2027, 1, 4, 9))
    with all_tenants():
        db.session.scalar(sa.select(User).filter_by(email=ADMIN)).is_platform_admin = True
        db.session.commit()
    return member(ADMIN)


def _state() -> tuple:
    with all_tenants():
        db.session.expire_all()
        return tuple(db.session.scalar(sa.select(sa.func.count(m.id)))
                     for m in (Tenant, Organisation, User, Invitation, TenantAdmin, Participation, AuditEntry))


def _errors(resp) -> dict:
    return resp.get_json()["errors"]["json"]


def test_the_platform_administrator_creates_a_tenant_and_invites_its_secretary(platform, member, in_tenant):
    plugins = platform.get("/api/v1/platform/plugins")
    assert plugins.status_code == 200
    names = [p["name"] for p in plugins.get_json()]
    assert names and names == sorted(names)
    resp = platform.post(TENANTS, json={**NEW, "plugins": names[:1]})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["slug"] == "sjetteby" and resp.get_json()["plugins"] == names[:1]
    assert resp.get_json()["organisation"] == "SJE-KOM"
    with in_tenant("sjetteby") as tenant:
        secretary = db.session.scalar(sa.select(User).filter_by(email=NEW["secretary_email"]))
        assert secretary.name == "Sara Sekretær"
        assert db.session.scalar(sa.select(TenantAdmin).filter_by(user_id=secretary.id)) is not None
        assert db.session.scalar(sa.select(Invitation).filter_by(user_id=secretary.id)).has_password_link
        assert [a.organisation.code for a in secretary.affiliations] == ["SJE-KOM"]
        assert verify_chain(tenant.id).ok
        actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions == ["tenant.created", "organisation.created", "party.added", "person.invited", "admin.added"]
    # the secretary administers the new tenant, and only it
    sara = member(NEW["secretary_email"])
    assert sara.get("/api/v1/tenants/sjetteby/people").status_code == 200
    assert sara.get("/api/v1/tenants/testby/people").status_code == 404


def test_an_existing_municipality_organisation_is_found_not_duplicated(platform, in_tenant):
    resp = platform.post(TENANTS, json={**NEW, "organisation": "tst-kom", "organisation_name": None})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["organisation"] == "TST-KOM"
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))
                                 .where(sa.func.lower(Organisation.code) == "tst-kom")) == 1


@pytest.mark.parametrize("change, field, status", [
    ({"slug": "testby"}, "slug", 409),
    ({"slug": "platform"}, "slug", 409),
    ({"slug": "api"}, "slug", 409),
    ({"slug": "Sjette By"}, "slug", 422),
    ({"slug": "s"}, "slug", 422),
    ({"plugins": ["not-installed"]}, "plugins", 422),
    ({"period_end": "2026-12-31"}, "period_end", 422),
    ({"organisation": "NY-KOM", "organisation_name": None}, "name", 422),
    ({"secretary_name": None}, "secretary_name", 422),
    ({"secretary_email": "ikke-en-adresse"}, "secretary_email", 422),
    ({"timezone": "Europe/Sjetteby"}, "timezone", 422),
])
def test_a_refused_tenant_names_its_field_and_writes_nothing(platform, change, field, status):
    before = _state()
    resp = platform.post(TENANTS, json={**NEW, **change})
    assert resp.status_code == status, resp.get_json()
    assert field in _errors(resp), resp.get_json()
    assert _state() == before


def test_only_the_platform_administrator_creates_a_tenant(platform, member):
    before = _state()
    for email in (SECRETARY, NABO_SECRETARY):  # a tenant's secretariat is not the platform's
        client = member(email)
        assert client.post(TENANTS, json=NEW).status_code == 403
        assert client.get("/api/v1/platform/plugins").status_code == 403
        assert client.get("/platform/kommuner").status_code == 403
        assert client.post("/platform/kommuner", data=NEW).status_code in (400, 403)  # no CSRF token, or refused
    anonymous = member(None)
    assert anonymous.post(TENANTS, json=NEW).status_code == 401
    assert anonymous.get("/platform/kommuner").status_code in (302, 401)
    assert _state() == before


ORGS = "/api/v1/tenants/testby/organisations"


def test_the_secretariat_adds_an_organisation_found_by_its_code_not_duplicated(testby, naboby, member, in_tenant):
    sec = member(SECRETARY)
    # Naboby's housing organisation exists on the platform: joined, its name kept
    resp = sec.post(ORGS, json={"code": "nab-bo", "name": "Et andet navn", "kind": "police"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["code"] == "NAB-BO" and resp.get_json()["kind"] == "housing_organisation"
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id)).where(
            sa.func.lower(Organisation.code) == "nab-bo")) == 1
    # a new one, administered by an existing one
    resp = sec.post(ORGS, json={"code": "TST-C", "name": "Boligselskabet C", "kind": "housing_organisation",
                                "administered_by": "TST-ADM"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["administered_by"] == "TST-ADM"
    listed = [o["code"] for o in sec.get(ORGS).get_json()]
    assert {"NAB-BO", "TST-C"} <= set(listed)
    with in_tenant("testby") as tenant:
        assert verify_chain(tenant.id).ok
        entries = list(db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action.in_(("organisation.created", "party.added"))).order_by(AuditEntry.seq)))
    assert [(e.action, e.subject.split(":")[0]) for e in entries][-3:] == [
        ("party.added", "organisation"), ("organisation.created", "organisation"), ("party.added", "organisation")]
    # the person may now be invited to act for it
    assert sec.post("/api/v1/tenants/testby/people", json={
        "email": "c@testby.example", "name": "Carl C", "organisation": "TST-C"}).status_code == 201


@pytest.mark.parametrize("data, field, status", [
    ({"code": "TST-A"}, "code", 409),
    ({"code": "NY"}, "name", 422),
    ({"code": "NY", "name": "Ny"}, "kind", 422),
    ({"code": "NY", "name": "Ny", "kind": "housing_organisation", "administered_by": "FINDES-IKKE"},
     "administered_by", 422),
    ({"code": "Ny organisation"}, "code", 422),
    ({"code": "NY", "name": "Ny", "kind": "castle"}, "kind", 422),
])
def test_a_refused_organisation_names_its_field_and_writes_nothing(testby, member, data, field, status):
    before = _state()
    resp = member(SECRETARY).post(ORGS, json=data)
    assert resp.status_code == status, resp.get_json()
    assert field in _errors(resp), resp.get_json()
    assert _state() == before


def test_another_tenants_secretariat_meets_the_tenant_wall(testby, naboby, member):
    before = _state()
    assert member(NABO_SECRETARY).post(ORGS, json={"code": "NAB-BO"}).status_code == 404
    assert member(NABO_SECRETARY).get("/testby/sekretariat/organisationer").status_code == 404
    assert member(BENT).post(ORGS, json={"code": "NAB-BO"}).status_code == 403  # a member, not the secretariat
    assert _state() == before


# --------------------------------------------------------------------------- a tenant file

FILES = "/api/v1/platform/tenant-files"


def _sjetteby_file() -> str:
    """Testby's file as a new tenant's: its organisations and people are Testby's (found,
    not duplicated), its bodies and seats its own."""
    from tests.fixtures.testby import TESTBY

    return (TESTBY.read_text(encoding="utf-8").replace('slug = "testby"', 'slug = "sjetteby"')
            .replace('name = "Testby Kommune"\nplan', 'name = "Sjetteby Kommune"\nplan'))


def test_a_tenant_file_is_previewed_without_writing_then_applied(platform, in_tenant):
    before = _state()
    resp = platform.post(f"{FILES}/preview", json={"filename": "sjetteby.toml", "content": _sjetteby_file()})
    assert resp.status_code == 200, resp.get_json()
    preview = resp.get_json()
    assert preview["ok"] and preview["slug"] == "sjetteby" and not preview["problems"]
    assert "created tenant sjetteby" in preview["changes"]
    assert any(c.startswith("created seat bestyrelse/") for c in preview["changes"])
    assert not any(c.startswith("created organisation") for c in preview["changes"])  # Testby's
    assert _state() == before  # nothing written
    applied = platform.post(FILES, json={"filename": "sjetteby.toml", "content": _sjetteby_file()})
    assert applied.status_code == 201, applied.get_json()
    assert applied.get_json()["changes"] == preview["changes"]
    with in_tenant("sjetteby") as tenant:
        assert verify_chain(tenant.id).ok
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == len(preview["changes"])
    # the same file again: the tenant exists; the sync keeps it in step, not an upload
    again = platform.post(f"{FILES}/preview", json={"content": _sjetteby_file()})
    assert again.status_code == 409 and "slug" in _errors(again)


def test_a_bad_tenant_file_shows_each_problem_by_entry_and_field_and_applies_nothing(platform):
    bad = _sjetteby_file().replace("meetings_per_year = 4", "meetings_per_year = -1", 1)
    before = _state()
    preview = platform.post(f"{FILES}/preview", json={"content": bad})
    assert preview.status_code == 200
    problems = preview.get_json()["problems"]
    assert not preview.get_json()["ok"] and not preview.get_json()["changes"]
    assert {"entry": "bodies[bestyrelse]", "field": "meetings_per_year"} in [
        {k: p[k] for k in ("entry", "field")} for p in problems]
    unknown = platform.post(f"{FILES}/preview", json={"content": _sjetteby_file().replace(
        'organisation = "TST-A"', 'organisation = "TST-X"', 1)}).get_json()["problems"]
    assert any("TST-X" in p["message"] for p in unknown), unknown
    applied = platform.post(FILES, json={"content": bad})
    assert applied.status_code == 422
    assert any(s.startswith("bodies[bestyrelse].meetings_per_year:") for s in _errors(applied)["content"])
    for content in ("", "[tenant\nslug =", "x" * 1_000_001):
        resp = platform.post(FILES, json={"content": content})
        assert resp.status_code in (413, 422), (content[:20], resp.get_json())
    assert _state() == before


def test_only_the_platform_administrator_uploads_a_tenant_file(platform, member):
    before = _state()
    for who in (SECRETARY, None):
        for url in (f"{FILES}/preview", FILES):
            assert member(who).post(url, json={"content": _sjetteby_file()}).status_code == (403 if who else 401)
    assert _state() == before


def test_the_tenant_file_pages_preview_then_apply(platform, in_tenant):
    import io
    import re

    page = platform.get("/platform/kommuner")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]
    before = _state()
    shown = platform.post("/platform/kommuner/datafil", data={
        "csrf_token": token, "file": (io.BytesIO(_sjetteby_file().encode()), "sjetteby.toml")},
        content_type="multipart/form-data")
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "created tenant sjetteby" in text and "Anvend datafilen" in text
    assert _state() == before
    bad = platform.post("/platform/kommuner/datafil", data={
        "csrf_token": token, "file": (io.BytesIO(_sjetteby_file().replace(
            "meetings_per_year = 4", "meetings_per_year = -1", 1).encode()), "sjetteby.toml")},
        content_type="multipart/form-data")
    assert bad.status_code == 422 and "meetings_per_year" in bad.get_data(as_text=True)
    assert "Anvend datafilen" not in bad.get_data(as_text=True)
    none = platform.post("/platform/kommuner/datafil", data={"csrf_token": token},
                         content_type="multipart/form-data")
    assert none.status_code == 422 and "Vælg en datafil" in none.get_data(as_text=True)
    content = re.search(r'name="content" value="([^"]*)"', text, re.S)[1]
    import html

    done = platform.post("/platform/kommuner/datafil/anvend", data={
        "csrf_token": token, "filename": "sjetteby.toml", "content": html.unescape(content)})
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    with all_tenants():
        assert db.session.scalar(sa.select(Tenant).filter_by(slug="sjetteby")).name == "Sjetteby Kommune"
