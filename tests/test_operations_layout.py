"""The layout of the features' operations packages (issue #19; docs/decisions/0021-operations-packages.md).

core/meetings, core/proposals and core/decisions keep their behaviour in a package,
``operations/``, of one module per concern. These tests hold the layout a newcomer relies
on: each module stays readable (under 500 lines), the modules of a package depend on each
other one way (no circle), other code finds every public operation in the package itself,
and the platform has one clock that a test sets in one place (core/clock.py).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("meetings", "proposals", "decisions")
MAX_LINES = 500


def _modules(feature: str) -> dict[str, Path]:
    folder = PROJECT_ROOT / "core" / feature / "operations"
    return {p.stem: p for p in sorted(folder.glob("*.py")) if p.stem != "__init__"}


def _sibling_imports(feature: str, path: Path) -> set[str]:
    """The modules of the same package that ``path`` imports at import time (module level)."""
    package = f"core.{feature}.operations"
    siblings = set(_modules(feature))
    out = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(package + "."):
                out.add(node.module.removeprefix(package + ".").split(".")[0])
            elif node.module == package:
                out |= {a.name for a in node.names if a.name in siblings}
    return out


@pytest.mark.parametrize("feature", FEATURES)
def test_each_operations_module_is_under_500_lines(feature):
    modules = _modules(feature)
    assert len(modules) > 1, f"core/{feature}/operations/ should hold one module per concern"
    long = {name: n for name, p in modules.items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_LINES}
    assert not long, f"core/{feature}/operations: modules of {MAX_LINES} lines or more: {long}"


@pytest.mark.parametrize("feature", FEATURES)
def test_the_modules_of_a_package_depend_on_each_other_one_way(feature):
    graph = {name: _sibling_imports(feature, p) for name, p in _modules(feature).items()}

    def visit(name, path):
        assert name not in path, f"core/{feature}/operations: a circle: {' → '.join(path + [name])}"
        for dep in graph[name]:
            visit(dep, path + [name])

    for name in graph:
        visit(name, [])


@pytest.mark.parametrize("feature", FEATURES)
def test_every_public_operation_is_offered_by_the_package(feature):
    """Other code imports ``core.<feature>.operations``, not its modules: a public name
    defined in a module and missing from the package would be found by nobody."""
    package = importlib.import_module(f"core.{feature}.operations")
    missing = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name == "clock":  # offered as the module itself: ``operations.clock.now``
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for node in ast.parse(Path(module.__file__).read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            else:
                continue
            missing += [f"{info.name}.{n}" for n in names
                        if not n.startswith("_") and getattr(package, n, None) is not getattr(module, n)]
    assert not missing, f"not offered by core.{feature}.operations: {missing}"


def _core_modules():
    for path in sorted((PROJECT_ROOT / "core").rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(PROJECT_ROOT).as_posix(), path


#: Ways to read the time past the platform's clock (core/clock.py).
_OTHER_CLOCKS = ("utcnow()", "date.today()", "datetime.now(", "datetime.utcnow(")


def test_the_platform_reads_one_clock_that_a_test_sets_in_one_place(monkeypatch):
    """Every module reads the time as ``clock.now()``/``clock.today()`` at the call
    (issue #19): a module that took ``now`` by name (``from core.clock import now``) would
    keep the real time while a test moved the clock, and its deadlines would silently be
    measured against another day; a bare ``utcnow()`` or the server's ``date.today()``
    would be a second clock (and the server's date is not the Danish date)."""
    from core import clock
    from core.meetings import operations

    for name, path in _core_modules():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "core.clock":
                assert not {"now", "today"} & {a.name for a in node.names}, \
                    f"{name} imports the clock's functions by name; call clock.now()"
            if isinstance(node, ast.FunctionDef) and node.name in ("now", "today", "utcnow"):
                assert name in ("core/clock.py", "core/models.py",
                                "core/meetings/operations/__init__.py"), \
                    f"{name} defines a clock of its own ({node.name})"
        if name not in ("core/clock.py", "core/models.py"):  # models: the columns' default
            found = [c for c in _OTHER_CLOCKS if c in source]
            assert not found, f"{name} reads the time past core/clock.py: {found}"

    moment = datetime(2019, 5, 1, 22, 30, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: moment)
    assert operations.now() == moment  # the package's ``now`` (pages, pending) follows it
    # A date is the Danish date: half past midnight in Copenhagen is the next day.
    assert clock.today() == moment.date().replace(day=2)
