"""The API's JSON: every date and time in ISO 8601 (issue 14, item 8).

Flask's default writes a ``datetime`` that reaches ``jsonify`` outside a marshmallow field
(a dict in a ``fields.Dict``, a plain answer) as an HTTP date ("Sun, 06 Dec 2026 …"),
while the schemas' fields write ISO 8601; one answer then held both. This provider writes
``datetime`` (timezone-aware, as stored) and ``date`` as ISO 8601 everywhere.
"""

from __future__ import annotations

from datetime import date, datetime

from flask.json.provider import DefaultJSONProvider


class IsoJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, with dates and times in ISO 8601."""

    @staticmethod
    def default(o):
        if isinstance(o, (datetime, date)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
