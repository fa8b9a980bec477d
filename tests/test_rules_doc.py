"""docs/rules.md lists every rule ID of DOMAIN.md with where it lives and the end-to-end test
that proves it; this test keeps the page honest.

The rule IDs come from ``../shared/DOMAIN.md`` (beside the project root, or beside an
ancestor of it for a git worktree). When that file is
absent, the copy kept in docs/rules.md is used, and the test says so on the terminal."""

from __future__ import annotations

import ast
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT

RULES_MD = PROJECT_ROOT / "docs" / "rules.md"
# ../shared/DOMAIN.md from the project root; a git worktree sits one level deeper
# (/work/wt/<name>), so the nearest ancestor's shared/DOMAIN.md counts.
DOMAIN_MD = next(
    (p / "shared" / "DOMAIN.md" for p in PROJECT_ROOT.parents if (p / "shared" / "DOMAIN.md").is_file()),
    PROJECT_ROOT.parent / "shared" / "DOMAIN.md",
)
RULE_ID = re.compile(r"\b((?:ALB|SLA|KBH|VEJ)-[A-Z]?\d+)\b")
CELL_REF = re.compile(r"`([^`]+)`")


def domain_ids(text: str) -> set[str]:
    return set(RULE_ID.findall(text))


def kept_ids(rules_md: str) -> set[str]:
    block = re.search(r"```rule-ids\n(.*?)```", rules_md, re.S)
    assert block, "docs/rules.md has no ```rule-ids block"
    return set(block.group(1).split())


def rows(rules_md: str) -> dict[str, tuple[str, list[str], list[str]]]:
    """``{id: (rule, [where …], [test …])}`` from the tables."""
    found = {}
    for line in rules_md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not RULE_ID.fullmatch(cells[0]):
            continue
        assert cells[0] not in found, f"{cells[0]} has two rows"
        found[cells[0]] = (cells[1], CELL_REF.findall(cells[2]), CELL_REF.findall(cells[3]))
    return found


def cited(name: str, doc: str) -> set[str]:
    """The rule IDs a test cites: in its docstring, or in its name — in full
    (``ALB_B3``) or in a short run after a prefix (``SLA_1_2_3``, ``ALB_P1_S2_R1_B12``)."""
    ids = set(RULE_ID.findall(doc))
    for prefix, run in re.findall(r"(ALB|SLA|KBH|VEJ)((?:_[A-Z]?\d+)+)(?=_|$)", name):
        ids |= {f"{prefix}-{part}" for part in run.strip("_").split("_")}
    return ids


@cache
def _python(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name: n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


@cache
def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def resolve_toml(data, dotted: str):
    """``bodies[bestyrelse].seats[kompetencechef]`` → the value; KeyError when absent."""
    for part in dotted.split("."):
        m = re.fullmatch(r"([A-Za-z_][\w-]*)(?:\[([^\]]+)\])?", part)
        if m is None:
            raise KeyError(part)
        name, key = m.groups()
        data = data[name]
        if key is not None:
            matches = [e for e in data if isinstance(e, dict) and e.get("key") == key]
            if len(matches) != 1:
                raise KeyError(f"{name}[{key}]")
            data = matches[0]
    return data


def check_where(ref: str) -> str | None:
    """Why ``ref`` does not name something that exists, or None."""
    if "::" not in ref:
        return f"{ref}: use file::function or tenants/<town>.toml::key"
    file, name = ref.split("::", 1)
    path = PROJECT_ROOT / file
    if not path.is_file():
        return f"{ref}: no file {file}"
    if path.suffix == ".py":
        return None if name in _python(path) else f"{ref}: no function {name} in {file}"
    if path.suffix == ".toml":
        try:
            resolve_toml(_toml(path), name)
        except (KeyError, TypeError) as exc:
            return f"{ref}: no key {exc} in {file}"
        return None
    return f"{ref}: neither a Python module nor a tenant file"


def check_test(ref: str, rule_id: str) -> str | None:
    if "::" not in ref or not ref.startswith("tests/"):
        return f"{ref}: use tests/<path>.py::test_name"
    file, name = ref.split("::", 1)
    path = PROJECT_ROOT / file
    if not path.is_file():
        return f"{ref}: no file {file}"
    fn = _python(path).get(name)
    if fn is None or not name.startswith("test_"):
        return f"{ref}: no test {name} in {file}"
    if rule_id not in cited(name, ast.get_docstring(fn) or ""):
        return f"{ref}: does not cite {rule_id} in its name or docstring"
    return None


def problems(rules_md: str, ids: set[str]) -> list[str]:
    table = rows(rules_md)
    out = [f"{i}: no row in docs/rules.md" for i in sorted(ids - set(table))]
    for rule_id, (rule, where, tests) in sorted(table.items()):
        if not rule:
            out.append(f"{rule_id}: the rule is not stated")
        if not where:
            out.append(f"{rule_id}: says not where it lives")
        if not tests:
            out.append(f"{rule_id}: names no test")
        out += [p for p in (check_where(r) for r in where) if p]
        out += [p for p in (check_test(t, rule_id) for t in tests) if p]
    return out


def rule_ids(domain_md: Path, say) -> set[str]:
    text = RULES_MD.read_text(encoding="utf-8")
    if domain_md.is_file():
        ids = domain_ids(domain_md.read_text(encoding="utf-8"))
        assert ids, "no rule IDs found in DOMAIN.md"
        assert kept_ids(text) == ids, "docs/rules.md's rule-ids block differs from DOMAIN.md"
        return ids
    say(f"test_rules_doc: {domain_md} is absent; checking against the rule IDs kept in docs/rules.md")
    return kept_ids(text)


def test_every_rule_id_has_a_row_a_place_and_a_test_that_cites_it(capsys):
    def say(message):
        with capsys.disabled():
            print("\n" + message)

    ids = rule_ids(DOMAIN_MD, say)
    assert len(ids) == 57
    assert problems(RULES_MD.read_text(encoding="utf-8"), ids) == []


# --- the checker itself fails where it should -----------------------------------------

GOOD_ROW = ("| SLA-6 | Dissent on request. | `plugins/slagelse/__init__.py::dissent_allowed` | "
            "`tests/plugins/slagelse/test_decisions.py::test_a_members_dissent_is_recorded_for_the_minutes_SLA_6` |")
FILE_ROW = GOOD_ROW.replace("`plugins/slagelse/__init__.py::dissent_allowed`",
                            "`tenants/slagelse.toml::bodies[bestyrelse].rules.procedure`")


def test_a_missing_row_is_reported():
    assert problems(GOOD_ROW, {"SLA-6", "SLA-7"}) == ["SLA-7: no row in docs/rules.md"]


@pytest.mark.parametrize("bad, message", [
    (GOOD_ROW.replace("dissent_allowed", "no_such_hook"), "no function no_such_hook"),
    (GOOD_ROW.replace("plugins/slagelse/__init__.py", "plugins/slagelse/nope.py"), "no file"),
    (GOOD_ROW.replace("`plugins/slagelse/__init__.py::dissent_allowed`",
                      "`tenants/slagelse.toml::bodies[bestyrelse].no_such_key`"), "no key"),
    (GOOD_ROW.replace("`plugins/slagelse/__init__.py::dissent_allowed`",
                      "`tenants/slagelse.toml::bodies[no-such-body].seats`"), "no key"),
    (FILE_ROW.replace("rules.procedure", "rules.no_such_block"), "no key"),
    (GOOD_ROW.replace("test_a_members_dissent_is_recorded_for_the_minutes_SLA_6",
                      "test_not_there_SLA_6"), "no test"),
    (GOOD_ROW.replace("SLA-6 |", "SLA-7 |", 1), "does not cite SLA-7"),
])
def test_a_wrong_place_or_test_is_reported(bad, message):
    [problem] = problems(bad, {bad.split("|")[1].strip()})
    assert message in problem


def test_the_good_row_and_a_tenant_key_pass():
    """A rule may live in a plugin, in the tenant file's facts or in its rule blocks."""
    row = GOOD_ROW.replace("`plugins/slagelse/__init__.py::dissent_allowed`",
                           "`tenants/slagelse.toml::bodies[bestyrelse].seats[kompetencechef]`")
    assert problems(GOOD_ROW, {"SLA-6"}) == [] and problems(row, {"SLA-6"}) == []
    assert problems(FILE_ROW, {"SLA-6"}) == []


def test_short_citations_name_each_rule():
    assert cited("test_slagelse_board_SLA_1_2_3", "") == {"SLA-1", "SLA-2", "SLA-3"}
    assert cited("test_x_ALB_P1_S2_R1_B12", "") == {"ALB-P1", "ALB-S2", "ALB-R1", "ALB-B12"}
    assert cited("test_no_rule", "Proves KBH-10.") == {"KBH-10"}
    assert "SLA-1" not in cited("test_x_SLA_10", "")


def test_the_fallback_list_is_used_and_said_when_domain_md_is_absent(tmp_path):
    said = []
    ids = rule_ids(tmp_path / "DOMAIN.md", said.append)
    assert len(ids) == 57 and "VEJ-9" in ids and "ALB-0" in ids
    assert len(said) == 1 and "is absent" in said[0]


def test_domain_md_ids_are_read_from_its_text():
    text = "- ALB-B1 Members … (ALB-0). Route (ALB-P1). BO-VEST and FA09 are not rules; SLA-13 is."
    assert domain_ids(text) == {"ALB-B1", "ALB-0", "ALB-P1", "SLA-13"}
