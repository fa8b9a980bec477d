"""Reading a refused form's page (core/web/forms.py): the summary at the top, each field's
message by it, and what was typed still in the fields."""

from __future__ import annotations

import re
from html import unescape

_SUMMARY = re.compile(r'<div class="[^"]*\berror-summary\b[^"]*"[^>]*>.*?<div role="alert">(.*?)</div>\s*</div>', re.S)
_ITEM = re.compile(r"<li>(?:<a href=\"#([^\"]+)\"[^>]*>)?([^<]*)(?:</a>)?</li>")


def problems(html: str) -> list[tuple[str | None, str]]:
    """The summary's ``(linked field id or None, message)``; [] when nothing was refused."""
    found = _SUMMARY.search(html)
    if not found:
        return []
    return [(link or None, unescape(text)) for link, text in _ITEM.findall(found.group(1))]


def error_text(html: str) -> str:
    """Every message of the summary, as one text (as the pages once flashed it)."""
    found = problems(html)
    assert found, "no error summary on the page"
    return " ".join(text for _link, text in found)


def field_message(html: str, field_id: str) -> str:
    """The message shown by the field ``field_id``, which is marked invalid and points at it."""
    tag = re.search(r"<(?:input|textarea|select|fieldset)[^>]*\bid=\"%s\"[^>]*>" % re.escape(field_id), html)
    assert tag, f"no field {field_id}"
    assert 'aria-invalid="true"' in tag.group(0) or tag.group(0).startswith("<fieldset")
    assert f'aria-describedby="{field_id}-fejl' in tag.group(0)
    found = re.search(r'<span class="form-error-message" id="%s-fejl"><span class="sr-only">[^<]*</span>([^<]*)</span>'
                      % re.escape(field_id), html)
    assert found, f"no message by {field_id}"
    return unescape(found.group(1))
