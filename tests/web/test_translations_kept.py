"""The templates' translations are looked up once per request and language
(core/web/i18n.py): a language forced for a mail inside a request is used for the mail, and
the page's own language comes back after it."""

from flask import render_template_string, session
from flask_babel import force_locale, refresh

SAY = "{{ _('Møder') }}"


def test_a_language_forced_inside_a_request_is_used_and_the_page_s_comes_back(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert render_template_string(SAY) == "Meetings"
        with force_locale("da"):
            assert render_template_string(SAY) == "Møder"
        assert render_template_string(SAY) == "Meetings"
        session["lang"] = "da"  # the language switch, then refresh()
        refresh()
        assert render_template_string(SAY) == "Møder"


def test_without_a_request_the_templates_are_in_danish(app):
    with app.app_context():
        assert render_template_string(SAY) == "Møder"


def test_a_translated_string_is_formatted_and_its_values_escaped_as_jinja_s_own_gettext(app):
    """``_()`` in a template is one call (core/web/i18n.py), with Jinja's newstyle gettext's
    behaviour: the translation is safe markup, each value is escaped, ``%%`` is a per cent
    sign, and a template that does not escape (a mail's text) gets plain text."""
    from flask import render_template_string as render

    from core.web.i18n import _template_gettext

    assert app.jinja_env.globals["_"] is _template_gettext
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert render("{{ _('side %(n)s', n='<b>2</b>') }}") == "page &lt;b&gt;2&lt;/b&gt;"
        assert render("{{ _('100%%') }}") == "100%"
        text = app.jinja_env.from_string("{% autoescape false %}{{ _('side %(n)s', n='<b>') }}"
                                         "{% endautoescape %}")
        assert text.render() == "page <b>"
