"""The other pages: language switch (Danish by default, English catalogue), the dashboard
with next meetings and what waits (rendered generically from ``pending_for_user``),
the annual plan, compliance chart with its table, secretariat, proposals, public pages and
the accessibility statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.hooks.host import PluginHost
from core.meetings.models import MeetingState
from tests.fixtures.testby import BENT as MEMBER
from tests.fixtures.testby import SECRETARY

T = "testby"


@pytest.fixture
def board(testby):
    return testby


def test_danish_by_default_and_english_from_the_switch(board, create_meeting, member, submit):
    meeting = create_meeting(T, "bestyrelse")
    bent = member(MEMBER)
    html = bent.get(f"/{T}/moeder/{meeting}").get_data(as_text=True)
    assert '<html lang="da">' in html and "Dagsorden" in html
    resp = submit(bent, f"/{T}/moeder/{meeting}", "/sprog", follow=False, lang="en",
                  next=f"/{T}/moeder/{meeting}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/{T}/moeder/{meeting}")
    from flask_babel import refresh

    refresh()  # the tests' app context spans requests; a new request would choose afresh
    html = bent.get(f"/{T}/moeder/{meeting}").get_data(as_text=True)
    assert '<html lang="en">' in html and ">Agenda<" in html and "Add the meeting to your calendar" in html
    assert bent.get("/").get_data(as_text=True).count("My overview") >= 1


def test_language_switch_refuses_a_redirect_off_site(board, member, submit):
    resp = submit(member(MEMBER), "/", "/sprog", follow=False, lang="en", next="//evil.example/")
    assert resp.headers["Location"] == "/"


def test_dashboard_lists_next_meetings_and_what_waits_generically(
        app, board, create_meeting, member, monkeypatch, kommissorium_plugins):
    app.extensions["kommissorium.host"] = PluginHost(features=("tests.identity.pending_feature",),
                                                     plugins=kommissorium_plugins)
    create_meeting(T, "bestyrelse", starts_at=datetime.now(UTC) + timedelta(days=9))
    html = member(MEMBER).get("/").get_data(as_text=True)
    assert "Mine næste møder" in html and "Bestyrelsen" in html
    assert f'href="/{T}/moeder/' in html
    assert "Venter på dig" in html and f'href="/{T}/organer/bestyrelse">Læs dagsordenen for' in html


def test_secretary_plans_the_year_and_a_bad_line_keeps_what_was_typed(board, member, submit):
    page = f"/{T}/organer/bestyrelse/moeder?year=2021"
    html = submit(member(SECRETARY), page, f"/{T}/organer/bestyrelse/aarsplan", year="2021",
                  meetings="2021-03-10 17:00, Rådhuset\n2021-06-09 17:00\n").get_data(as_text=True)
    assert "Årsplanen er gemt." in html
    assert "10.03.2021 kl. 17:00" in html and "09.06.2021 kl. 17:00" in html
    bad = submit(member(SECRETARY), page, f"/{T}/organer/bestyrelse/aarsplan", year="2021",
                 meetings="i marts").get_data(as_text=True)
    assert "Ordinære møder, ét pr. linje: skriv tidspunktet på linje 1 som ÅÅÅÅ-MM-DD TT:MM." in bad
    assert ">i marts</textarea>" in bad  # what was typed is still there
    assert member(MEMBER).post(f"/{T}/organer/bestyrelse/aarsplan").status_code in (400, 403)


def test_compliance_chart_has_a_text_table(board, create_meeting, member):
    create_meeting(T, "bestyrelse", starts_at=datetime(2020, 3, 1, 16, tzinfo=UTC), state=MeetingState.HELD)
    html = member(MEMBER).get(f"/{T}/organer/bestyrelse/overholdelse?year=2020").get_data(as_text=True)
    assert '<svg class="chart" role="img" aria-labelledby="chart-title"' in html
    assert "<caption>Tallene bag diagrammet</caption>" in html
    assert '<th scope="row">Møder afholdt</th><td data-label="Opfyldt">1</td>' in html


def test_secretariat_page_is_for_the_tenant_administrators(board, member):
    assert member(SECRETARY).get(f"/{T}/sekretariat").status_code == 200
    assert member(MEMBER).get(f"/{T}/sekretariat").status_code == 403


def test_proposals_page_is_404_for_someone_without_a_role_in_the_tenant(board, naboby, member):
    assert member(MEMBER).get(f"/{T}/forslag").status_code == 200
    assert member(MEMBER).get(f"/{naboby}/forslag").status_code == 404


def test_public_pages_need_no_login_and_show_no_unpublished_meeting(board, create_meeting, create_item, member):
    planned = create_meeting(T, "bestyrelse", state=MeetingState.PLANNED)
    assert member(None).get(f"/{T}/offentlig/moeder/{planned}").status_code == 404
    out = create_meeting(T, "bestyrelse")
    create_item(T, out, title="Lejeforhøjelse", kind="B")
    listing = member(None).get(f"/{T}/offentlig").get_data(as_text=True)
    assert f"/{T}/offentlig/moeder/{out}" in listing and f"/offentlig/moeder/{planned}" not in listing


def test_accessibility_statement(client):
    html = client.get("/tilgaengelighed").get_data(as_text=True)
    assert "<h1>Tilgængelighedserklæring</h1>" in html and "WCAG" in html and "2.1" in html


def test_unknown_page_is_a_danish_html_404(client):
    resp = client.get("/findes/ikke/her")
    assert resp.status_code == 404 and "Siden findes ikke" in resp.get_data(as_text=True)
    assert client.get("/api/v1/nothing").get_json()["code"] == 404


def test_catalogues_are_compiled_at_start(tmp_path):
    from core.web.i18n import TRANSLATIONS, ensure_compiled

    po = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "messages.po").write_bytes(po.read_bytes())
    ensure_compiled(tmp_path)
    assert (target / "messages.mo").stat().st_size > 1000


def test_every_text_of_the_pages_has_an_english_translation():
    """Every message the code and templates mark for translation (babel.cfg) has a non-empty,
    non-fuzzy English entry: a page in English never falls back to Danish."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po

    from core.web.i18n import TRANSLATIONS

    root = TRANSLATIONS.parent.parent
    with open(root / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    wanted = {msg[2] if isinstance(msg[2], str) else msg[2][0]
              for msg in extract_from_dir(str(root), method_map, options_map,
                                          keywords={"_": None, "gettext": None, "N_": None,
                                                    "ngettext": (1, 2), "lazy_gettext": None})}
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    missing = sorted(m for m in wanted if m and (
        catalog.get(m) is None or not catalog.get(m).string or catalog.get(m).fuzzy))
    assert not missing, f"{len(missing)} texts without an English translation: {missing[:10]}"
