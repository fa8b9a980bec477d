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
