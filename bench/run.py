"""`make bench`: run every bench/bench_*.py (each in its own process), then the summary.

    python bench/run.py            # all
    python bench/run.py sql scale  # some, by name
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    failed = []
    for name in names:
        started = time.monotonic()
        code = subprocess.run([sys.executable, str(HERE / f"bench_{name}.py")], cwd=HERE).returncode
        print(f"[{name}: exit {code}, {time.monotonic() - started:.0f} s]\n", flush=True)
        if code:
            failed.append(name)
    subprocess.run([sys.executable, str(HERE / "summary.py")], check=True)
    if failed:
        print(f"failed to run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
