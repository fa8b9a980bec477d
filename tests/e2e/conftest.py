"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``; ``playwright
install`` is not used) against the app served by werkzeug in a thread on a random loopback
port. Every page a test visits is checked at a phone's size (390×844) and a desktop's
(1366×900): axe-core finds zero violations and nothing scrolls sideways (WCAG 2.1 1.4.10,
reflow). Screenshots of the key pages at both sizes go to ``test-artifacts/``.

Without Chromium the tests are skipped with a reason, unless ``KOMMISSORIUM_REQUIRE_BROWSER=1``
(CI), in which case they fail.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.config import PROJECT_ROOT
from tests.fixtures.decisions import (  # noqa: F401
    attend,
    create_item,
    create_meeting,
    decision_item,
    meeting_of,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
#: The sizes every visited page is checked at: a phone (iPhone 12-15) and a desktop.
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
#: What is wider than the page (the document and the elements that stick out), for the message.
_OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > width + 1)
    .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + String(e.className).trim().replace(/\\s+/g, ".") : "")
      + " (" + Math.round(e.getBoundingClientRect().right) + " px)");
  return {scrollWidth: root.scrollWidth, width, wide};
}"""
PASSWORD = "correct horse battery staple"


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"{CHROMIUM} is absent (install Debian's chromium package to run the browser tests)"
    if os.environ.get("KOMMISSORIUM_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; KOMMISSORIUM_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def server(app):
    """The app served on 127.0.0.1 at a random port, in a thread; yields the base URL."""
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(5)


@pytest.fixture
def passwords(app, monkeypatch):
    """``passwords(*emails)``: give these people the test password (argon2 at its cheapest)."""
    from argon2 import PasswordHasher

    from core.extensions import db
    from core.identity import passwords as pw
    from core.identity.models import User

    monkeypatch.setattr(pw, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

    def _set(*emails):
        for email in emails:
            user = db.session.scalar(sa.select(User).filter_by(email=email))
            assert user is not None, email
            user.password_hash = pw.hash_password(PASSWORD)
        db.session.commit()

    return _set


class Visitor:
    """One person's browser context: log in, visit pages (each checked by axe), shoot."""

    def __init__(self, browser, base: str, *, javascript: bool = True):
        self.base = base
        self.context = browser.new_context(java_script_enabled=javascript, locale="da-DK",
                                           viewport=SIZES["desktop"])
        self.page = self.context.new_page()
        self.checked: list[str] = []
        self.javascript = javascript

    def goto(self, path: str):
        self.page.goto(self.base + path)
        self.axe()
        return self.page

    def axe(self) -> None:
        """The page as it is now, at a phone's size and a desktop's: axe-core (every rule)
        finds zero violations, and nothing is wider than the screen (no sideways scroll)."""
        from axe_playwright_python.sync_playwright import Axe

        if not self.javascript:
            return  # axe runs in the page; the same pages are checked in contexts with JavaScript
        # after a form's redirect the text may be there before the stylesheets are: wait for them
        self.page.wait_for_load_state("load")
        for size_name, size in SIZES.items():
            self.page.set_viewport_size(size)
            overflow = self.page.evaluate(_OVERFLOW)
            assert overflow is None, (
                f"{self.page.url} scrolls sideways at {size['width']}×{size['height']} ({size_name}): {overflow}")
            results = Axe().run(self.page)
            assert results.violations_count == 0, (
                f"axe found violations on {self.page.url} at {size_name} size:\n{results.generate_report()}")
        self.checked.append(self.page.url)

    def login(self, email: str) -> None:
        self.goto("/log-ind")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Adgangskode").fill(PASSWORD)
        self.page.get_by_role("button", name="Log ind").click()
        self.page.wait_for_url(self.base + "/")
        self.axe()

    def shoot(self, name: str) -> None:
        """Screenshots of the whole page at both sizes: ``test-artifacts/<name>-phone.png``
        and ``<name>-desktop.png`` (the desktop size is left set)."""
        ARTIFACTS.mkdir(exist_ok=True)
        for size_name, size in SIZES.items():
            self.page.set_viewport_size(size)
            self.page.screenshot(path=str(ARTIFACTS / f"{name}-{size_name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser, server):
    """``visitor(javascript=True)``: a new browser context on the served app."""
    made = []

    def _new(javascript: bool = True) -> Visitor:
        v = Visitor(browser, server, javascript=javascript)
        made.append(v)
        return v

    yield _new
    for v in made:
        v.close()
