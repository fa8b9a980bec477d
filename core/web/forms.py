"""Form input on the pages: the API's marshmallow schemas check it (core/web/views.py
``_load``); what they say is shown in the reader's language, naming each field as the page
labels it ("Tidspunkt: skal udfyldes.")."""

from __future__ import annotations

from flask_babel import gettext as _

from core.web import N_

#: marshmallow's messages as the pages say them (matched by their beginning, in order).
MESSAGES = {
    "Missing data for required field.": N_("skal udfyldes."),
    "Field may not be null.": N_("skal udfyldes."),
    "Not a valid datetime.": N_("er ikke et gyldigt tidspunkt."),
    "Not a valid date.": N_("er ikke en gyldig dato (ÅÅÅÅ-MM-DD)."),
    "Not a valid URL.": N_("er ikke en gyldig adresse (https://…)."),
    "Not a valid email address.": N_("er ikke en gyldig e-mailadresse."),
    "Not a valid integer.": N_("skal være et helt tal."),
    "Not a valid": N_("er ikke gyldig."),
    "Must be one of": N_("har en værdi, der ikke kan vælges."),
    "Longer than maximum length": N_("er for lang."),
    "Length must be between": N_("er for lang."),
    "Shorter than minimum length": N_("skal udfyldes."),
    "Must be greater than or equal to": N_("er uden for det tilladte interval."),
    "Must be less than or equal to": N_("er uden for det tilladte interval."),
    "Unknown field.": N_("kendes ikke."),
}
LOCATIONS = ("json", "form", "query", "files")


def say(message: str) -> str:
    """A marshmallow message in the reader's language; the operations' own are Danish."""
    for english, danish in MESSAGES.items():
        if message.startswith(english):
            return _(danish)
    return message


def field_problems(errors, labels: dict, prefix: str = "") -> list[str]:
    """``{field: [messages]}`` (nested by location, list index or unit) as sentences that
    name the field by its label in ``labels``."""
    out = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            key = str(key)
            if key in LOCATIONS:
                out += field_problems(value, labels, prefix)
            elif key in labels:
                out += field_problems(value, labels, _(labels[key]))
            else:
                label = f"{prefix} {key}" if not key.isdigit() else f"{prefix} ({int(key) + 1})"
                out += field_problems(value, labels, label.strip())
    elif isinstance(errors, list | tuple):
        for v in errors:
            out += field_problems(v, labels, prefix)
    else:
        text = say(str(errors))
        out.append(f"{prefix}: {text}" if prefix else text)
    return out


def problems_text(errors, labels: dict) -> str:
    """:func:`field_problems` as one text, each sentence ending with a full stop."""
    return " ".join(p.rstrip(".") + "." for p in field_problems(errors, labels))
