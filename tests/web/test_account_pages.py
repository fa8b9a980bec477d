"""The account pages, as a browser without JavaScript uses them: "Min konto" (tenants,
bodies and seats, personal API tokens, the personal data as a file, erasing the account,
the calendar feed), the tenant's people with the platform administrator's export and
erasure, a body's contact list and the secretariat's outbox. Each page allows exactly
what its API route allows (core/identity/api.py, core/notifications/api.py)."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from core.bodies.models import Body, Seat, SeatHolding
from core.extensions import db
from core.identity import operations
from core.identity.models import ApiToken, User
from core.notifications.models import Notification
from core.tenancy import tenant_scope
from core.tenants.models import Tenant
from tests.fixtures.testby import BENT, KAREN, SECRETARY
from tests.web.refused import error_text, field_message

T = "testby"
MEMBER = BENT  # a member of Bestyrelsen
OTHER = KAREN  # another member of Bestyrelsen


@pytest.fixture
def board(testby):
    return testby


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).filter_by(email=email))


def _tokens(email: str) -> list[ApiToken]:
    db.session.expire_all()
    return db.session.scalars(sa.select(ApiToken).filter_by(user_id=_user(email).id)).all()


def _seated_elsewhere() -> str:
    """A person of the tenant with a seat, but none in Bestyrelsen."""
    tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=T))
    with tenant_scope(tenant.id):
        board_id = db.session.scalar(sa.select(Body.id).filter_by(key="bestyrelse"))
        held = sa.select(Seat.body_id, SeatHolding.holder_id).join(
            SeatHolding, SeatHolding.seat_id == Seat.id)
        on_board = {h for b, h in db.session.execute(held) if b == board_id}
        others = [h for b, h in db.session.execute(held) if b != board_id]
    holder = next(h for h in others if h not in on_board and not _is_admin(h))
    return db.session.get(User, holder).email


def _is_admin(user_id: int) -> bool:
    from core.tenancy import all_tenants
    from core.tenants.models import TenantAdmin

    with all_tenants():
        return bool(db.session.scalar(sa.select(TenantAdmin.id).filter_by(user_id=user_id)))


# --------------------------------------------------------------------------- Min konto


def test_my_account_shows_tenants_bodies_seats_and_the_calendar_feed(board, member):
    html = member(MEMBER).get("/min-konto").get_data(as_text=True)
    assert "<h1>Min konto</h1>" in html and "Bent Berg" in html
    assert "Testby Kommune" in html and f'href="/{T}/organer/bestyrelse"' in html
    assert 'href="/api/v1/me/calendar.ics"' in html
    assert 'href="/min-konto/persondata"' in html and 'href="/min-konto/slet"' in html
    assert 'href="/min-konto" class="nav-link"><span>Min konto</span></a>' in member(MEMBER).get("/").get_data(as_text=True)  # in the menu
    assert member(None).get("/min-konto").status_code == 401


def test_create_a_token_shows_it_once_and_it_works(board, member, submit, client):
    html_resp = submit(member(MEMBER), "/min-konto", "/min-konto/noegler", name="Rapport", scope="write")
    assert html_resp.status_code == 201 and html_resp.headers["Cache-Control"] == "no-store"
    html = html_resp.get_data(as_text=True)
    (row,) = _tokens(MEMBER)
    assert (row.name, row.scope.value, row.revoked_at) == ("Rapport", "write", None)
    secret = html.split('<code id="ny-noegle">')[1].split("</code>")[0]
    assert secret.startswith("kmt_") and hashlib.sha256(secret.encode()).hexdigest() == row.token_hash
    assert "Nøglen «Rapport» er oprettet." in html and "Den vises ikke igen" in html
    # shown this once: the page afterwards lists the token by its prefix only
    again = member(MEMBER).get("/min-konto").get_data(as_text=True)
    assert "Rapport" in again and row.prefix in again and secret not in again
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["email"] == MEMBER


def test_a_token_without_a_name_or_with_an_unknown_scope_is_refused_naming_the_field(board, member, submit):
    resp = submit(member(MEMBER), "/min-konto", "/min-konto/noegler", name="  ", scope="write")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_message(html, "create-token-name") == "Navn: skal udfyldes."
    assert 'id="scope-write" name="scope" value="write" checked' in html  # the choice is kept
    html = submit(member(MEMBER), "/min-konto", "/min-konto/noegler", name="Rapport", scope="admin").get_data(as_text=True)
    assert error_text(html) == "Adgang: har en værdi, der ikke kan vælges."
    assert 'name="name" value="Rapport"' in html
    assert _tokens(MEMBER) == []
    assert member(None).post("/min-konto/noegler", data={"name": "x"}).status_code == 401


def test_a_refused_form_in_english_names_the_field_in_english(board, member, submit):
    bent = member(MEMBER)
    submit(bent, "/min-konto", "/sprog", follow=False, lang="en", next="/min-konto")
    from flask_babel import refresh

    refresh()  # the tests' app context spans requests; a new request would choose afresh
    html = submit(bent, "/min-konto", "/min-konto/noegler", name="", scope="read").get_data(as_text=True)
    assert "<title>Error: " in html and "There is a problem" in html
    assert field_message(html, "create-token-name") == "Name: must be filled in."
    assert _tokens(MEMBER) == []


def test_revoke_a_token_and_not_another_persons(board, member, submit):
    mine, _ = operations.create_token(_user(MEMBER), "Rapport", "read")
    theirs, _ = operations.create_token(_user(OTHER), "Hemmelig", "read")
    db.session.commit()
    mine_id, theirs_id = mine.id, theirs.id
    html = submit(member(MEMBER), "/min-konto", "/min-konto/noegler/tilbagekald", token=str(mine_id)).get_data(as_text=True)
    assert "Nøglen «Rapport» er tilbagekaldt" in html and "Tilbagekaldt " in html
    (row,) = _tokens(MEMBER)
    assert row.revoked_at is not None
    refused = submit(member(MEMBER), "/min-konto", "/min-konto/noegler/tilbagekald", token=str(theirs_id))
    assert refused.status_code == 404
    assert _tokens(OTHER)[0].revoked_at is None
    assert member(None).post("/min-konto/noegler/tilbagekald", data={"token": mine_id}).status_code == 401


def _feed_address(html: str) -> str:
    return html.split('<code id="kalender-adresse">')[1].split("</code>")[0]


def _feed_path(address: str) -> str:
    return "/" + address.split("://", 1)[1].split("/", 1)[1]


def test_the_calendar_address_is_shown_once_and_a_calendar_program_can_use_it(board, member, submit, app):
    page = member(MEMBER).get("/min-konto").get_data(as_text=True)
    assert "Abonnér i Outlook, Google Kalender eller Apple Kalender" in page
    assert "Opret kalenderadresse" in page and "kalender-adresse" not in page
    resp = submit(member(MEMBER), "/min-konto", "/min-konto/kalender")
    assert resp.status_code == 201 and resp.headers["Cache-Control"] == "no-store"
    html = resp.get_data(as_text=True)
    address = _feed_address(html)
    assert address.startswith(app.config["PUBLIC_URL"].rstrip("/") + "/api/v1/calendar/kmc_")
    assert f'href="webcal://{address.split("://", 1)[1]}"' in html
    assert "Din kalenderadresse er oprettet." in html and "Den vises ikke igen" in html
    with member(MEMBER).session_transaction() as session:  # never kept in the session
        assert address.split("/")[-1][:-4] not in json.dumps(dict(session), default=str)
    feed = app.test_client(use_cookies=False).get(_feed_path(address))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    # shown this once: the page afterwards tells that there is an address, not what it is
    again = member(MEMBER).get("/min-konto").get_data(as_text=True)
    assert "Du har en kalenderadresse, oprettet" in again and "Sidst hentet af et kalenderprogram" in again
    assert address.split("/")[-1] not in again and "kalender-adresse" not in again
    assert "Lav en ny adresse" in again and "Slå adressen fra" in again


def test_a_new_calendar_address_from_the_page_stops_the_old_one(board, member, submit, app):
    old = _feed_address(submit(member(MEMBER), "/min-konto", "/min-konto/kalender").get_data(as_text=True))
    html = submit(member(MEMBER), "/min-konto", "/min-konto/kalender").get_data(as_text=True)
    assert "Du har fået en ny kalenderadresse; den gamle virker ikke længere." in html
    new = _feed_address(html)
    assert new != old
    assert app.test_client().get(_feed_path(old)).status_code == 404
    assert app.test_client().get(_feed_path(new)).status_code == 200


def test_switching_the_calendar_address_off_from_the_page(board, member, submit, app):
    address = _feed_address(submit(member(MEMBER), "/min-konto", "/min-konto/kalender").get_data(as_text=True))
    html = submit(member(MEMBER), "/min-konto", "/min-konto/kalender/sluk").get_data(as_text=True)
    assert "Din kalenderadresse er slået fra" in html and "Opret kalenderadresse" in html
    assert app.test_client().get(_feed_path(address)).status_code == 404
    assert member(None).post("/min-konto/kalender", data={}).status_code == 401
    assert member(None).post("/min-konto/kalender/sluk", data={}).status_code == 401
    assert member(MEMBER).post("/min-konto/kalender", data={}).status_code == 400  # no CSRF token


def test_the_calendar_address_section_in_english(board, member, submit):
    from flask_babel import refresh

    submit(member(MEMBER), "/min-konto", "/sprog", follow=False, lang="en", next="/min-konto")
    refresh()  # the tests' app context spans requests; a new request would choose afresh
    html = member(MEMBER).get("/min-konto").get_data(as_text=True)
    assert "Subscribe in Outlook, Google Calendar or Apple Calendar" in html
    assert "Create a calendar address" in html
    html = submit(member(MEMBER), "/min-konto", "/min-konto/kalender").get_data(as_text=True)
    assert "Your calendar address has been created." in html and "Open in my calendar program" in html
    refresh()
    html = member(MEMBER).get("/min-konto").get_data(as_text=True)
    assert "You have a calendar address, created" in html and "Switch the address off" in html


def test_my_personal_data_downloads_as_a_json_file(board, member):
    resp = member(MEMBER).get("/min-konto/persondata")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="persondata-')
    data = json.loads(resp.get_data(as_text=True))
    assert data["user"]["email"] == MEMBER and data["tenants"][0]["slug"] == T
    assert member(None).get("/min-konto/persondata").status_code == 401


def test_erasing_my_account_needs_the_confirmation_then_logs_me_out(board, member, submit):
    page = member(MEMBER).get("/min-konto/slet").get_data(as_text=True)
    assert "Sletningen kan ikke fortrydes." in page and "dine stemmer" in page
    assert 'name="confirm"' in page and '<label class="form-label" for="erase-me-confirm">' in page
    html = submit(member(MEMBER), "/min-konto/slet", "/min-konto/slet").get_data(as_text=True)
    assert field_message(html, "erase-me-confirm") == "Bekræftelse: skal afkrydses."
    db.session.expire_all()
    user = _user(MEMBER)
    assert user is not None and user.erased_at is None and user.is_enabled
    user_id = user.id
    html = submit(member(MEMBER), "/min-konto/slet", "/min-konto/slet", confirm="true").get_data(as_text=True)
    assert "Din konto er slettet, og du er logget ud." in html
    db.session.expire_all()
    erased = db.session.get(User, user_id)
    assert erased.erased_at is not None and erased.email == f"erased-{user_id}@invalid"
    assert not erased.is_enabled
    assert member(MEMBER).get("/min-konto").status_code == 401
    assert member(None).get("/min-konto/slet").status_code == 401
    assert member(None).post("/min-konto/slet", data={"confirm": "true"}).status_code == 401


# --------------------------------------------------------------------------- the tenant's people


def test_people_page_is_for_the_secretariat_without_export_or_erasure(board, member, submit):
    html = member(SECRETARY).get(f"/{T}/personer").get_data(as_text=True)
    assert "Personer i Testby Kommune" in html and "Bent Berg" in html
    assert f'href="mailto:{MEMBER}"' in html and "bestyrelse/" in html
    assert "/slet" not in html, "erasure is the platform administrator's (API: PLATFORM_ADMIN)"
    assert f'href="/{T}/personer"' in member(SECRETARY).get(f"/{T}/sekretariat").get_data(as_text=True)
    member_id = _user(MEMBER).id
    assert member(SECRETARY).get(f"/{T}/personer/{member_id}/persondata").status_code == 403
    refused = submit(member(SECRETARY), f"/{T}/personer", f"/{T}/personer/{member_id}/slet", confirm="true")
    assert refused.status_code == 403
    assert _user(MEMBER).erased_at is None
    assert member(MEMBER).get(f"/{T}/personer").status_code == 403
    assert member(None).get(f"/{T}/personer").status_code == 401


@pytest.fixture
def platform_admin(board):
    admin = _user(SECRETARY)
    admin.is_platform_admin = True
    db.session.commit()
    return admin


def test_platform_admin_exports_and_erases_a_person_after_confirming(platform_admin, member, submit):
    member_id = _user(MEMBER).id
    html = member(SECRETARY).get(f"/{T}/personer").get_data(as_text=True)
    assert f'href="/{T}/personer/{member_id}/slet"' in html and f'href="/{T}/personer/{member_id}/persondata"' in html
    resp = member(SECRETARY).get(f"/{T}/personer/{member_id}/persondata")
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(resp.get_data(as_text=True))["user"]["email"] == MEMBER
    page = f"/{T}/personer/{member_id}/slet"
    assert "Sletningen kan ikke fortrydes." in member(SECRETARY).get(page).get_data(as_text=True)
    html = submit(member(SECRETARY), page, page).get_data(as_text=True)
    assert error_text(html) == "Bekræftelse: skal afkrydses."
    assert _user(MEMBER).erased_at is None
    html = submit(member(SECRETARY), page, page, confirm="true").get_data(as_text=True)
    assert "Bent Berg er slettet (gjort anonym)." in html
    db.session.expire_all()
    erased = db.session.get(User, member_id)
    assert erased.erased_at is not None and f"Slettet bruger {member_id}" in html


def test_a_person_outside_the_tenant_is_not_found_on_its_pages(platform_admin, member):
    stranger = User(email="fremmed@andet.example", name="Fremmed Demo")
    db.session.add(stranger)
    db.session.commit()
    assert member(SECRETARY).get(f"/{T}/personer/{stranger.id}/persondata").status_code == 404
    assert member(SECRETARY).get(f"/{T}/personer/{stranger.id}/slet").status_code == 404


# --------------------------------------------------------------------------- contacts, calendar


def test_body_contacts_for_its_members_only(board, member):
    html = member(MEMBER).get(f"/{T}/organer/bestyrelse/kontakter").get_data(as_text=True)
    assert "Kontakter i Bestyrelsen" in html and f'href="mailto:{OTHER}"' in html
    body_page = member(MEMBER).get(f"/{T}/organer/bestyrelse").get_data(as_text=True)
    assert f'href="/{T}/organer/bestyrelse/kontakter"' in body_page
    assert f'href="/api/v1/tenants/{T}/bodies/bestyrelse/calendar.ics"' in body_page
    assert member(SECRETARY).get(f"/{T}/organer/bestyrelse/kontakter").status_code == 200
    other = _seated_elsewhere()
    assert member(other).get(f"/{T}/organer/bestyrelse/kontakter").status_code == 403
    assert "/kontakter" not in member(other).get(f"/{T}/organer/bestyrelse").get_data(as_text=True)
    assert member(None).get(f"/{T}/organer/bestyrelse/kontakter").status_code == 401


# --------------------------------------------------------------------------- the outbox


def test_outbox_shows_what_was_sent_and_what_failed_to_the_secretariat(board, member, in_tenant):
    with in_tenant(T):
        tenant_id = db.session.scalar(sa.select(Tenant.id).filter_by(slug=T))
        db.session.add(Notification(tenant_id=tenant_id, kind="agenda_published", subject="meeting:1",
                                    recipient=MEMBER, attempts=3, last_error="550 mailbox unavailable"))
        db.session.commit()
    html = member(SECRETARY).get(f"/{T}/udsendelser").get_data(as_text=True)
    assert "Udsendte meddelelser" in html and "Dagsordenen er udsendt" in html and MEMBER in html
    assert "Fejlet efter 3 forsøg: 550 mailbox unavailable" in html
    assert f'href="/{T}/udsendelser"' in member(SECRETARY).get(f"/{T}/sekretariat").get_data(as_text=True)
    assert member(MEMBER).get(f"/{T}/udsendelser").status_code == 403
    assert member(None).get(f"/{T}/udsendelser").status_code == 401


# --------------------------------------------------------------------------- login


def test_login_page_offers_the_identity_providers_as_buttons(board, client):
    from core.identity.models import IdentityProvider

    db.session.add(IdentityProvider(key="kab", name="KAB (Microsoft Entra ID)", issuer="https://idp.kab.example",
                                    client_id="kommissorium", client_secret_env="KAB_SECRET",
                                    tenant_id=db.session.scalar(sa.select(Tenant.id).filter_by(slug=T))))
    db.session.commit()
    html = client.get("/log-ind").get_data(as_text=True)
    assert '<a class="button button-secondary" href="/api/v1/auth/oidc/kab/login">Log ind med KAB (Microsoft Entra ID)</a>' in html
