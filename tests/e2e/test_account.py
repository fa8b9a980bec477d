"""In a real browser, with axe-core on every page visited: a member manages their account
(a token created, shown once and revoked; a calendar address made, shown once, fetched
without cookies and switched off; personal data; erasure confirmed on its own page), the
secretariat sees the people, a body's contacts and the outbox, and the login page offers
the identity providers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.identity.models import ApiToken, CalendarFeed, IdentityProvider, User
from core.notifications.models import Notification
from core.tenancy import tenant_scope
from core.tenants.models import Tenant

from tests.fixtures.testby import BENT as VA, SECRETARY

T = "testby"


@pytest.fixture
def board(sync_tenant, passwords):
    sync_tenant(T)
    passwords(SECRETARY, VA)


def test_member_manages_tokens_and_erases_the_account(board, visitor):
    va_id = db.session.scalar(sa.select(User.id).filter_by(email=VA))
    va = visitor()
    va.login(VA)
    page = va.goto("/min-konto")
    va.shoot("account")
    page.get_by_label("Navn").fill("Kalender")
    page.get_by_label("Læse og skrive").check()
    page.get_by_role("button", name="Opret nøgle").click()
    page.get_by_text("Nøglen «Kalender» er oprettet.").wait_for()
    va.axe()
    secret = page.locator("#ny-noegle").inner_text()
    assert secret.startswith("kmt_")
    page.get_by_role("button", name="Tilbagekald Kalender").click()
    page.get_by_text("Nøglen «Kalender» er tilbagekaldt; den virker ikke længere.").wait_for()
    va.axe()
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken.revoked_at).filter_by(name="Kalender")) is not None
    page = va.goto("/min-konto/slet")
    va.shoot("account-erase")
    page.get_by_label("Jeg forstår, at min konto slettes").check()
    page.get_by_role("button", name="Slet min konto").click()
    page.get_by_text("Din konto er slettet, og du er logget ud.").wait_for()
    va.axe()
    db.session.expire_all()
    erased = db.session.get(User, va_id)
    assert erased.erased_at is not None and erased.email == f"erased-{va_id}@invalid"
    assert page.get_by_role("link", name="Log ind").count() == 1


def test_member_subscribes_to_the_calendar_address_and_switches_it_off(board, visitor):
    va = visitor()
    va.login(VA)
    page = va.goto("/min-konto#kalender")
    page.get_by_role("button", name="Opret kalenderadresse").click()
    page.get_by_text("Din kalenderadresse er oprettet.").wait_for()
    va.axe()
    va.shoot("account-calendar-address")
    address = page.locator("#kalender-adresse").inner_text()
    path = "/" + address.split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("/api/v1/calendar/kmc_")
    webcal = page.get_by_role("link", name="Åbn i mit kalenderprogram").get_attribute("href")
    assert webcal.startswith("webcal://")
    program = visitor()  # a calendar program: a context of its own, no cookies
    fetched = program.context.request.get(va.base + path)
    assert fetched.status == 200 and b"BEGIN:VCALENDAR" in fetched.body()
    assert fetched.headers["cache-control"] == "private, max-age=900"
    page = va.goto("/min-konto")  # shown once: not on the next visit
    assert page.locator("#kalender-adresse").count() == 0 and path not in page.content()
    page.get_by_role("button", name="Slå adressen fra").click()
    page.get_by_text("Din kalenderadresse er slået fra").wait_for()
    va.axe()
    assert program.context.request.get(va.base + path).status == 404
    db.session.expire_all()
    assert db.session.scalar(sa.select(CalendarFeed.id)) is None


def test_secretariat_pages_and_the_login_buttons(board, visitor):
    tenant_id = db.session.scalar(sa.select(Tenant.id).filter_by(slug=T))
    db.session.add(IdentityProvider(key="kab", name="KAB (Microsoft Entra ID)", issuer="https://idp.kab.example",
                                    client_id="kommissorium", client_secret_env="KAB_SECRET", tenant_id=tenant_id))
    with tenant_scope(tenant_id):
        db.session.add(Notification(tenant_id=tenant_id, kind="minutes_sent", subject="meeting:1",
                                    recipient=VA, attempts=1, last_error="timeout"))
        db.session.commit()
    admin = db.session.scalar(sa.select(User).filter_by(email=SECRETARY))
    admin.is_platform_admin = True
    db.session.commit()
    sec = visitor()
    page = sec.goto("/log-ind")
    assert page.get_by_role("link", name="Log ind med KAB (Microsoft Entra ID)").count() == 1
    sec.shoot("login-providers")
    sec.login(SECRETARY)
    page = sec.goto(f"/{T}/personer")
    assert "Bent Berg" in page.content()
    sec.shoot("people")
    va_id = db.session.scalar(sa.select(User.id).filter_by(email=VA))
    sec.goto(f"/{T}/personer/{va_id}/slet")
    page = sec.goto(f"/{T}/organer/bestyrelse/kontakter")
    assert VA in page.content()
    page = sec.goto(f"/{T}/udsendelser")
    assert "Fejlet efter 1 forsøg: timeout" in page.content()
    sec.shoot("outbox")
    sec.goto(f"/{T}/organer/bestyrelse")


def test_refused_pages_say_why_and_the_login_returns_to_the_page(board, visitor, create_meeting):
    """A 403 page names who may (Danish and English), a 401 page links to the login, which
    returns to the page afterwards; each page passes axe (docs/permissions.md)."""
    meeting = create_meeting(T, "bestyrelse")
    anonymous = visitor()
    page = anonymous.goto(f"/{T}/moeder/{meeting}")  # 401, checked by axe
    assert page.get_by_text("Du skal være logget ind for at se denne side.").count() == 1
    anonymous.shoot("refused-401")
    page.locator("main").get_by_role("link", name="Log ind").click()
    page.get_by_label("E-mail").fill(VA)
    page.get_by_label("Adgangskode").fill("correct horse battery staple")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(anonymous.base + f"/{T}/moeder/{meeting}")
    anonymous.axe()

    page = anonymous.goto(f"/{T}/sekretariat")  # 403, checked by axe
    assert page.get_by_role("heading", name="Du har ikke adgang til dette").count() == 1
    assert page.get_by_text("Kun sekretariatet kan se denne side.").count() == 1
    anonymous.shoot("refused-403")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"**/{T}/sekretariat*")
    anonymous.axe()
    assert page.get_by_text("Only the secretariat can see this page.").count() == 1
