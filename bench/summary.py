"""Summarise bench/results/*.json as a Markdown table, into README.md and bench/README.md
(between the ``bench-summary`` markers)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
START, END = "<!-- bench-summary:start -->", "<!-- bench-summary:end -->"
ORDER = ["load", "sql", "votes", "scale", "memory"]


def table() -> str:
    results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]
    results.sort(key=lambda r: ORDER.index(r["name"]) if r["name"] in ORDER else len(ORDER))
    if not results:
        return "No results yet: run `make bench`."
    lines = ["| benchmark | figure | measured | target | |", "|---|---|---|---|---|"]
    for r in results:
        for f in r["figures"]:
            value = "—" if f["value"] is None else f"{f['value']:g} {f['unit']}".strip()
            verdict = {True: "meets", False: "**misses**", None: "not run"}[f["ok"]]
            note = f" ({f['note']})" if f.get("note") else ""
            lines.append(f"| {r['name']} | {f['name']}{note} | {value} | {f['target']} | {verdict} |")
        for name, rep in r["details"].get("reported", {}).items():
            lines.append(f"| {r['name']} | {name} | {rep['value']:g} {rep['unit']} | | |")
    m = results[0]["machine"]
    commits = sorted({r["commit"][:12] for r in results})
    lines.append("")
    lines.append(f"Measured on {m['platform']}, {m['cpu_count']} CPUs, {m['memory_gib']} GiB, "
                 f"Python {m['python']}; commit {', '.join(commits)}; "
                 f"load average at start {m['load_average_at_start']} "
                 f"(a shared machine: compare ratios, not absolute times).")
    return "\n".join(lines)


def write_into(path: Path, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    if START not in content:
        return
    head, rest = content.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> int:
    text = table()
    print(text)
    for path in (ROOT / "README.md", ROOT / "bench" / "README.md"):
        write_into(path, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
