"""The bench/ harness (not the benchmarks, which `make bench` runs): wrk's report is read
right, targets are judged right, and the summary table is written between its markers."""

import importlib.util
import json
import sys

import pytest

from core.config import PROJECT_ROOT

WRK_REPORT = """Running 5s test @ http://127.0.0.1:54093/_bench/floor
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   167.24ms  365.45ms   1.50s    86.17%
    Req/Sec     1.54k   793.91     2.58k    63.89%
  Latency Distribution
     50%  950.00us
     75%   25.44ms
     90%  801.63ms
     99%    1.43s 
  5642 requests in 5.01s, 17.70MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:   1125.10
Transfer/sec:      3.53MB
"""


def _load(name):
    path = PROJECT_ROOT / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


@pytest.fixture(scope="module")
def common():
    return _load("common")


def test_wrk_report_is_parsed_with_units(common):
    parsed = common.parse_wrk(WRK_REPORT)
    assert parsed.pop("p50_ms") == pytest.approx(0.95)
    assert parsed == {"rps": 1125.10, "requests": 5642, "p99_ms": 1430.0, "errors": 6}


def test_a_wrk_report_without_latencies_is_an_error(common):
    with pytest.raises(RuntimeError, match="no latency distribution"):
        common.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


@pytest.mark.parametrize("value,target,ok", [
    (0.6, ">= 0.5", True), (0.4, ">= 0.5", False), (1.2, "<= 1.2", True), (1.3, "<= 1.2", False),
    (1.0, "== 1.0", True), (1.1, "== 1.0", False), (None, ">= 0.5", None),
])
def test_figures_are_judged_against_their_targets(common, value, target, ok):
    assert common.Figure("x", value, "", target).ok is ok


def test_summary_table_is_written_between_the_markers(tmp_path, monkeypatch, capsys):
    summary = _load("summary")
    results = tmp_path / "results"
    results.mkdir()
    (results / "sql.json").write_text(json.dumps({
        "name": "sql", "commit": "abcdef1234567890",
        "machine": {"platform": "Linux", "cpu_count": 2, "memory_gib": 24, "python": "3.11.7",
                    "load_average_at_start": [0.1, 0.2, 0.3]},
        "figures": [{"name": "detail 50/5", "value": 1.0, "unit": "", "target": "== 1.0",
                     "ok": True, "note": ""}],
        "details": {"reported": {"statements at 5": {"value": 5, "unit": ""}}},
    }))
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{summary.START}\nold\n{summary.END}\nafter\n")
    monkeypatch.setattr(summary, "RESULTS", results)
    summary.write_into(readme, summary.table())
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("after\n") and "old" not in text
    assert "| sql | detail 50/5 | 1 | == 1.0 | meets |" in text
    assert "| sql | statements at 5 | 5  | | |" in text
    assert "commit abcdef123456" in text
