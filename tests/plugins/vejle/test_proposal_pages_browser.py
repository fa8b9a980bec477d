"""In a real browser, with axe-core on every page visited (zero violations): a theme-group
member starts a proposal with a file (VEJ-5), the group's secretary sends it to hearing
(VEJ-6), an organisation follows the dashboard's link to the hearing and answers, the
secretary closes the hearing and records the group's position; the follow-ups of an
adopted principle are marked done from their page (VEJ-1); the new pages also in English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.plugins.vejle.test_proposal_pages import adopt_principle

pytestmark = pytest.mark.xdist_group("browser")

T = "vejle"
THEME = "temagruppe-boligsocial"
THEME_MEMBER = "tina.tvede@vejle.example"
THEME_SECRETARY = "susan.soerensen@bolivvejle.example"
FS_SECRETARY = "laerke.lindberg@bolivvejle.example"
AAB = "aase.albaek@aab.example"


@pytest.fixture
def vejle(sync_tenant, passwords):
    sync_tenant(T)
    passwords(THEME_MEMBER, THEME_SECRETARY, FS_SECRETARY, AAB)


def test_proposal_started_heard_and_carried_on_in_the_browser_VEJ_5_VEJ_6(vejle, visitor, tmp_path):
    tina = visitor()
    tina.login(THEME_MEMBER)
    page = tina.goto(f"/{T}/forslag")
    page.get_by_label("Organ").select_option(THEME)
    page.get_by_label("Titel").fill("Fælles principper for anvisning")
    page.get_by_label("Forslaget", exact=True).fill("Udkast til principper for anvisning.")
    page.get_by_label("Der ønskes besluttet").fill("BPU vedtager principperne.")
    page.get_by_label("Emner").fill("principle")
    pdf = tmp_path / "principper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% principper\n")
    page.get_by_label("Bilag").set_input_files(str(pdf))
    page.get_by_role("button", name="Rejs forslaget").click()
    page.get_by_text("Forslaget er rejst.").wait_for()
    tina.axe()
    tina.shoot("proposal-started")
    proposal_path = page.url.removeprefix(tina.base)
    assert page.get_by_role("link", name="principper.pdf").count() == 1

    sec = visitor()
    sec.login(THEME_SECRETARY)
    page = sec.goto(proposal_path)
    day = (datetime.now(UTC) + timedelta(days=21)).strftime("%Y-%m-%d")
    page.get_by_label("Svarfrist (dato)").fill(day)
    for code in ("OSTERBO", "LEJERBO", "DOMEA", "GIVE", "GREJSDALEN", "JELLING", "VEJ-KOM"):
        box = page.locator(f"#org-{code}")
        if box.count():
            box.uncheck()
    page.get_by_role("button", name="Send forslaget i høring").click()
    page.get_by_text("Forslaget er sendt i høring.").wait_for()
    sec.axe()
    sec.shoot("proposal-hearing-opened")

    aab = visitor()
    aab.login(AAB)
    aab.page.get_by_role("link", name="Høringssvar fra AAB: Fælles principper for anvisning").click()
    aab.page.wait_for_url(f"**{proposal_path}/hoeringssvar")  # the answer page (CORE-HEARING)
    aab.axe()
    aab.page.get_by_label("Ingen bemærkninger").check()
    aab.page.get_by_role("button", name="Afgiv høringssvar").click()
    aab.page.get_by_text("Høringssvaret er afgivet.").wait_for()
    aab.axe()

    page = sec.goto(proposal_path)
    page.get_by_role("button", name="Afslut høringen og send forslaget videre").click()
    page.get_by_text("Høringen er afsluttet").first.wait_for()
    sec.axe()
    page.get_by_label("Føres videre").check()
    page.get_by_label("Beslutningens ordlyd").fill("Høringssvarene er indarbejdet.")
    page.get_by_role("button", name="Registrér beslutningen").click()
    page.get_by_text("Beslutningen er registreret.").wait_for()
    sec.axe()
    sec.shoot("proposal-carried-on")
    assert "ført videre" in page.inner_text("main")


def test_follow_ups_marked_done_in_the_browser_and_pages_in_english_VEJ_1(vejle, member, visitor):
    pid = adopt_principle(member)

    lærke = visitor()
    lærke.login(FS_SECRETARY)
    page = lærke.goto(f"/{T}/forslag/opfoelgninger")
    lærke.shoot("follow-ups")
    page.get_by_role("button", name="Markér som udført — Principbeslutning behandles i byrådet (byraadet)").click()
    page.get_by_text("Opfølgningen er markeret som udført.").wait_for()
    lærke.axe()
    for path in (f"/{T}/forslag/{pid}", f"/{T}/forslag"):
        lærke.goto(path)
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    lærke.axe()
    assert "Start a proposal" in page.inner_text("main")
    for path in (f"/{T}/forslag/{pid}", f"/{T}/forslag/opfoelgninger", "/"):
        lærke.goto(path)
    lærke.shoot("proposal-in-english")
