"""The structure drawn from the imports of core/ (issue #19; docs/overview.md).

Every ``import`` and ``from … import`` in core/ (at the top of a module or inside a
function: a lazy import is a dependency too) is an edge from one module to another. Two
rules hold the house together:

* no circle between modules of different features: a feature builds on the features
  below it (identity → tenancy → bodies → meetings → decisions → proposals, the dashboard
  on top), and one that needs something of a feature above it hears of it through a hook
  (core/<feature>/hooks.py) or a registered page part (docs/decisions/0022);
* no feature module imports the web shell (``core.web``) but a feature's pages (its
  ``views.py`` or ``*_views.py``), which are built on it (docs/decisions/0022).
"""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORE = PROJECT_ROOT / "core"
#: Folders of core/ that are the platform rather than a feature: the shell, the plugin
#: host, the schema's history.
NOT_FEATURES = {"web", "hooks", "migrations"}
#: What puts the features together: the app factory (``create_app``) and the command line
#: import every feature by design, and a job's worker builds its app through the factory
#: (core/jobs.py); they are the root of the house, not a room in it, so they are left out
#: when looking for circles (decision 0022: "only ``create_app`` puts them together").
ROOTS = {"core", "core.cli"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(CORE.rglob("*.py"))
            if "migrations" not in p.relative_to(CORE).parts}


def _package(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of core/ that ``name`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package
                pkg = _package(name, path).split(".")
                pkg = pkg[: len(pkg) - node.level + 1]
                base = ".".join(pkg + ([base] if base else []))
            # ``from core import clock`` imports the module core.clock; ``from core.x
            # import f`` the module core.x
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known and "." in t:
                t = t.rpartition(".")[0]
            if t in known and t != name:
                found.add(t)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def feature_of(module: str) -> str | None:
    """``core.meetings.operations.agenda`` → ``meetings``; None for a module of the
    platform (core/clock.py, core/errors.py, the shell, the plugin host …)."""
    parts = module.split(".")
    if len(parts) < 3 or parts[1] in NOT_FEATURES:
        return None
    return parts[1]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return out


def test_the_graph_is_drawn_from_every_module():
    graph = import_graph()
    assert "core.meetings.operations.agenda" in graph
    assert "core.clock" in graph["core.meetings.operations.agenda"]  # from core import clock
    assert "core.meetings.operations" in graph["core.proposals.operations.agenda"]


def test_no_circle_between_modules_of_different_features():
    graph = {m: targets - ROOTS for m, targets in import_graph().items() if m not in ROOTS}
    circles = [c for c in _cycles(graph)
               if len({feature_of(m) for m in c} - {None}) > 1]
    assert not circles, f"modules of different features import each other in a circle: {circles}"


def _is_page_module(module: str) -> bool:
    last = module.rpartition(".")[2]
    return last == "views" or last.endswith("_views")


def test_no_feature_imports_the_web_shell_but_its_pages():
    wrong = sorted(
        f"{m} imports {t}"
        for m, targets in import_graph().items() if feature_of(m) and not _is_page_module(m)
        for t in targets if t == "core.web" or t.startswith("core.web.")
    )
    assert not wrong, f"a feature's non-page module imports the web shell: {wrong}"


def test_the_rules_hold_what_they_should():
    """The two checks find what they look for (a test that cannot fail proves nothing)."""
    graph = {"core.a.x": {"core.b.y"}, "core.b.y": {"core.a.x"}, "core.a.z": {"core.a.x"}}
    (circle,) = _cycles(graph)
    assert circle == ["core.a.x", "core.b.y"]
    assert feature_of("core.web.forms") is None and feature_of("core.clock") is None
    assert feature_of("core.meetings.views") == "meetings"
    assert _is_page_module("core.meetings.agenda_views") and not _is_page_module("core.meetings.api")


MAX_LINES = 500


def test_no_module_of_core_over_500_lines_unless_a_decision_says_why():
    """A newcomer reads a module whole (issue #19): one over 500 lines is a room to split,
    or a decision note in docs/decisions/ names it and says why it stays."""
    notes = " ".join(p.read_text(encoding="utf-8")
                     for p in (PROJECT_ROOT / "docs" / "decisions").glob("*.md"))
    long = {str(p.relative_to(PROJECT_ROOT)): n for p in CORE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    unexplained = {path: n for path, n in long.items() if path not in notes}
    assert not unexplained, f"modules over {MAX_LINES} lines with no decision note: {unexplained}"
