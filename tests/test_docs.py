"""The documentation is checked against the code: every hook spec is documented in the
plugin-author guide and has its own test, and what the guide imports from ``core.rules``
imports."""

import ast
import inspect
import re
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from core.hooks import events, specs

GUIDE = (PROJECT_ROOT / "docs" / "plugin-authors.md").read_text(encoding="utf-8")
HOOKS = sorted(
    name for module in (specs, events) for name, obj in inspect.getmembers(module, inspect.isfunction)
    if hasattr(obj, "kommissorium_spec")
)
SPEC_OF = {name: module for module in (specs, events) for name in dir(module)}


def _test_function_names() -> set[str]:
    names = set()
    for path in Path(PROJECT_ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return names


def test_there_are_hook_specs():
    assert len(HOOKS) >= 14


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_in_the_plugin_author_guide(hook):
    assert f"### `{hook}`" in GUIDE, f"docs/plugin-authors.md has no section for {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    assert f"test_hook_{hook}" in _test_function_names(), f"no test_hook_{hook} in tests/"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_spec_states_its_return_contract(hook):
    doc = inspect.getdoc(getattr(SPEC_OF[hook], hook)) or ""
    assert ":return:" in doc and "default" in doc.lower(), f"{hook} docstring lacks its contract"


def test_a_plugin_with_a_misspelled_hook_is_refused():
    from pluggy import PluginValidationError

    from core import hookimpl
    from core.hooks.host import PluginHost

    class Typo:
        @hookimpl
        def vote_unit(self, body):  # not a hook: vote_units
            return None

    with pytest.raises(PluginValidationError, match="vote_unit"):
        PluginHost(entry_points=False, plugins={"typo": Typo()})


def test_core_rules_exports_what_the_plugin_author_guide_names():
    """Every ``from core.rules import …`` in the guide works, and every value object of
    core/rules/types.py the guide names (``PendingItem(…)``, ``TenantFacts``) is exported."""
    import core.rules
    from core.rules import types

    imported = {name.strip() for names in re.findall(r"from core\.rules import ([\w, ]+)", GUIDE)
                for name in names.split(",") if name.strip()}
    defined = {name for name, obj in inspect.getmembers(types, inspect.isclass)
               if obj.__module__ == types.__name__ and not name.startswith("_")}
    named = {name for name in defined if re.search(rf"(?<![\w.]){name}[`(]", GUIDE)}
    assert imported and named
    missing = sorted(n for n in imported | named if not hasattr(core.rules, n) or n not in core.rules.__all__)
    assert not missing, f"core.rules does not export {missing}, which docs/plugin-authors.md names"
