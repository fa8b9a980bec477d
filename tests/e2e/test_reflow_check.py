"""The browser tests' own check of reflow (WCAG 2.1 1.4.10): a page that is wider than a
320 CSS px screen fails every test that visits it, naming the width and what sticks out
(tests/fixtures/browser.py). Proven here on a page made to be too wide, so that the
check the other browser tests rely on can fail."""

from __future__ import annotations

import pytest


def test_a_page_wider_than_320_px_fails_the_visit(visitor):
    v = visitor()
    v.page.set_content('<html lang="da"><head><title>Bred</title></head><body><main>'
                       '<h1>Bred</h1><p id="bred" style="width:360px">Tekst</p></main></body></html>')
    with pytest.raises(AssertionError) as refused:
        v.axe()
    assert "320×640 (320 px, WCAG 1.4.10)" in str(refused.value)
    assert "p#bred" in str(refused.value)


def test_a_page_that_reflows_at_320_px_passes(visitor):
    v = visitor()
    v.page.set_content('<html lang="da"><head><title>Smal</title></head><body><main>'
                       '<h1>Smal</h1><p style="max-width:100%">Tekst</p></main></body></html>')
    v.axe()
    assert v.checked
