"""Form input on the pages: the API's marshmallow schemas check it (:func:`load`); what they
say is shown in the reader's language, naming each field as the page labels it ("Tidspunkt:
skal udfyldes."). :func:`act` runs a form's operation and commits, or refuses the form
(:func:`refuse_form`) having kept nothing: every feature's pages post through it."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, flash, g, redirect, request
from flask_babel import gettext as _
from flask_smorest import abort
from markupsafe import Markup
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from core import transactions
from core.extensions import db
from core.web import N_, bp

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
    "Must be equal to True": N_("skal afkrydses."),
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


# --------------------------------------------------------------------------- a refused form
#
# A refused form comes back as the page it was sent from, rendered again in the same request
# with the status of the refusal (422, 409 …), the person's input in its fields and each
# message next to its field, plus a summary at the top that links to the fields
# (docs/decisions/0012-forms-keep-what-was-typed.md). Nothing is written: the caller has
# rolled back. Only a successful form redirects (post/redirect/get).


class Refusal:
    """What a refused form said back: ``fields`` maps a field to its sentences (naming the
    field), ``general`` holds messages about no one field (a rule's reason with its clause)."""

    def __init__(self, fields: dict[str, list[str]], general: list[str], which: str | None = None):
        #: The hidden field that tells apart forms alike on a page (one per organisation).
        self.which = which
        self.endpoint = request.endpoint
        self.view_args = {k: v for k, v in (request.view_args or {}).items() if k != "tenant"}
        self.values = request.form
        self.fields = fields
        self.general = general
        #: A file was chosen: it cannot be kept, the page says to choose it again.
        self.had_file = any(f.filename for f in request.files.values())

    @property
    def form(self) -> "Form":
        which = (self.which, self.values.get(self.which, "")) if self.which else None
        return Form(self.endpoint, self.view_args, self, which)


def field_messages(errors, labels: dict) -> tuple[dict[str, list[str]], list[str]]:
    """Errors as the API gives them (``{location: {field: [messages]}}``) as
    ``({field: [sentences]}, [sentences about no known field])``, each sentence naming the
    field by its label."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            key = str(key)
            if key in LOCATIONS:
                f, gen = field_messages(value, labels)
                for k, v in f.items():
                    fields.setdefault(k, []).extend(v)
                general += gen
            elif key in labels:
                fields.setdefault(key, []).extend(field_problems(value, labels, _(labels[key])))
            else:
                general += field_problems({key: value}, labels)
    else:
        general += field_problems(errors, labels)
    return fields, general


def refusal_of(exc: HTTPException, labels: dict, linked: bool = True, which: str | None = None) -> Refusal:
    """A rule's refusal or invalid input (an ``abort`` with ``errors``) as a :class:`Refusal`;
    not ``linked``: the form is one of several alike on its page (a vote per unit), so its
    messages stand at the top without links to fields."""
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    fields, general = field_messages(errors, labels) if errors else ({}, [])
    if not linked:
        fields, general = {}, [m for msgs in fields.values() for m in msgs] + general
    if not fields and not general:
        general = [data.get("message") or exc.description or ""]
    if data.get("clause"):
        clause = f" ({data['clause']})"
        if general:
            general[-1] += clause if not general[-1].endswith(clause) else ""
        else:
            last = list(fields)[-1]
            # a message that names its clause already (a rule's problem by its field) keeps one
            fields[last][-1] += clause if not fields[last][-1].endswith(clause) else ""
    return Refusal(fields, general, which)


def refuse_form(back, refusal: Refusal, status: int = 422) -> Response:
    """The page at ``back`` (the URL of a GET route of this app, or a function that renders
    the page) rendered again for the refused form, with ``status``."""
    g.refusal = refusal
    if callable(back):
        page = back()
    else:
        adapter = current_app.url_map.bind_to_environ(request.environ)
        endpoint, args = adapter.match(urlsplit(back).path, method="GET")
        args.pop("tenant", None)  # the tenant is bound already (core/tenancy.py)
        page = current_app.view_functions[endpoint](**args)
    resp = current_app.make_response(page)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"  # the page holds what was typed
    return resp


def refuse_field(back, field: str, message: str, labels: dict, status: int = 422,
                 linked: bool = True, which: str | None = None) -> Response:
    """Refuse one field with ``message`` (worded as the page labels the field)."""
    sentence = f"{_(labels[field])}: {message}"
    if not linked:
        return refuse_form(back, Refusal({}, [sentence], which), status)
    return refuse_form(back, Refusal({field: [sentence]}, [], which), status)


def refuse_invalid(back, exc: ValidationError, labels: dict) -> Response:
    """Refuse the form with a schema's messages, each naming its field."""
    fields, general = field_messages(exc.messages, labels)
    return refuse_form(back, Refusal(fields, general))


def act(action, done: str, back: str, then=None, labels: dict | None = None, linked: bool = True,
        which: str | None = None):
    """Run an operation (with the parsing of its form) and commit; invalid input or a
    rule's refusal (409, 413, 422, or a 403 that names its rule, as
    ``proposal_origin_allowed``) keeps nothing and renders the page at ``back`` again with
    what was typed and the messages, each naming its field by ``labels``
    (:func:`refuse_form`; ``linked`` and ``which`` as there). ``then(result)`` gives the
    page to go to on success."""
    try:
        result = action()
        transactions.commit()
        flash(done, "success")
    except HTTPException as exc:
        db.session.rollback()
        data = getattr(exc, "data", None) or {}
        if exc.code not in (409, 413, 422) and not (exc.code == 403 and data.get("rule")):
            raise
        return refuse_form(back, refusal_of(exc, labels or {}, linked, which), exc.code)
    return redirect(then(result) if then else back)


def load(schema, data: dict) -> dict:
    """Validate form input with the API's schema; invalid input is a 422 with field messages.
    A field left empty is "to be filled in", whatever limit it broke."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        errors = exc.messages
        if isinstance(errors, dict):
            errors = {k: (["Missing data for required field."] if data.get(k) in ("", None) else v)
                      for k, v in errors.items()}
        abort(422, message="The input is invalid.", errors={"form": errors})


def form_values(*names: str) -> dict:
    """The named fields of the form that was sent, as typed."""
    return {n: request.form[n] for n in names if n in request.form}


def filled_values(*names: str) -> dict:
    """The named form fields that are not left empty, trimmed (empty optional fields keep
    their defaults; a required one is reported as not filled in)."""
    return {n: request.form[n].strip() for n in names if request.form.get(n, "").strip()}


def form_lines(name: str) -> list[str]:
    """A text field's lines that are not blank, trimmed."""
    return [line.strip() for line in request.form.get(name, "").splitlines() if line.strip()]


class Form:
    """A form on a page as its template sees it: the values to show (what was typed, if this
    form was just refused; else the stored ones), the messages and the fields' ids.

    In a template: ``{% set f = form_for("web.update_item", meeting_id=m.id, item_id=i.id) %}``,
    then ``<label for="{{ f.id('title') }}">``, ``{{ f.message('title') }}`` and
    ``<input {{ f.attrs('title') }} name="title" value="{{ f.value('title', item.title) }}">``.
    """

    def __init__(self, endpoint: str, args: dict, refusal: Refusal | None, which: tuple | None = None):
        self.endpoint = endpoint
        # The arguments by name, so a template and the route give the same key.
        self.key = "-".join([endpoint.rpartition(".")[2].replace("_", "-")]
                            + [str(args[k]) for k in sorted(args)] + ([str(which[1])] if which else []))
        self.refusal = refusal

    @property
    def sent(self) -> bool:
        """This form was sent and refused: its fields show what was typed."""
        return self.refusal is not None

    def value(self, name: str, default=""):
        if self.refusal is None:
            return "" if default is None else default
        return self.refusal.values.get(name, "")

    def values(self, name: str, default=()) -> list:
        return self.refusal.values.getlist(name) if self.refusal is not None else list(default)

    def checked(self, name: str, default: bool = False, value: str | None = None) -> Markup:
        """``checked`` for a checkbox or a radio button (``value``) as typed, or ``default``."""
        if self.refusal is None:
            on = default
        elif value is None:
            on = name in self.refusal.values
        else:
            on = value in self.refusal.values.getlist(name)
        return Markup(" checked") if on else Markup("")

    def selected(self, name: str, value: str, default: bool = False) -> Markup:
        """``selected`` for an option as chosen, or ``default``."""
        on = default if self.refusal is None else value in self.refusal.values.getlist(name)
        return Markup(" selected") if on else Markup("")

    def id(self, field: str) -> str:
        return f"{self.key}-{field}"

    def errors(self, field: str) -> list[str]:
        return self.refusal.fields.get(field, []) if self.refusal is not None else []

    def attrs(self, field: str, described: str = "") -> Markup:
        """The field's ``id``, and when it was refused ``aria-invalid`` and
        ``aria-describedby`` pointing at its message (before ``described``, a help text's id)."""
        # concatenated, not Markup.format: a meeting page asks this of about 240 fields
        return Markup(' id="') + self.id(field) + Markup('"') + self.invalid(field, described)

    def invalid(self, field: str, described: str = "") -> Markup:
        """:meth:`attrs` without the id, for a second input of the same field (a time)."""
        ids = ([f"{self.id(field)}-fejl"] if self.errors(field) else []) + ([described] if described else [])
        out = Markup(' aria-invalid="true"') if self.errors(field) else Markup("")
        if ids:
            out += Markup(' aria-describedby="{}"').format(" ".join(ids))
        return out

    def message(self, field: str) -> Markup:
        """The field's message, shown next to it (between its label and the input)."""
        found = self.errors(field)
        if not found:
            return Markup("")
        return Markup('<span class="form-error-message" id="{}-fejl"><span class="sr-only">{}: </span>{}</span>').format(
            self.id(field), _("Fejl"), " ".join(found))

    def group(self, field: str) -> Markup:
        """The class of the field's ``form-group``: ``form-group``, and ``form-error`` when
        the field was refused (the design system's red bar by the field)."""
        return Markup("form-group form-error") if self.errors(field) else Markup("form-group")

    def file_note(self, field: str = "file") -> Markup:
        """A file chosen for a refused form is not kept: say so by the file field."""
        if self.refusal is None or not self.refusal.had_file:
            return Markup("")
        return Markup('<span class="form-error-message">{}</span>').format(
            _("Filen blev ikke gemt, fordi formularen blev afvist. Vælg den igen."))


def form_for(endpoint: str, which: tuple | None = None, **args) -> Form:
    """The :class:`Form` that posts to ``endpoint`` with ``args`` (the route's arguments but
    the tenant); it carries the refusal when that form was just sent and refused. ``which``,
    ``(hidden field, value)``, tells apart forms alike on one page."""
    refusal = g.get("refusal")
    if refusal is not None and (
        refusal.endpoint != endpoint
        or refusal.view_args != args
        or (which is not None and refusal.values.get(which[0]) != which[1])
    ):
        refusal = None
    return Form(endpoint, args, refusal, which)


def summary() -> list[tuple[str | None, str]]:
    """The refused form's messages for the summary at the top: ``(field id or None, text)``."""
    refusal = g.get("refusal")
    if refusal is None:
        return []
    form = refusal.form
    out = [(form.id(k), m) for k, msgs in refusal.fields.items() for m in msgs]
    return out + [(None, m) for m in refusal.general]


@bp.teardown_app_request
def _forget_refusal(_exc=None):
    # A refusal belongs to its request (an app context may outlive it, as in the tests).
    g.pop("refusal", None)


@bp.app_context_processor
def _forms():
    return {"form_for": form_for, "error_summary": summary}
