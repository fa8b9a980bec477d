#!/usr/bin/env python3
"""Run Kommissorium's production stack on this machine, without containers.

    python deploy/prod-run.py run   [--port 8000] ...   # in the foreground, until SIGTERM/^C
    python deploy/prod-run.py start [--port 8000] ...   # in the background; waits for /readyz
    python deploy/prod-run.py stop  [--run-dir run]     # SIGTERM, wait, report exit codes

``make prod-run`` / ``make prod-stop`` call these. The stack is what a container platform
runs (deploy/compose.yaml): the migration step (``kommissorium db upgrade``), then gunicorn
with deploy/gunicorn.conf.py, an rq worker (``kommissorium worker``) and the tick loop
(deploy/tick-loop.sh), against ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (Redis).

``run`` supervises the three: if one dies the others are stopped and it exits 1; on SIGTERM
it forwards SIGTERM to each, waits for them, writes their exit codes to
``<run-dir>/stack-exit.json`` and exits 0 only if each stopped cleanly.
Standard library only: it runs before anything is imported from the project.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STOP_TIMEOUT = 40  # gunicorn's graceful_timeout (20 s) and an rq job in hand


def log(msg: str) -> None:
    print(f"prod-run: {msg}", file=sys.stderr, flush=True)


def _check_env() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        sys.exit("prod-run: set DATABASE_URL to a PostgreSQL database (production is not SQLite)")
    if not os.environ.get("REDIS_URL"):
        sys.exit("prod-run: set REDIS_URL (the rq worker needs Redis)")
    if not os.environ.get("SECRET_KEY"):
        sys.exit("prod-run: set SECRET_KEY (sessions must survive a restart and be shared by workers)")


def _create_database_if_missing() -> None:
    """This machine's PostgreSQL: create the database named in DATABASE_URL if it is missing."""
    import psycopg  # installed with the project
    from psycopg import sql

    url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.get("dbname")
    with psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname="postgres"),
                         autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"created database {name}")


def _wait_ready(port: int, timeout: float, proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


def run(args) -> int:
    _check_env()
    run_dir = Path(args.run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "stack-exit.json").unlink(missing_ok=True)
    if args.create_database:
        _create_database_if_missing()

    kommissorium = str(BIN / "kommissorium")
    env = {**os.environ, "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json")}
    log("migrating: kommissorium db upgrade")
    subprocess.run([kommissorium, "db", "upgrade"], env=env, check=True, cwd=ROOT)
    if args.sync_tenants:
        subprocess.run([kommissorium, "tenants", "sync", "--yes"], env=env, check=True, cwd=ROOT)

    web_env = {**env, "BIND": f"{args.host}:{args.port}",
               "WEB_CONCURRENCY": str(args.workers),
               "GUNICORN_PIDFILE": str(run_dir / "gunicorn.pid")}
    tick_env = {**env, "KOMMISSORIUM": kommissorium, "TICK_INTERVAL": str(args.tick_interval)}
    commands = {
        "web": ([str(BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
                web_env),
        "worker": ([kommissorium, "worker"], env),
        "tick": ([str(ROOT / "deploy" / "tick-loop.sh")], tick_env),
    }
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def _stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    for name, (cmd, cmd_env) in commands.items():
        children[name] = subprocess.Popen(cmd, env=cmd_env, cwd=ROOT)
        log(f"started {name} (pid {children[name].pid})")
    state = {"supervisor": os.getpid(), "port": args.port,
             "pids": {n: p.pid for n, p in children.items()}}
    (run_dir / "stack.json").write_text(json.dumps(state))
    log(f"serving on http://{args.host}:{args.port}")

    failed = None
    while not stopping:
        for name, proc in children.items():
            if proc.poll() is not None:
                failed = name
                break
        if failed:
            log(f"{failed} exited with {children[failed].returncode}; stopping the stack")
            break
        time.sleep(0.2)

    for name, proc in children.items():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    codes = {}
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, proc in children.items():
        try:
            codes[name] = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in {STOP_TIMEOUT}s: killed")
            proc.kill()
            codes[name] = proc.wait()
    (run_dir / "stack-exit.json").write_text(json.dumps(codes))
    (run_dir / "stack.json").unlink(missing_ok=True)
    log(f"stopped: {json.dumps(codes)}")
    return 0 if failed is None and all(c == 0 for c in codes.values()) else 1


def start(args) -> int:
    _check_env()
    run_dir = Path(args.run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    if (run_dir / "stack.json").exists():
        pid = json.loads((run_dir / "stack.json").read_text())["supervisor"]
        if _alive(pid):
            sys.exit(f"prod-run: already running (pid {pid}); make prod-stop first")
    cmd = [sys.executable, __file__, "run", "--port", str(args.port), "--host", args.host,
           "--workers", str(args.workers), "--run-dir", str(run_dir),
           "--tick-interval", str(args.tick_interval)]
    cmd += ["--create-database"] if args.create_database else []
    cmd += ["--sync-tenants"] if args.sync_tenants else []
    logfile = open(run_dir / "stack.log", "ab")
    proc = subprocess.Popen(cmd, stdout=logfile, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    if not _wait_ready(args.port, args.ready_timeout, proc):
        log(f"not ready in {args.ready_timeout}s; see {run_dir / 'stack.log'}")
        if proc.poll() is None:
            proc.terminate()
        return 1
    log(f"ready: http://{args.host}:{args.port}  (logs: {run_dir / 'stack.log'}; stop: make prod-stop)")
    return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(args) -> int:
    run_dir = Path(args.run_dir).resolve()
    state_file = run_dir / "stack.json"
    if not state_file.exists():
        log("not running")
        return 0
    pid = json.loads(state_file.read_text())["supervisor"]
    if not _alive(pid):
        log(f"not running (stale {state_file})")
        state_file.unlink()
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(pid):
        log(f"supervisor {pid} still running after {STOP_TIMEOUT + 10}s")
        return 1
    exit_file = run_dir / "stack-exit.json"
    codes = json.loads(exit_file.read_text()) if exit_file.exists() else {}
    log(f"stopped: {codes}")
    return 0 if codes and all(c == 0 for c in codes.values()) else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "start", "stop"):
        p = sub.add_parser(name)
        p.add_argument("--run-dir", default=str(ROOT / "run"))
        if name == "stop":
            continue
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        p.add_argument("--tick-interval", type=float, default=60)
        p.add_argument("--create-database", action="store_true",
                       help="create the database in DATABASE_URL if missing")
        p.add_argument("--sync-tenants", action="store_true",
                       help="load tenants/ after migrating")
        p.add_argument("--ready-timeout", type=float, default=90)
    args = parser.parse_args(argv)
    return {"run": run, "start": start, "stop": stop}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
