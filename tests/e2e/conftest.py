"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``; ``playwright
install`` is not used) against the app served by werkzeug in a thread on a random loopback
port. Every page a test visits is checked with axe-core (zero violations); screenshots of
the key pages go to ``test-artifacts/``.

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
                                           viewport={"width": 1100, "height": 900})
        self.page = self.context.new_page()
        self.checked: list[str] = []
        self.javascript = javascript

    def goto(self, path: str):
        self.page.goto(self.base + path)
        self.axe()
        return self.page

    def axe(self) -> None:
        """axe-core on the page as it is now: every rule, zero violations."""
        from axe_playwright_python.sync_playwright import Axe

        if not self.javascript:
            return  # axe runs in the page; the same pages are checked in contexts with JavaScript
        results = Axe().run(self.page)
        assert results.violations_count == 0, (
            f"axe found violations on {self.page.url}:\n{results.generate_report()}")
        self.checked.append(self.page.url)

    def login(self, email: str) -> None:
        self.goto("/log-ind")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Adgangskode").fill(PASSWORD)
        self.page.get_by_role("button", name="Log ind").click()
        self.page.wait_for_url(self.base + "/")
        self.axe()

    def shoot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

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
