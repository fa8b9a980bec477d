"""A clean tree: running the app or the tests changes no tracked file (issue 14, item 10).

The compiled message catalogues (``messages.mo``) are made from the ``.po`` files at
install (``make install``) and at start-up (``core/web/i18n.py``); they are not in git, so
compiling them can never leave a fresh clone dirty."""

import shutil
import subprocess

import pytest

from core.config import PROJECT_ROOT


def _git(*args: str) -> str:
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          check=False).stdout


def test_compiled_catalogues_are_not_tracked():
    tracked = _git("ls-files", "core/translations").split()
    assert not [p for p in tracked if p.endswith(".mo")], tracked
    assert {"core/translations/da/LC_MESSAGES/messages.po",
            "core/translations/en/LC_MESSAGES/messages.po"} <= set(tracked)


def test_compiled_catalogues_are_ignored():
    for lang in ("da", "en"):
        path = f"core/translations/{lang}/LC_MESSAGES/messages.mo"
        assert _git("check-ignore", path).strip() == path


def test_starting_the_app_leaves_the_translations_as_git_has_them(app):
    """The app (made by the fixture) compiled what it needed; git sees no change."""
    from core.web.i18n import TRANSLATIONS, ensure_compiled

    ensure_compiled()
    assert (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo").exists()
    assert _git("status", "--porcelain", "--", "core/translations") == ""


def test_make_install_compiles_the_catalogues():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pybabel -q compile -d core/translations" in makefile
