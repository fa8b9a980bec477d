"""A sixth municipality onboarded from nothing, in a real browser, with axe-core and the
sideways-scroll check at 390×844 and 1366×900 on every page visited (issue #18, item 4).

The platform administrator creates the tenant (refused first with a slug already taken:
409, the error summary names the field, nothing kept) and invites its secretary; the
invitation mail goes out through a real SMTP server; the secretary follows its link, chooses
a password, logs in, adds the organisations taking part (one the platform knows from Testby,
found and not duplicated; one new), creates a board, adds its seats with their holders, and
plans the board's first meeting. Screenshots: test-artifacts/onboarding-*.png."""

from __future__ import annotations

import re

import sqlalchemy as sa

from core.extensions import db
from core.organisations.models import Organisation
from core.tenancy import all_tenants
from core.tenants.models import Tenant
from tests.fixtures.browser import PASSWORD
from tests.fixtures.testby import BENT, OUTSIDER, TESTBY

ADMIN = BENT  # made the platform's administrator
SARA = "sara@sjetteby.example"


def _tenants() -> int:
    with all_tenants():
        db.session.expire_all()
        return db.session.scalar(sa.select(sa.func.count(Tenant.id)))


def test_a_sixth_municipality_is_onboarded_from_nothing(testby, app, passwords, visitor, smtp_server,
                                                        monkeypatch):
    from core.identity.models import User
    from core.notifications.operations import tick

    monkeypatch.setitem(app.config, "REDIS_URL", "")  # the mail delivered in process
    with all_tenants():
        db.session.scalar(sa.select(User).filter_by(email=ADMIN)).is_platform_admin = True
        db.session.commit()
    passwords(ADMIN)
    admin = visitor()
    admin.login(ADMIN)
    page = admin.page
    page.get_by_role("link", name="Platformens administration").click()
    page.wait_for_url("**/platform/kommuner")
    admin.axe()
    before = _tenants()
    form = page.locator("form", has=page.get_by_role("button", name="Opret kommunen"))
    form.get_by_label("Kommunens navn").fill("Sjetteby Kommune")
    form.get_by_label("Adresse (slug)").fill("testby")  # taken: refused
    form.get_by_label("Helhedsplan").fill("Sjetteby helhedsplan 2027-2030")
    form.get_by_label("Perioden begynder").fill("2027-01-01")
    form.get_by_label("Perioden slutter").fill("2030-12-31")
    form.get_by_label("Kommunens organisationskode").fill("SJE-KOM")
    form.get_by_label("Organisationens navn").fill("Sjetteby Kommune")
    form.get_by_label("Sekretærens e-mail").fill(SARA)
    form.get_by_label("Sekretærens navn").fill("Sara Sekretær")
    form.get_by_role("button", name="Opret kommunen").click()
    summary = page.locator("#fejl")
    assert "Adresse (slug)" in summary.inner_text() and "allerede" in summary.inner_text()
    assert page.get_by_label("Sekretærens e-mail").input_value() == SARA  # what was typed stays
    assert _tenants() == before
    admin.axe()
    admin.shoot("onboarding-tenant-refused")
    form = page.locator("form", has=page.get_by_role("button", name="Opret kommunen"))
    form.get_by_label("Adresse (slug)").fill("sjetteby")
    form.get_by_role("button", name="Opret kommunen").click()
    page.wait_for_url("**/platform/kommuner")
    admin.axe()
    assert page.get_by_text("Kommunen er oprettet, og sekretæren er inviteret").count() == 1
    assert page.locator("table").get_by_role("link", name="Sjetteby Kommune", exact=True).count() == 1
    assert _tenants() == before + 1
    admin.shoot("onboarding-tenants")
    # a tenant from a tenant file: a bad one shows its problems, a good one its changes
    good = TESTBY.read_text(encoding="utf-8").replace('slug = "testby"', 'slug = "filby"')
    for content, name in ((good.replace("meetings_per_year = 4", "meetings_per_year = -1", 1), "problems"),
                          (good, "preview")):
        page.locator("input[type=file]").set_input_files(
            {"name": "filby.toml", "mimeType": "text/plain", "buffer": content.encode()})
        page.get_by_role("button", name="Vis ændringerne").click()
        page.get_by_role("heading", level=1, name="Datafilen filby.toml").wait_for()
        admin.axe()
        admin.shoot(f"onboarding-file-{name}")
        if name == "problems":
            assert "meetings_per_year" in page.locator("table").inner_text()
            assert page.get_by_role("button", name="Anvend datafilen").count() == 0
            assert _tenants() == before + 1
            page.get_by_role("link", name="Ret filen, og vælg den igen").click()
            page.wait_for_url("**/platform/kommuner#datafil")
    assert "created tenant filby" in page.locator("main").inner_text()
    assert _tenants() == before + 1  # nothing written before it is applied
    page.get_by_role("button", name="Anvend datafilen").click()
    page.wait_for_url("**/platform/kommuner")
    admin.axe()
    assert page.get_by_text("Datafilen er anvendt").count() == 1
    assert _tenants() == before + 2

    # the invitation mail, through the SMTP server, with its link
    tick()
    [mail] = smtp_server.to(SARA)
    text = mail.get_body(("plain",)).get_content()
    assert "Sjetteby Kommune" in mail["Subject"]
    [link] = re.findall(r"https?://\S+(/adgangskode/kmr_[A-Za-z0-9_-]+)", text)
    sara = visitor()
    page = sara.goto(link)
    page.get_by_label("Ny adgangskode").fill(PASSWORD)
    page.get_by_label("Gentag adgangskoden").fill(PASSWORD)
    page.get_by_role("button", name="Skift adgangskode").click()
    page.get_by_text("Din adgangskode er skiftet").wait_for()
    sara.axe()
    sara.login(SARA)

    # the organisations taking part
    page = sara.goto("/sjetteby/sekretariat")
    page.get_by_role("link", name="Organisationer").click()
    page.wait_for_url("**/sjetteby/sekretariat/organisationer")
    sara.axe()
    form = page.locator("form", has=page.get_by_role("button", name="Tilføj organisationen"))
    form.get_by_label("Kode").fill("TST-B")  # known from Testby: found, its name kept
    form.get_by_role("button", name="Tilføj organisationen").click()
    page.wait_for_url("**/sjetteby/sekretariat/organisationer")
    sara.axe()
    assert "Boligselskabet B" in page.locator("table").inner_text()
    form = page.locator("form", has=page.get_by_role("button", name="Tilføj organisationen"))
    form.get_by_label("Kode").fill("SJE-BO")  # new: without a name, refused
    form.get_by_role("button", name="Tilføj organisationen").click()
    assert "Navn" in page.locator("#fejl").inner_text()
    sara.axe()
    form = page.locator("form", has=page.get_by_role("button", name="Tilføj organisationen"))
    form.get_by_label("Navn").fill("Sjetteby Boligselskab")
    form.get_by_label("Slags").select_option("housing_organisation")
    form.get_by_role("button", name="Tilføj organisationen").click()
    page.wait_for_url("**/sjetteby/sekretariat/organisationer")
    sara.axe()
    assert "Sjetteby Boligselskab" in page.locator("table").inner_text()
    sara.shoot("onboarding-organisations")
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id)).filter_by(code="TST-B")) == 1

    # a board, its seats and its first meeting
    page = sara.goto("/sjetteby/sekretariat")
    form = page.locator("form", has=page.get_by_role("button", name="Opret organet"))
    form.get_by_label("Navn", exact=True).fill("Bestyrelsen for helhedsplanen")
    form.get_by_label("Nøgle").fill("bestyrelse")
    form.get_by_label("Slags").select_option("board")
    form.get_by_label("Møder om året").fill("4")
    form.get_by_role("button", name="Opret organet").click()
    page.wait_for_url("**/sjetteby/organer/bestyrelse/pladser")
    sara.axe()
    for title, key, org, role, holder in (
        ("Formand", "formand", "SJE-KOM", "chair", SARA),
        ("Medlem for Boligselskabet B", "tst-b", "TST-B", "member", OUTSIDER),
    ):
        form = page.locator("form", has=page.get_by_role("button", name="Tilføj pladsen"))
        form.get_by_label("Titel").fill(title)
        form.get_by_label("Nøgle").fill(key)
        form.get_by_label("Organisation").select_option(org)
        form.get_by_label("Rolle").select_option(role)
        form.get_by_label("Indehaver").select_option(holder)
        form.get_by_role("button", name="Tilføj pladsen").click()
        page.wait_for_url(f"**/sjetteby/organer/bestyrelse/pladser/{key}")  # the seat's page
        sara.axe()
        assert title in page.locator("main").inner_text()
        page = sara.goto("/sjetteby/organer/bestyrelse/pladser")
    seats = page.locator("table").inner_text()
    assert "Sara Sekretær" in seats and "Ulla Udenfor" in seats  # held from today
    sara.shoot("onboarding-seats")
    page = sara.goto("/sjetteby/organer/bestyrelse/moeder?year=2027")
    form = page.locator("form", has=page.get_by_role("button", name="Opret mødet"))
    form.get_by_label("Dato").fill("2027-03-10")
    form.get_by_label("Klokkeslæt").fill("17:00")
    form.get_by_label("Overskrift").fill("Første møde")
    form.get_by_label("Sted").fill("Rådhuset")
    form.get_by_role("button", name="Opret mødet").click()
    page.wait_for_url("**/sjetteby/moeder/*")
    sara.axe()
    assert "Første møde" in page.get_by_role("heading", level=1).inner_text()
    sara.shoot("onboarding-first-meeting")
    page = sara.goto("/sjetteby/")
    assert page.get_by_role("link", name="Bestyrelsen for helhedsplanen").count() >= 1


def test_identity_providers_are_managed_in_the_browser(testby, app, passwords, visitor, monkeypatch):
    """The platform administrator adds a provider for an organisation (refused first with
    scopes without openid: the summary names the field, nothing kept), sees that its secret's
    variable is not set, and disables it; the secretariat sees its tenant's own providers
    only. Danish and English. Screenshots: test-artifacts/providers-*.png."""
    from core.identity.models import IdentityProvider, User
    from tests.fixtures.testby import SECRETARY

    with all_tenants():
        db.session.scalar(sa.select(User).filter_by(email=ADMIN)).is_platform_admin = True
        db.session.commit()
    passwords(ADMIN, SECRETARY)
    admin = visitor()
    admin.login(ADMIN)
    page = admin.goto("/platform/kommuner")
    page.get_by_role("link", name="Login-udbydere").click()
    page.wait_for_url("**/platform/login-udbydere")
    admin.axe()
    form = page.locator("form", has=page.get_by_role("button", name="Tilføj udbyderen"))
    form.get_by_label("Nøgle").fill("tstb")
    form.get_by_label("Navn på login-knappen").fill("Boligselskabet B (Entra ID)")
    form.get_by_label("Udsteder (issuer)").fill("https://login.example/tstb")
    form.get_by_label("Klient-id").fill("kommissorium")
    form.get_by_label("Miljøvariabel med klienthemmeligheden").fill("TSTB_OIDC_SECRET")
    form.get_by_label("Scopes").fill("email profile")
    form.get_by_label("Organisation").fill("TST-B")
    form.get_by_role("button", name="Tilføj udbyderen").click()
    assert "Scopes" in page.locator("#fejl").inner_text()
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count(IdentityProvider.id))) == 0
    admin.axe()
    admin.shoot("providers-refused")
    form = page.locator("form", has=page.get_by_role("button", name="Tilføj udbyderen"))
    form.get_by_label("Scopes").fill("openid email profile")
    form.get_by_role("button", name="Tilføj udbyderen").click()
    page.wait_for_url("**/platform/login-udbydere/tstb")
    admin.axe()
    assert "TSTB_OIDC_SECRET er ikke sat" in page.locator("main").inner_text()
    page.get_by_label("Tilbydes ved login").uncheck()
    page.get_by_role("button", name="Gem udbyderen").click()
    page.wait_for_url("**/platform/login-udbydere/tstb")
    admin.axe()
    assert "Deaktiveret" in page.locator("main").inner_text()
    admin.shoot("providers-provider")
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/platform/login-udbydere/tstb")
    admin.axe()
    assert "Disabled: not offered at login" in page.locator("main").inner_text()
    admin.shoot("providers-provider-en")
    # the secretariat: its tenant's own only (none yet), the organisation's not listed
    sec = visitor()
    sec.login(SECRETARY)
    page = sec.goto("/testby/sekretariat")
    page.get_by_role("link", name="Login-udbydere").click()
    page.wait_for_url("**/testby/sekretariat/login-udbydere")
    sec.axe()
    assert "tstb" not in page.locator("main").inner_text()
    sec.shoot("providers-secretariat")
