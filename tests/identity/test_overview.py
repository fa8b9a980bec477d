"""One login across tenants: /api/v1/me and the dashboard list every tenant where the user
has a seat, administers, or acts for an organisation that receives a body's material or owes
a hearing answer — without a seat there (a municipality's reasons for it are tested with its
plugin: tests/plugins/kobenhavn/test_overview.py, tests/plugins/vejle/test_overview.py)."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.identity.models import Affiliation, User
from core.organisations.models import Organisation

RESIDENT = "bo.beboer@nabobf.example"


def _person_of(code: str, email: str) -> User:
    org = db.session.scalar(sa.select(Organisation).filter_by(code=code))
    user = User(email=email, name="Nina Nyborg")
    user.affiliations.append(Affiliation(organisation=org))
    db.session.add(user)
    db.session.commit()
    return user


def test_an_information_recipients_person_sees_the_tenant(client, login, naboby):
    _person_of("NAB-BF", RESIDENT)
    login(client, RESIDENT)
    me = client.get("/api/v1/me").get_json()
    (tenant,) = [t for t in me["tenants"] if t["slug"] == naboby]
    assert tenant["organisations"] == ["NAB-BF"] and tenant["bodies"] == []


def test_a_person_of_no_organisation_in_the_tenant_does_not_see_it(client, login, testby, naboby):
    _person_of("NAB-BF", RESIDENT)
    login(client, RESIDENT)
    slugs = [t["slug"] for t in client.get("/api/v1/me").get_json()["tenants"]]
    assert testby not in slugs and naboby in slugs
