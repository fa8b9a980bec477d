"""What a request may carry, checked once for every route before any handler reads it.

* An id in a path is a database id: ``<int:…>`` answers 404 beyond the columns' range
  (a signed 32-bit integer), so no database is asked for a number it cannot hold.
* A JSON body is at most ``API_MAX_JSON_BYTES`` (413) and nested at most
  ``API_MAX_JSON_DEPTH`` deep (400): no parser recurses on an attacker's brackets.
* No text (JSON strings and keys, form fields, query parameters) holds a NUL character or
  a lone surrogate, which no database column can store: 422 naming the field.
* A multipart form part without a name (werkzeug keeps it under ``None``) is 400.

The declared access is checked first (core/identity/security.py), so a caller without
access learns nothing from these answers either.
"""

from __future__ import annotations

import json
import re

from flask import Flask, current_app, request
from flask_smorest import abort
from werkzeug.routing import IntegerConverter

#: The largest id a path may name: the id columns are 32-bit integers.
MAX_ID = 2**31 - 1
#: NUL and the surrogate code points, which only a lone surrogate leaves in a ``str``.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "Teksten indeholder et tegn, der ikke kan gemmes (NUL eller et enligt surrogattegn)."
INVALID = "The input is invalid; see errors for each field."
NAMELESS_MESSAGE = "En del af formularen har intet navn (Content-Disposition uden name)."


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a non-negative id no larger than :data:`MAX_ID`."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _depth_and_strings(value):
    """Walk a parsed JSON value without recursion: its nesting depth and each string with
    its field path (``items.0.title``; a key is checked as a string of its own path)."""
    depth = 0
    stack = [(value, "", 0)]
    while stack:
        node, path, level = stack.pop()
        depth = max(depth, level)
        if isinstance(node, dict):
            for key, child in node.items():
                sub = f"{path}.{key}" if path else str(key)
                yield None, sub, key
                stack.append((child, sub, level + 1))
        elif isinstance(node, list):
            for i, child in enumerate(node):
                stack.append((child, f"{path}.{i}" if path else str(i), level + 1))
        elif isinstance(node, str):
            yield None, path, node
    yield depth, "", None


def _refuse_unstorable(location: str, field: str) -> None:
    abort(422, message=INVALID, errors={location: {field or "_schema": [UNSTORABLE_MESSAGE]}})


def _check_json() -> None:
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        parsed = json.loads(data)
    except RecursionError:
        abort(400, message=f"The JSON body is nested deeper than {current_app.config['API_MAX_JSON_DEPTH']} levels.")
    except ValueError:  # not JSON at all: the route's own parser answers, as it always has
        return
    for depth, path, text in _depth_and_strings(parsed):
        if depth is not None:
            if depth > current_app.config["API_MAX_JSON_DEPTH"]:
                abort(400, message=f"The JSON body is nested deeper than "
                                   f"{current_app.config['API_MAX_JSON_DEPTH']} levels.")
        elif isinstance(text, str) and UNSTORABLE.search(text):
            _refuse_unstorable("json", path)


def check_request_input() -> None:
    """``before_request``: the limits above, for every route (API and pages)."""
    if request.is_json:
        request.max_content_length = current_app.config["API_MAX_JSON_BYTES"]
        _check_json()
    for location, values in (("query", request.args), ("form", request.form)):
        for key, value in values.items(multi=True):
            if key is None:
                abort(400, message=INVALID, errors={location: {"_schema": [NAMELESS_MESSAGE]}})
            if UNSTORABLE.search(key):
                _refuse_unstorable(location, "_schema")
            if UNSTORABLE.search(value):
                _refuse_unstorable(location, key)


def bound_ids(app: Flask) -> None:
    """Install the bounded id converter; before any route is added."""
    app.url_map.converters["int"] = IdConverter


def init_app(app: Flask) -> None:
    """Install the input check; after the declared access check."""
    app.before_request(check_request_input)
