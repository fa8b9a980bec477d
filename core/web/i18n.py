"""Languages of the pages: Danish by default, English on request (Flask-Babel).

The message catalogues are in ``core/translations/<lang>/LC_MESSAGES/messages.po``; the
source language of the templates is Danish, so the Danish catalogue is the identity and
the English one carries the translations. Refresh them with::

    pybabel extract -F babel.cfg -o core/translations/messages.pot .
    pybabel update -i core/translations/messages.pot -d core/translations
    pybabel compile -d core/translations

The compiled ``.mo`` files are not in git: ``make install`` compiles them, and
:func:`ensure_compiled` compiles a catalogue at start-up where its ``.mo`` is missing or its
``.po`` is newer (an edited translation), so running the app or the tests never changes a
tracked file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, request, session
from flask_babel import get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup

#: The languages offered, in the order the switch shows them.
LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

log = logging.getLogger(__name__)


def select_locale() -> str:
    """The language chosen with the switch (kept in the session), else Danish."""
    chosen = session.get("lang") if request else None
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def ensure_compiled(directory: Path = TRANSLATIONS) -> None:
    """Compile each ``messages.po`` whose ``messages.mo`` is missing or older."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
            with mo.open("wb") as f:
                write_mo(f, catalog)
        except OSError:  # a read-only install: the .mo compiled when it was built is used
            log.warning("could not compile %s", po)


def init_i18n(app: Flask) -> None:
    from core.extensions import babel

    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Copenhagen")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    ensure_compiled()
    babel.init_app(app, locale_selector=select_locale)
    # The templates' _() looks the catalogue up once per request and language, not on every
    # string: a meeting page of 30 items translates about a thousand strings.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # ... and ``_()`` is one call, not three: Jinja's alias resolves ``gettext`` from the
    # context and its newstyle wrapper calls the lambda above through the context again.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)

    @app.context_processor
    def _languages():
        from flask_babel import get_locale

        return {"LANGUAGES": LANGUAGES, "current_language": str(get_locale() or DEFAULT_LANGUAGE)}


@pass_eval_context
def _template_gettext(eval_ctx, string: str, **variables) -> str:
    """A template's ``_("…", name=value)``, as Jinja's newstyle gettext does it: the
    translation, marked safe where the template escapes, always formatted with ``%``."""
    translated = _translations().ugettext(string)
    if eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


def _translations():
    """Flask-Babel's translations for the request's language, kept on the request with the
    locale they are for: a language forced for a mail (``force_locale``) sets another
    locale object, so its strings are looked up anew, and so are the page's after it."""
    ctx = g.get("_flask_babel") if g else None
    locale = getattr(ctx, "babel_locale", None)
    kept = getattr(ctx, "kommissorium_translations", None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    ctx = g.get("_flask_babel") if g else None
    locale = getattr(ctx, "babel_locale", None)
    if ctx is not None and locale is not None:
        ctx.kommissorium_translations = (locale, translations)
    return translations

