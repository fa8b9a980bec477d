"""The tests' own layout: the core's tests prove the core with a tenant and plugin of their
own (tests/fixtures/testby.toml, naboby.toml and testby_plugin.py); a bundled municipality's
rules are tested in its own folder, tests/plugins/<municipality>/ (as Datasette tests each
of its plugins in a place of its own).

A core test file — any Python file under tests/ outside tests/plugins/, fixtures and
conftest.py files included — that names a bundled municipality (its slug, its tenant file
``tenants/<slug>.toml``, its plugin, a fixture called after it) relies on that
municipality's facts and rules, and fails this test unless it is on one of the two lists
below. Docstrings and comments do not count: they may say where an idea comes from.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.config import PROJECT_ROOT

TESTS = PROJECT_ROOT / "tests"
PLUGIN_TESTS = TESTS / "plugins"
BUNDLED = ("albertslund", "kobenhavn", "slagelse", "vejle")
NAMED = re.compile("|".join(BUNDLED), re.IGNORECASE)

#: Core test files that load the bundled tenant files on purpose, and why.
CROSS_CUTTING: dict[str, str] = {
    "tests/test_demo.py": "`kommissorium demo` loads the four bundled tenants and plays their "
                          "stories; the test checks what the demo shows",
    "tests/test_production_run.py": "the production run syncs the bundled tenants/ folder "
                                    "as an operator would, then serves them",
    "tests/hooks/test_host.py": "the entry-point group finds the installed bundled plugins, "
                                "and each tenant's caller sees only its own of them",
    "tests/faults/test_redis_and_worker.py": "a worker started as a process of its own "
                                             "knows the installed plugins only, not the test "
                                             "tenant's, so its mails are a bundled tenant's",
    "tests/test_rules_doc.py": "docs/rules.md places every bundled rule ID in a plugin, a "
                               "bundled tenant file and a test; the checker's own tests name "
                               "one such row",
}

#: Core test files that still lean on a bundled municipality and are to move. Empty: every
#: core test runs on Testby and Naboby, and a municipality's tests are in tests/plugins/. It
#: stays empty (a new core test naming a bundled municipality fails the test below).
NOT_YET_MOVED: set[str] = set()


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                found.add(id(first.value))
    return found


def bundled_names(source: str) -> set[str]:
    """The bundled municipalities a Python source names in its code (strings other than
    docstrings, and identifiers), lower-case."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docs:
                names |= {m.lower() for m in NAMED.findall(node.value)}
        elif isinstance(node, (ast.Name, ast.arg, ast.FunctionDef, ast.AsyncFunctionDef,
                               ast.ClassDef, ast.Attribute, ast.alias)):
            for text in (getattr(node, a, None) for a in ("id", "arg", "name", "attr", "asname")):
                if isinstance(text, str):
                    names |= {m.lower() for m in NAMED.findall(text)}
    return names


def core_test_files() -> list[Path]:
    """Every Python file under tests/ but tests/plugins/ and this checker."""
    here = Path(__file__).resolve()
    return sorted(p for p in TESTS.rglob("*.py")
                  if PLUGIN_TESTS not in p.parents and p.resolve() != here)


def leaning() -> dict[str, set[str]]:
    """``{tests/…py: {municipality, …}}`` for every core test file naming a bundled one."""
    out = {}
    for path in core_test_files():
        names = bundled_names(path.read_text(encoding="utf-8"))
        if names:
            out[path.relative_to(PROJECT_ROOT).as_posix()] = names
    return out


def test_core_tests_do_not_load_a_bundled_municipality(capsys):
    found = leaning()
    unlisted = {f: sorted(n) for f, n in found.items()
                if f not in CROSS_CUTTING and f not in NOT_YET_MOVED}
    assert unlisted == {}, (
        "core tests use tests/fixtures/testby.toml (and naboby.toml); a bundled "
        "municipality's rules are tested in tests/plugins/<municipality>/")
    with capsys.disabled():
        print(f"\ntest layout: {len(found)} core test files name a bundled municipality "
              f"({len(CROSS_CUTTING)} on purpose, {len(NOT_YET_MOVED)} not yet moved)")


def test_the_lists_are_true():
    """Every listed file exists and still names a bundled municipality: a file that no
    longer does leaves the list, so the list of those not yet moved only shrinks."""
    found = leaning()
    assert not set(CROSS_CUTTING) & NOT_YET_MOVED
    stale = sorted(f for f in [*CROSS_CUTTING, *NOT_YET_MOVED] if f not in found)
    assert stale == []
    assert all(len(why) > 20 for why in CROSS_CUTTING.values())


def test_each_bundled_plugins_tests_are_in_a_folder_of_its_own():
    """tests/plugins/ holds one folder per bundled plugin, and files that compare them."""
    folders = {p.name for p in PLUGIN_TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= set(BUNDLED), folders - set(BUNDLED)
    for name in folders:
        assert (PLUGIN_TESTS / name / "__init__.py").is_file(), name


def test_the_checker_sees_slugs_files_fixtures_and_not_docstrings():
    code = '''
"""Albertslund's board, as a docstring may say."""
def test_x(sync_tenant):
    """Vejle too."""
    sync_tenant("albertslund")  # a comment on Slagelse
'''
    assert bundled_names(code) == {"albertslund"}
    assert bundled_names('path = ROOT / "tenants" / "kobenhavn.toml"') == {"kobenhavn"}
    assert bundled_names("def test_y(vejle_with_extra_seats): pass") == {"vejle"}
    assert bundled_names('url = f"/api/v1/tenants/{T}/x"; T = "testby"') == set()


def test_the_tests_own_tenants_load_and_only_testby_sees_the_test_plugin(testby, naboby, client):
    """The test plugin answers for Testby's board (TST-1, TST-2, TST-3); Naboby, naming no
    plugin, gets the core's defaults; no installed plugin host knows the test plugin."""
    from core.hooks.host import PluginHost

    def clauses(tenant):
        page = client.get(f"/api/v1/tenants/{tenant}/bodies/bestyrelse/kommissorium").get_json()
        return {r["clause"] for r in page["rules"]}

    assert {"TST-1", "TST-2", "TST-3", "TST-4", "TST-5", "TST-6"} <= clauses(testby)
    assert not any(c.startswith("TST-") for c in clauses(naboby))
    assert "testby" not in PluginHost().plugin_names
