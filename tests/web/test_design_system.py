"""Det Fælles Designsystem on the pages (docs/decisions/0027-det-faelles-designsystem-vendored.md):
the vendored files are complete and served from our own origin, every page loads them, the
policy allows no inline style or script, and the icons the templates name exist."""

from __future__ import annotations

import re
import pytest

from core.config import PROJECT_ROOT

STATIC = PROJECT_ROOT / "core" / "web" / "static"
DKFDS = STATIC / "dkfds"
TEMPLATES = sorted((PROJECT_ROOT / "core").glob("*/templates/**/*.html"))


def _script_constant(name: str) -> str:
    text = (PROJECT_ROOT / "scripts" / "vendor_dkfds.py").read_text()
    return re.search(rf'^{name} = "([^"]+)"', text, re.M).group(1)


def test_the_vendored_version_is_the_one_the_script_pins():
    version, integrity = (DKFDS / "VERSION").read_text().split("\n")[:2]
    assert version == f"dkfds {_script_constant('VERSION')}"
    assert integrity == _script_constant("INTEGRITY")
    assert "MIT" in (DKFDS / "LICENSE.md").read_text()
    assert "Open Font License" in (DKFDS / "fonts/IBMPlexSans/complete/woff2/license.txt").read_text()


def test_every_file_the_stylesheet_names_that_a_browser_fetches_is_vendored():
    css = (DKFDS / "css" / "dkfds.min.css").read_text()
    named = set(re.findall(r"url\(\.\./([^)]+)\)", css))
    # eot and ttf are for browsers that read neither woff2 nor woff; the logo placeholders
    # belong to the header's .logo, which the pages do not use.
    fetched = {n for n in named if not n.endswith((".eot", ".ttf")) and "placeholder" not in n}
    assert len(fetched) > 100
    missing = sorted(n for n in fetched if not (DKFDS / n).is_file())
    assert not missing, missing
    assert not any(re.search(r'class="(?:[^"]* )?logo[ "]', t.read_text()) for t in TEMPLATES)


def _static(client, path: str) -> tuple[int, str, bytes]:
    """A static file's status, type and first bytes (the response closed: it holds the file)."""
    resp = client.get(path)
    try:
        return resp.status_code, resp.mimetype, resp.get_data()[:16]
    finally:
        resp.close()


def test_every_page_loads_the_design_system_from_our_own_origin(client):
    html = client.get("/").get_data(as_text=True)
    for href in ("/static/dkfds/css/dkfds.min.css", "/static/site.css", "/static/print.css"):
        assert f'href="{href}"' in html
        assert _static(client, href)[:2] == (200, "text/css")
    assert '<header class="header">' in html and 'class="navigation-menu"' in html
    assert '<footer class="footer">' in html
    status, _type, head = _static(client, "/static/dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Regular.woff2")
    assert status == 200 and head[:4] == b"wOF2"
    assert _static(client, "/static/dkfds/img/all-svg-icons.svg")[0] == 200
    assert "https://" not in html.split("<main")[0]  # nothing from another site in the head or header


def test_the_policy_allows_no_inline_style_or_script(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "script-src" not in directives  # default-src 'self'
    inline = []
    # *_pdf.html are rendered to PDF (core/documents), and templates/notifications/mail/
    # into e-mails (styled inline: mail programs ignore stylesheets); never served to a browser
    for t in (t for t in TEMPLATES if not t.name.endswith("_pdf.html") and t.parent.name != "mail"):
        text = t.read_text()
        if re.search(r"\sstyle=|<style\b|<script(?![^>]*\ssrc=)", text):
            inline.append(str(t.relative_to(PROJECT_ROOT)))
    assert not inline, inline


def test_every_icon_a_template_names_is_in_the_sprite():
    sprite = set(re.findall(r'<symbol id="([^"]+)"', (DKFDS / "img" / "all-svg-icons.svg").read_text()))
    named = set()
    for t in TEMPLATES:
        named |= set(re.findall(r'icon\(\s*"([a-z0-9-]+)"', t.read_text()))
    named |= set(re.findall(r'"(success|error|warning|info)"', (PROJECT_ROOT / "core/web/templates/web/ui.html").read_text()))
    assert {"lock", "error", "person", "language"} <= named
    assert named <= sprite, sorted(named - sprite)


@pytest.mark.parametrize("lang,logout", [("da", "Log ud"), ("en", "Log out")])
def test_the_header_names_the_tenant_and_the_person_in_both_languages(sync_tenant, member, submit, lang, logout):
    sync_tenant("testby")
    client = member("anna@testby.example")
    if lang == "en":
        submit(client, "/testby/", "/sprog", follow=False, lang="en", next="/testby/")
        from flask_babel import refresh

        refresh()  # the tests' app context spans requests; a new request would choose afresh
    html = client.get("/testby/").get_data(as_text=True)
    header = html.split("</header>")[0]
    assert 'class="solution-heading"' in header and "Testby Kommune</a>" in header
    assert '<span class="username">Anna Andersen</span>' in header
    assert f">{logout}</button>" in header
    # the current section of the menu is marked for everyone, not by colour alone
    assert 'aria-current="page"' in header


def test_print_stylesheet_hides_the_navigation_and_shows_where_links_go():
    css = (STATIC / "print.css").read_text()
    hidden = re.search(r"([^{}]+)\{\s*display:\s*none\s*!important", css).group(1)
    for part in (".navigation-menu", ".footer", ".breadcrumbs", "form", ".button"):
        assert part in hidden
    assert 'content: " (" attr(href) ")"' in css


def test_templates_import_the_design_systems_parts_with_their_context():
    for t in TEMPLATES:
        for line in re.findall(r"{%\s*import\s+\"web/ui.html\"[^%]*%}", t.read_text()):
            assert "with context" in line, f"{t.name}: {line}"
