"""Vejle on the dashboard: a person whose organisation owes a hearing answer (VEJ-6) sees
the tenant without a seat there, until the organisation has answered."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from core.extensions import db
from core.identity.models import Affiliation, User
from core.models import utcnow
from core.organisations.models import Organisation

NEW = "nina.nyborg@aab.example"


def _person_of(code: str, email: str = NEW) -> User:
    org = db.session.scalar(sa.select(Organisation).filter_by(code=code))
    user = User(email=email, name="Nina Nyborg")
    user.affiliations.append(Affiliation(organisation=org))
    db.session.add(user)
    db.session.commit()
    return user


def test_a_person_without_a_seat_sees_the_hearing_their_organisation_owes_VEJ_6(
    client, login, sync_tenant, api
):
    sync_tenant("vejle")
    _person_of("AAB")
    login(client, NEW)
    # AAB takes part in Vejle's plan, but nothing waits for it there: not listed
    assert [t for t in client.get("/api/v1/me").get_json()["tenants"] if t["slug"] == "vejle"] == []

    from tests.plugins.vejle.test_proposals import PRINCIPLE, THEME_MEMBER, THEME_SECRETARY

    p = api(THEME_MEMBER, "vejle").post("proposals", json=PRINCIPLE).get_json()
    deadline = (utcnow() + timedelta(days=21)).isoformat()
    opened = api(THEME_SECRETARY, "vejle").post(f"proposals/{p['id']}/hearing", json={"deadline_at": deadline})
    assert opened.status_code == 200, opened.get_json()
    login(client, NEW)
    (tenant,) = [t for t in client.get("/api/v1/me").get_json()["tenants"] if t["slug"] == "vejle"]
    assert tenant["bodies"] == [] and tenant["organisations"] == ["AAB"] and not tenant["is_admin"]
    (due,) = tenant["pending"]
    assert due["kind"] == "hearing_answer_due" and due["title"].startswith("Høringssvar fra AAB")
    page = client.get("/").get_data(as_text=True)
    assert "Høringssvar fra AAB" in page and due["page_url"] in page
    assert "du følger med for AAB" in page
    assert client.get(due["page_url"]).status_code == 200


def test_the_tenant_goes_from_the_dashboard_once_the_organisation_has_answered_VEJ_6(
    client, login, sync_tenant, api
):
    from tests.plugins.vejle.test_proposals import PRINCIPLE, THEME_MEMBER, THEME_SECRETARY

    sync_tenant("vejle")
    _person_of("AAB")
    p = api(THEME_MEMBER, "vejle").post("proposals", json=PRINCIPLE).get_json()
    deadline = (utcnow() + timedelta(days=21)).isoformat()
    api(THEME_SECRETARY, "vejle").post(f"proposals/{p['id']}/hearing", json={"deadline_at": deadline})
    answered = api(NEW, "vejle").post(f"proposals/{p['id']}/hearing/responses",
                                      json={"organisation": "AAB", "kind": "no_comments"})
    assert answered.status_code == 201, answered.get_json()
    login(client, NEW)
    assert "vejle" not in [t["slug"] for t in client.get("/api/v1/me").get_json()["tenants"]]
