"""Pages beside their feature (docs/decisions/0022-pages-beside-their-feature.md): each
feature's pages and templates are in its own folder, ``core/web/`` is the shell, and the
imports between the page modules and the shell go one way."""

import ast
from pathlib import Path

import pytest

from tests.test_import_structure import _cycles, _is_page_module  # one cycle finder for both

ROOT = Path(__file__).resolve().parents[2]
#: The shell's own pages; every other ``web.…`` page belongs to a feature.
SHELL_PAGES = {"web.set_language", "web.accessibility"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in (ROOT / "core").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module of core/ and the modules of core/ it imports, at the top or in a function.
    ``core`` itself, the app factory that puts the features together, is left out."""

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                deps |= {known(a.name) for a in node.names if a.name.startswith("core")}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("core"):
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    deps.add(full if full in modules else known(node.module))
        graph[name] = deps - {None, name, "core"}
    return graph


@pytest.fixture(scope="module")
def graph():
    return _imports(_modules())


def test_no_import_circle_through_the_pages_or_the_shell(graph):
    """No page module and no module of the shell is part of an import circle (the circle
    between views.py and proposal_pages.py is gone)."""
    tangled = [sorted(c) for c in _cycles(graph)
               if any(_is_page_module(m) or m.startswith("core.web") for m in c)]
    assert not tangled, tangled


def test_the_shell_imports_no_feature_pages(graph):
    shell = {m: deps for m, deps in graph.items() if m.startswith("core.web")}
    assert shell, "core/web/ is the shell"
    reaching = {m: sorted(d for d in deps if _is_page_module(d)) for m, deps in shell.items()}
    assert not any(reaching.values()), reaching


def test_a_feature_imports_no_pages_of_a_feature_built_on_it(graph):
    """Pages may build on the pages of a feature they depend on (the live vote on the
    meeting page), never the other way: the meetings' pages know nothing of the decisions'."""
    meetings_pages = {m: deps for m, deps in graph.items()
                      if m.startswith("core.meetings.") and _is_page_module(m)}
    assert meetings_pages
    assert not {d for deps in meetings_pages.values() for d in deps if d.startswith("core.decisions")}


def test_every_page_lives_in_its_feature_with_its_templates():
    """Every ``web.…`` page but the shell's is a route of ``core/<feature>/…views.py``, and
    every template outside the shell is in ``core/<feature>/templates/<feature>/``."""
    from core import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, check_schema=False)
    misplaced = {}
    for endpoint, view in app.view_functions.items():
        if not endpoint.startswith("web.") or endpoint == "web.static":
            continue
        module = view.__module__
        if endpoint in SHELL_PAGES:
            ok = module == "core.web"
        else:
            parts = module.split(".")
            ok = len(parts) == 3 and parts[1] != "web" and _is_page_module(module)
        if not ok:
            misplaced[endpoint] = module
    assert not misplaced, misplaced
    assert len([e for e in app.view_functions if e.startswith("web.")]) > 60

    templates = sorted((ROOT / "core").glob("*/templates/**/*.html"))
    assert templates
    for path in templates:
        feature, _templates, folder = path.relative_to(ROOT / "core").parts[:3]
        assert folder == feature, f"{path.relative_to(ROOT)} is not in templates/{feature}/"
    shell = {p.name for p in (ROOT / "core" / "web" / "templates" / "web").glob("*.html")}
    assert shell == {"base.html", "error.html", "accessibility.html", "ui.html"}  # ui: the design system's parts
