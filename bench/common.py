"""What every benchmark shares: the machine and commit, fresh databases, tenant data, a
gunicorn server, wrk, and writing bench/results/<name>.json.

Every figure is a ratio (or a count compared with a count) measured within one run, so a
slower or busier machine moves both sides alike; each is printed next to its target.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
TENANTS = ROOT / "tenants"

sys.path.insert(0, str(ROOT))


# ------------------------------------------------------------------------ results


def machine() -> dict:
    import psutil

    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        # results themselves do not make the code dirty
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--",
                                ".", ":!bench/results", ":!README.md", ":!bench/README.md"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    target: str  # e.g. ">= 0.5", "<= 1.2", "== 1.0"
    note: str = ""

    @property
    def ok(self) -> bool | None:
        if self.value is None:
            return None
        op, bound = self.target.split()
        bound = float(bound)
        return {">=": self.value >= bound, "<=": self.value <= bound,
                "==": abs(self.value - bound) < 1e-9}[op]


@dataclass
class Result:
    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    machine: dict = field(default_factory=machine)

    def figure(self, name, value, unit, target, note=""):
        f = Figure(name, None if value is None else round(float(value), 4), unit, target, note)
        self.figures.append(f)
        verdict = {True: "meets target", False: "MISSES target", None: "not measured"}[f.ok]
        shown = "—" if f.value is None else f"{f.value:g} {unit}".strip()
        print(f"  {name:<58} {shown:>14}   target {target:<8} {verdict}"
              + (f"  ({note})" if note else ""), flush=True)
        return f

    def info(self, name, value, unit=""):
        """A figure reported for context, without a target of its own (p50, p99 …)."""
        self.details.setdefault("reported", {})[name] = {"value": value, "unit": unit}
        print(f"  {name:<58} {value:>11g} {unit}", flush=True)

    def write(self) -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.name}.json"
        data = {
            "name": self.name,
            "title": self.title,
            "commit": git_commit(),
            "started_at": self.started_at,
            "finished_at": datetime.now(UTC).isoformat(),
            "machine": self.machine,
            "figures": [{**f.__dict__, "ok": f.ok} for f in self.figures],
            "details": self.details,
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return path


def percentile(values, q: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def median(values) -> float:
    return statistics.median(values)


# ------------------------------------------------------------------------ databases


def admin_url() -> str:
    return (os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
            or "postgresql://postgres@127.0.0.1:5432/postgres")


def redis_url() -> str:
    return (os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL")
            or "redis://127.0.0.1:6379/0")


#: Every database a benchmark makes is named with this prefix (``BENCH_DATABASE_PREFIX``),
#: so the ones a shared server holds can be told apart.
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench_")


@contextlib.contextmanager
def fresh_database(tag: str):
    """A new, empty PostgreSQL database for this benchmark; dropped afterwards."""
    import sqlalchemy as sa

    from core.config import normalise_database_url

    url = sa.engine.make_url(normalise_database_url(admin_url()))
    name = f"{DATABASE_PREFIX}{tag}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def make_app(url: str, migrate: bool = False, **config):
    """An application on ``url`` (migrated first when asked)."""
    import logging

    from core import create_app
    from core.hooks.host import PluginHost

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": "", "SECRET_KEY": "bench",
                      **config}, host=PluginHost(), check_schema=False)
    if migrate:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade(revision="heads")
    logging.getLogger().setLevel(logging.WARNING)  # no request log lines in-process
    return app


def dispose(app) -> None:
    from core.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def tenant_copies(count: int, folder: Path, own_people: bool = False) -> list[Path]:
    """``count`` tenant files made from the bundled ones under new slugs (<slug>-NNN).

    ``own_people``: every copy after the first has people of its own (``name+NNN@…``), as
    real tenants do; else the copies of one bundled file share its people."""
    bundled = sorted(TENANTS.glob("*.toml"))
    made = []
    for i in range(count):
        src = bundled[i % len(bundled)]
        text = src.read_text(encoding="utf-8")
        slug = re.search(r'^slug = "([a-z0-9-]+)"', text, re.MULTILINE).group(1)
        new = f"{slug}-{i:03d}"
        text = text.replace(f'slug = "{slug}"', f'slug = "{new}"', 1)
        text = re.sub(r'^(name = ")([^"]*)(")', rf"\g<1>\g<2> {i:03d}\g<3>", text, count=1,
                      flags=re.MULTILINE)
        if own_people and i > 0:
            text = re.sub(r'"([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+)"', rf'"\g<1>+{i:03d}@\g<2>"', text)
        path = folder / f"{new}.toml"
        path.write_text(text, encoding="utf-8")
        made.append(path)
    return made


def sync(app, paths) -> None:
    from core.extensions import db
    from core.tenants.operations import sync_tenant_file

    with app.app_context():
        for path in paths:
            sync_tenant_file(Path(path), app.extensions["kommissorium.host"])
            db.session.commit()


# ------------------------------------------------------------------------ servers and load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 10, headers: dict | None = None) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                timeout=timeout) as resp:
        return resp.read()


def session_cookie(app, email: str) -> str:
    """A session cookie logging ``email`` in, as Flask-Login's ``login_user`` leaves it
    (signed with the app's SECRET_KEY, which the benchmark's gunicorn shares)."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.auth import log_in_session
    from core.identity.models import User

    with app.app_context():
        user = db.session.execute(
            sa.select(User.id, User.session_version).filter_by(email=email)).first()
    assert user is not None, email
    client = app.test_client()
    with client.session_transaction() as session:
        log_in_session(session, user)
    return client.get_cookie("session").value


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int = 2, threads: int = 1, **env):
    """gunicorn with deploy/gunicorn.conf.py on a random loopback port; yields (proc, base)."""
    port = free_port()
    metrics_dir = tempfile.mkdtemp(prefix="bench-metrics-")
    full_env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "",
                "SECRET_KEY": "bench", "BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": str(workers), "WEB_THREADS": str(threads),
                "LOG_LEVEL": "WARNING", "PROMETHEUS_MULTIPROC_DIR": metrics_dir,
                **{k: str(v) for k, v in env.items()}}
    log = open(Path(metrics_dir) / "gunicorn.log", "w")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
                            env=full_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(Path(metrics_dir) / 'gunicorn.log').read_text()[-2000:]}")
            try:
                http_get(base + "/readyz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield proc, base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url: str, seconds: int, connections: int = 8, threads: int = 1,
        headers: dict | None = None) -> dict:
    """Run wrk against ``url``; requests per second, latency percentiles (ms), errors."""
    extra = [a for k, v in (headers or {}).items() for a in ("-H", f"{k}: {v}")]
    out = subprocess.run(
        ["wrk", "--latency", "--timeout", "10s", "-t", str(threads), "-c", str(connections),
         "-d", f"{seconds}s", *extra, url],
        capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> dict:
    """wrk's ``--latency`` report as numbers (latencies in ms)."""
    dist = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if "99" not in dist:
        raise RuntimeError(f"wrk printed no latency distribution:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": _ms(dist["50"]),
        "p99_ms": _ms(dist["99"]),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(x) for x in socket_errors.groups()) if socket_errors else 0),
    }
