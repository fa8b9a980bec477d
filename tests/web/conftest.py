"""The web tests use the decisions factories and a helper for CSRF-protected forms."""

import re

import pytest


_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, page: str) -> str:
    """The CSRF token of a form on ``page``, as a browser would send it."""
    from flask import g

    # The tests' app context spans requests: Flask-WTF's per-request cache of the token on
    # ``g`` would carry another person's token over; forget it, as a new request would.
    g.pop("csrf_token", None)
    html = client.get(page).get_data(as_text=True)
    found = _TOKEN.search(html)
    assert found, f"no form with a CSRF token on {page}"
    return found.group(1)


@pytest.fixture
def submit():
    """``submit(client, page, action, **fields)``: post a form found on ``page`` (with its
    CSRF token) to ``action``, as a browser without JavaScript does; returns the response
    after following the redirect."""

    def _submit(client, page, action, follow=True, **fields):
        from flask import g

        data = {"csrf_token": csrf_token(client, page), **fields}
        g.pop("csrf_token", None)
        return client.post(action, data=data, follow_redirects=follow)

    return _submit
