"""The string field types of the API's input schemas.

``Text`` is every string a person or program sends: no NUL character or lone surrogate
(which no database column stores) and at most a sensible length, documented in the OpenAPI
document as ``maxLength``. ``VisibleText`` is a title or a text that must say something: it
is stripped, and one of only spaces, invisible or zero-width characters is refused.
"""

from __future__ import annotations

import unicodedata

from marshmallow import ValidationError, fields, validate

from core.inputs import UNSTORABLE, UNSTORABLE_MESSAGE

#: The longest text a field takes unless it says otherwise: a long case text
#: (sagsfremstilling) is some tens of thousands of characters.
MAX_TEXT = 100_000


class Text(fields.String):
    """A string without NUL or lone surrogates, at most ``MAX_TEXT`` characters unless a
    ``Length`` validator says otherwise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not any(isinstance(v, validate.Length) and v.max is not None for v in self.validators):
            self.validators.append(validate.Length(max=MAX_TEXT))

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if UNSTORABLE.search(text):
            raise ValidationError(UNSTORABLE_MESSAGE)
        return text


def _visible(text: str) -> bool:
    """Whether ``text`` has a character one can see: not a space (Z*), nor a control or
    format character (C*, zero-width spaces and joiners among them)."""
    return any(unicodedata.category(c)[0] not in "ZC" for c in text)


class VisibleText(Text):
    """``Text`` that must say something: stripped, and refused when nothing visible is
    left (spaces only, zero-width characters only)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not _visible(text):
            raise ValidationError("Skal indeholde tekst.")
        return text
