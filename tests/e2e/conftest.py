"""The core's browser tests (tests/fixtures/browser.py has the browser, the served app and
the visitor that checks every page with axe and for sideways scrolling)."""
