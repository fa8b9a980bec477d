"""The core knows no municipality (issue 14, item 4): it speaks with its own rule names
(``CORE-…``), and a municipality's clause (ALB-, SLA-, KBH-, VEJ- … as DOMAIN.md numbers
them, ISH- for the example plugin, HTK- for the example tenant file) appears only where that municipality's plugin or tenant
file answered. A core refusal citing SLA-6 would be shown to an Albertslund member.

This reads every text file under core/: code and its comments, templates, message
catalogues, static files."""

import re

import pytest

from core.config import PROJECT_ROOT

CORE = PROJECT_ROOT / "core"
#: The municipalities' rule prefixes (DOMAIN.md; the example plugin's ISH-).
MUNICIPAL_CLAUSE = re.compile(r"\b(?:ALB|SLA|KBH|VEJ|ISH|HTK)-[A-Z]?\d+")
TEXT_SUFFIXES = {".py", ".html", ".txt", ".po", ".pot", ".js", ".css", ".md", ".toml", ".ini",
                 ".mako", ".json", ".svg"}


def _core_files():
    return sorted(p for p in CORE.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES
                  and "__pycache__" not in p.parts)


def test_the_scan_reads_code_templates_and_catalogues():
    suffixes = {p.suffix for p in _core_files()}
    assert {".py", ".html", ".po"} <= suffixes


def test_the_pattern_finds_each_municipality():
    for clause in ("ALB-B2", "SLA-6", "KBH-7", "VEJ-1", "ALB-0", "ISH-3"):
        assert MUNICIPAL_CLAUSE.search(f"refused ({clause})"), clause
    assert not MUNICIPAL_CLAUSE.search("CORE-DISSENT, CORE-MANDATE, § 27")


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(CORE)))
def test_no_municipal_clause_in_core(path):
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{n}: {m.group(0)}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in MUNICIPAL_CLAUSE.finditer(line)
    ]
    assert not found, ("core/ cites a municipality's clause; cite the core's own rule "
                       "(CORE-…) and let the plugin's hook answer with its clause:\n"
                       + "\n".join(found))


CORE_NAME = re.compile(r"\bCORE-[A-Z][A-Z-]*[A-Z]\b")
RULES_MD = PROJECT_ROOT / "docs" / "rules.md"


def _core_rows() -> dict[str, list[str]]:
    rows = {}
    for line in RULES_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and CORE_NAME.fullmatch(cells[0]):
            rows[cells[0]] = re.findall(r"`([^`]+)`", cells[2])
    return rows


def test_every_core_rule_name_is_listed_in_the_rules_doc():
    """The core's own names are as traceable as the municipalities': each ``CORE-…`` the
    code cites has a row in docs/rules.md saying what it means and where it lives."""
    rows = _core_rows()
    used = {}
    for base in (CORE, PROJECT_ROOT / "plugins"):
        for path in base.rglob("*"):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
                for name in CORE_NAME.findall(path.read_text(encoding="utf-8")):
                    used.setdefault(name, str(path.relative_to(PROJECT_ROOT)))
    missing = {name: where for name, where in used.items() if name not in rows}
    assert not missing, f"CORE-… names without a row in docs/rules.md: {missing}"


def test_every_core_rule_row_names_a_function_that_exists():
    import ast

    for name, refs in _core_rows().items():
        assert refs, f"{name}: says not where it lives"
        for ref in refs:
            file, _, func = ref.partition("::")
            tree = ast.parse((PROJECT_ROOT / file).read_text(encoding="utf-8"))
            defined = {n.name for n in ast.walk(tree)
                       if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            assert func in defined, f"{name}: {ref} does not exist"
