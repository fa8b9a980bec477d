"""The secretariat's people over the API (core/identity/people.py): a person invited by
e-mail (found, not duplicated, when the address has an account), their name edited, an
affiliation added and ended from a day with its history kept; each refusal a 4xx naming
the field with nothing written; every change in the tenant's hash-chained audit log and
its history route; another tenant's person a 404; a person from another tenant seen only
as far as this tenant's business goes; the invitation mail through a real SMTP server with
a link that sets a password."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.audit.operations import verify_chain
from core.extensions import db
from core.identity.models import Affiliation, Invitation, PasswordReset, User
from core.identity.people import name_digest
from core.notifications.models import Notification
from core.tenancy import all_tenants
from tests.fixtures.dates import at
from tests.fixtures.testby import ANNA, NABO_SECRETARY, OUTSIDER, SECRETARY

T = "/api/v1/tenants/testby"
PEOPLE = f"{T}/people"
NEW = {"email": "Ny.Person@testby.example", "name": "Nina Ny", "organisation": "TST-B"}


@pytest.fixture
def sec(testby, naboby, clock, member):
    clock.set(at(2018, 1, 15, 9))
    return member(SECRETARY)


def _state(in_tenant) -> tuple:
    """Everything a refused change must leave as it was."""
    with all_tenants():
        users = db.session.execute(sa.select(User.id, User.name, User.email).order_by(User.id)).all()
        affiliations = db.session.execute(sa.select(
            Affiliation.user_id, Affiliation.organisation_id, Affiliation.valid_from, Affiliation.ended_on)
            .order_by(Affiliation.id)).all()
        outbox = db.session.scalar(sa.select(sa.func.count(Notification.id)))
        invitations = db.session.scalar(sa.select(sa.func.count(Invitation.id)))
        audit = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    return users, affiliations, outbox, invitations, audit


def _audit(in_tenant, action: str) -> list[AuditEntry]:
    with in_tenant("testby") as tenant:
        assert verify_chain(tenant.id).ok
        return list(db.session.scalars(sa.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq)))


def _to(received, recipient: str) -> list:
    return [m for m in received if m["To"] == recipient]


def _id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).filter_by(email=email))


def test_a_person_is_invited_once_however_often_the_invitation_is_sent(sec, in_tenant):
    resp = sec.post(PEOPLE, json=NEW)
    assert resp.status_code == 201, resp.get_json()
    person = resp.get_json()
    assert (person["name"], person["email"]) == ("Nina Ny", "ny.person@testby.example")
    [aff] = person["affiliations"]
    assert (aff["organisation"], aff["valid_from"], aff["ended_on"], aff["is_current"]) == (
        "TST-B", "2018-01-15", None, True)
    assert person["invited_at"] is not None
    [entry] = _audit(in_tenant, "person.invited")
    assert entry.subject == f"user:{person['id']}" and entry.actor_id == _id(SECRETARY)
    assert entry.payload["account_created"] is True and entry.payload["organisation"] == "TST-B"
    assert entry.payload["affiliation"] == {"from": None, "to": {"organisation": "TST-B", "valid_from": "2018-01-15"}}
    assert entry.payload["login"] == "password_link"
    assert "Nina" not in str(entry.payload)  # people by id, never by name
    # the same invitation again: nothing new, no second mail
    before = _state(in_tenant)
    again = sec.post(PEOPLE, json={**NEW, "name": "Et andet navn"})
    assert again.status_code == 200 and again.get_json()["id"] == person["id"]
    assert _state(in_tenant) == before
    with in_tenant("testby"):
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                                 .filter_by(kind="person_invited")) == 1
    listed = sec.get(PEOPLE).get_json()
    assert [p["organisations"] for p in listed if p["id"] == person["id"]] == [["TST-B"]]


def test_a_person_of_another_tenant_is_found_not_duplicated_and_seen_only_as_here(sec, in_tenant):
    """A person with an account (Naboby's secretary) invited to act for TST-B: the same
    account, their own name kept; the secretariat sees the affiliation here, not their
    organisation or tenant elsewhere."""
    users = len(_state(in_tenant)[0])
    resp = sec.post(PEOPLE, json={"email": NABO_SECRETARY, "name": "Forkert Navn", "organisation": "TST-B"})
    assert resp.status_code == 201, resp.get_json()
    person = resp.get_json()
    assert person["id"] == _id(NABO_SECRETARY) and person["name"] != "Forkert Navn"
    assert [a["organisation"] for a in person["affiliations"]] == ["TST-B"]
    assert "NAB-" not in str(person) and "Naboby Kommune" not in str(person)  # nothing of the other tenant
    assert set(person) == {"id", "name", "email", "is_admin", "affiliations", "seats", "invited_at"}
    assert len(_state(in_tenant)[0]) == users
    [entry] = _audit(in_tenant, "person.invited")
    # a tenant file's person has no password yet: the mail gives them a password link
    assert entry.payload["account_created"] is False and entry.payload["login"] == "password_link"
    listed = [p for p in sec.get(PEOPLE).get_json() if p["id"] == person["id"]]
    assert listed and listed[0]["organisations"] == ["TST-B"] and listed[0]["seats"] == []


@pytest.mark.parametrize("change, field", [
    ({"organisation": "NOPE"}, "organisation"),
    ({"organisation": "NAB-KOM"}, "organisation"),  # another tenant's organisation
    ({"name": ""}, "name"),  # a new person needs a name
    ({"name": None}, "name"),
    ({"email": "not an address"}, "email"),
    ({"language": "xx"}, "language"),
    ({"name": "x" * 201}, "name"),
])
def test_a_bad_invitation_names_the_field_and_writes_nothing(sec, in_tenant, change, field):
    before = _state(in_tenant)
    resp = sec.post(PEOPLE, json={**NEW, **change})
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]["json"], resp.get_json()
    assert _state(in_tenant) == before


def test_an_erased_persons_address_is_not_invited_again(sec, in_tenant, member, testby):
    from core.identity.operations import erase_user

    with all_tenants():
        erase_user(db.session.scalar(sa.select(User).filter_by(email=OUTSIDER)))
        db.session.commit()
    before = _state(in_tenant)
    resp = sec.post(PEOPLE, json={**NEW, "email": OUTSIDER})
    assert resp.status_code == 422 and "email" in resp.get_json()["errors"]["json"]
    assert _state(in_tenant) == before


def test_only_the_secretariat_and_another_tenants_person_is_not_found(sec, in_tenant, member):
    anna = member(ANNA)
    before = _state(in_tenant)
    assert anna.post(PEOPLE, json=NEW).status_code == 403
    assert anna.get(f"{T}/history").status_code == 403
    nabo = member(NABO_SECRETARY)  # the secretariat of another tenant
    assert nabo.post(PEOPLE, json=NEW).status_code == 404
    assert nabo.get(f"{PEOPLE}/{_id(ANNA)}").status_code == 404
    assert nabo.get(f"{T}/history").status_code == 404
    # Naboby's secretary is nobody here: 404 for Testby's secretariat too
    assert sec.get(f"{PEOPLE}/{_id(NABO_SECRETARY)}").status_code == 404
    assert sec.patch(f"{PEOPLE}/{_id(NABO_SECRETARY)}", json={"name": "X"}).status_code == 404
    assert _state(in_tenant) == before


def test_a_name_is_edited_and_audited_without_the_name_in_the_log(sec, in_tenant):
    anna = _id(ANNA)
    resp = sec.patch(f"{PEOPLE}/{anna}", json={"name": "Anna Andersen-Berg"})
    assert resp.status_code == 200 and resp.get_json()["name"] == "Anna Andersen-Berg"
    [entry] = _audit(in_tenant, "person.renamed")
    assert entry.payload["name"] == {"from": name_digest("Anna Andersen"), "to": name_digest("Anna Andersen-Berg")}
    assert "Anna" not in str(entry.payload)
    before = _state(in_tenant)
    assert sec.patch(f"{PEOPLE}/{anna}", json={"name": "Anna Andersen-Berg"}).status_code == 200
    assert _state(in_tenant) == before
    for bad in ({"name": ""}, {"name": "   "}, {}, {"name": 7}):
        refused = sec.patch(f"{PEOPLE}/{anna}", json=bad)
        assert refused.status_code == 422 and "name" in refused.get_json()["errors"]["json"], bad
    assert _state(in_tenant) == before


def test_an_affiliation_ends_from_a_day_and_its_history_stays(sec, in_tenant, clock):
    outsider = _id(OUTSIDER)
    [aff] = sec.get(f"{PEOPLE}/{outsider}").get_json()["affiliations"] if sec.post(
        PEOPLE, json={"email": OUTSIDER, "organisation": "TST-B"}).status_code == 201 else []
    end = f"{PEOPLE}/{outsider}/affiliations/{aff['id']}/end"
    resp = sec.post(end, json={"ended_on": "2018-02-01"})
    assert resp.status_code == 200, resp.get_json()
    [ended] = resp.get_json()["affiliations"]
    assert (ended["ended_on"], ended["is_current"]) == ("2018-02-01", True)  # still today
    [entry] = _audit(in_tenant, "person.affiliation_ended")
    assert entry.payload["ended_on"] == {"from": None, "to": "2018-02-01"} and entry.payload["organisation"] == "TST-B"
    before = _state(in_tenant)
    assert sec.post(end, json={"ended_on": "2018-02-01"}).status_code == 200  # the same again
    for bad, field in (({"ended_on": "2018-03-01"}, "ended_on"), ({"ended_on": "nope"}, "ended_on"),
                       ({}, "ended_on")):
        refused = sec.post(end, json=bad)
        assert refused.status_code == 422 and field in refused.get_json()["errors"]["json"]
    assert _state(in_tenant) == before
    # from that day the person no longer acts for TST-B; the row stays
    clock.set(at(2018, 2, 1, 9))
    with all_tenants():
        db.session.expire_all()
        user = db.session.get(User, outsider)
        assert "TST-B" not in [a.organisation.code for a in user.affiliations]
        assert [a.ended_on.isoformat() for a in user.affiliation_history
                if a.organisation.code == "TST-B"] == ["2018-02-01"]
    assert sec.get(f"{PEOPLE}/{outsider}").get_json()["affiliations"][0]["is_current"] is False
    # acting for TST-B again is a new affiliation beside the ended one
    again = sec.post(f"{PEOPLE}/{outsider}/affiliations", json={"organisation": "TST-B"})
    assert again.status_code == 201, again.get_json()
    assert [(a["valid_from"], a["ended_on"]) for a in again.get_json()["affiliations"]] == [
        (None, "2018-02-01"), ("2018-02-01", None)]
    assert sec.post(f"{PEOPLE}/{outsider}/affiliations", json={"organisation": "TST-B"}).status_code == 200
    assert len([e for e in _audit(in_tenant, "person.affiliated") if e.actor_id is not None]) == 1


def test_an_affiliation_is_not_ended_while_the_person_holds_a_seat_for_it(sec, in_tenant):
    anna = _id(ANNA)
    [aff] = [a for a in sec.get(f"{PEOPLE}/{anna}").get_json()["affiliations"] if a["organisation"] == "TST-A"]
    before = _state(in_tenant)
    resp = sec.post(f"{PEOPLE}/{anna}/affiliations/{aff['id']}/end", json={"ended_on": "2018-03-01"})
    assert resp.status_code == 422 and "ended_on" in resp.get_json()["errors"]["json"]
    assert "ny indehaver" in resp.get_json()["errors"]["json"]["ended_on"][0]
    assert _state(in_tenant) == before
    # an affiliation of another person, or of another tenant's organisation: 404
    with all_tenants():
        nabo_aff = db.session.scalar(sa.select(Affiliation.id).filter_by(user_id=_id(NABO_SECRETARY)))
    assert sec.post(f"{PEOPLE}/{anna}/affiliations/{nabo_aff}/end",
                    json={"ended_on": "2018-03-01"}).status_code == 404


def test_the_history_route_pages_the_administrations_changes(sec, in_tenant):
    sec.post(PEOPLE, json=NEW)
    sec.patch(f"{PEOPLE}/{_id(ANNA)}", json={"name": "Anna A."})
    page = sec.get(f"{T}/history").get_json()
    assert [e["action"] for e in page["entries"][:2]] == ["person.renamed", "person.invited"]
    assert page["entries"][0]["actor"] == f"user:{_id(SECRETARY)}"
    assert page["people"][f"user:{_id(ANNA)}"] == "Anna A."
    assert page["people"][f"user:{_id(SECRETARY)}"] == "Sekretær Testby"
    assert not [e for e in page["entries"] if e["action"].split(".")[0] in ("vote", "motion", "minutes")]
    assert page["page"] == 1 and page["pages"] >= 1 and page["total"] >= 2
    assert sec.get(f"{T}/history?page={page['pages'] + 1}").get_json()["entries"] == []
    for bad in ("0", "x", "-1"):
        refused = sec.get(f"{T}/history?page={bad}")
        assert refused.status_code == 422 and "page" in refused.get_json()["errors"]["query"]


def test_the_invitation_mail_carries_a_working_link_through_real_smtp(sec, in_tenant, app, smtp_server,
                                                                      monkeypatch, member):
    from core.notifications.operations import tick

    from core.identity.passwords import hash_password

    monkeypatch.setitem(app.config, "REDIS_URL", "")  # delivered in process
    with all_tenants():  # a person who logs in with a password already
        db.session.scalar(sa.select(User).filter_by(email=NABO_SECRETARY)).password_hash = hash_password("x" * 12)
        db.session.commit()
    assert sec.post(PEOPLE, json={**NEW, "language": "en"}).status_code == 201
    assert sec.post(PEOPLE, json={"email": NABO_SECRETARY, "organisation": "TST-B"}).status_code == 201
    tick(at(2018, 1, 15, 10))
    [mail] = _to(smtp_server, "ny.person@testby.example")
    assert "Testby Kommune" in mail["Subject"] and "Invitation" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Boligselskabet B" in text and "password" in text.lower()  # English, as chosen
    [link] = re.findall(r"https?://\S+/adgangskode/(kmr_[A-Za-z0-9_-]+)", text)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))
                                 .where(PasswordReset.user_id == _id("ny.person@testby.example"))) == 1
    # the person already on the platform is asked to log in, not given a password link
    [other] = _to(smtp_server, NABO_SECRETARY)
    assert "/adgangskode/" not in other.get_body(("plain",)).get_content()
    assert "/log-ind" in other.get_body(("plain",)).get_content()
    # the link's page opens, and the token sets the password (once)
    anonymous = member(None)
    assert anonymous.get(f"/adgangskode/{link}").status_code == 200
    done = anonymous.post("/api/v1/auth/password-reset/confirm", json={"token": link, "password": "en god lang adgangskode"})
    assert done.status_code == 204, done.get_data(as_text=True)
    login = anonymous.post("/api/v1/auth/login", json={"email": NEW["email"], "password": "en god lang adgangskode"})
    assert login.status_code == 200, login.get_json()
    assert anonymous.post("/api/v1/auth/password-reset/confirm",
                          json={"token": link, "password": "en anden lang adgangskode"}).status_code == 400
    # a second tick sends nothing twice
    tick(at(2018, 1, 15, 11))
    assert len(_to(smtp_server, "ny.person@testby.example")) == 1


def test_where_the_organisation_has_an_identity_provider_the_mail_links_its_login(sec, in_tenant, app,
                                                                                 smtp_server, monkeypatch):
    from core.identity.models import IdentityProvider
    from core.notifications.operations import tick
    from core.organisations.models import Organisation

    monkeypatch.setitem(app.config, "REDIS_URL", "")
    with all_tenants():
        org = db.session.scalar(sa.select(Organisation).filter_by(code="TST-B"))
        db.session.add(IdentityProvider(key="tstb", name="Boligselskabet B (Entra ID)", issuer="https://idp.example",
                                        client_id="kommissorium", client_secret_env="TSTB_SECRET",
                                        organisation_id=org.id))
        db.session.commit()
    assert sec.post(PEOPLE, json=NEW).status_code == 201
    [entry] = _audit(in_tenant, "person.invited")
    assert entry.payload["login"] == "provider"
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))
                                 .where(PasswordReset.user_id == _id("ny.person@testby.example"))) == 0
    tick(at(2018, 1, 15, 10))
    [mail] = _to(smtp_server, "ny.person@testby.example")
    text = mail.get_body(("plain",)).get_content()
    assert "Log ind med Boligselskabet B (Entra ID)" in text and "/api/v1/auth/oidc/tstb/login" in text
    assert "/adgangskode/" not in text


def test_from_the_day_an_affiliation_ends_the_person_no_longer_holds_a_seat_for_it(sec, in_tenant, clock):
    """Ended from 1 February: on 15 January OUTSIDER is still among TST-B's candidates for
    a seat; on 1 February they are not, and a new seat for TST-B held by them is refused as
    a tenant file's would be (``holder``: not acting for the seat's organisation)."""
    from core.bodies.seats import candidates
    from core.organisations.models import Organisation

    outsider = _id(OUTSIDER)
    sec.post(PEOPLE, json={"email": OUTSIDER, "organisation": "TST-B"})
    [aff] = sec.get(f"{PEOPLE}/{outsider}").get_json()["affiliations"]
    assert sec.post(f"{PEOPLE}/{outsider}/affiliations/{aff['id']}/end",
                    json={"ended_on": "2018-02-01"}).status_code == 200
    seat = {"key": "b9", "title": "Medlem 9 (Boligselskabet B)", "organisation": "TST-B", "role": "member",
            "voting": True, "holder": OUTSIDER, "valid_from": "2018-03-01"}

    def tst_b_candidates():
        with in_tenant("testby"):
            db.session.expire_all()
            return {u.email for u in candidates(db.session.scalar(sa.select(Organisation).filter_by(code="TST-B")))}

    assert OUTSIDER in tst_b_candidates()
    # still one of the tenant's people, through another organisation
    assert sec.post(f"{PEOPLE}/{outsider}/affiliations", json={"organisation": "TST-A"}).status_code == 201
    clock.set(at(2018, 2, 1, 9))
    assert OUTSIDER not in tst_b_candidates()
    refused = sec.post(f"{T}/bodies/bestyrelse/seats", json=seat)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["errors"]["json"]["holder"] == ["Personen handler ikke for pladsens organisation."]
