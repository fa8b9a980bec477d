"""(e) Peak memory of a gunicorn web worker under load and of an rq worker running jobs.

Web: gunicorn (deploy/gunicorn.conf.py, 2 workers x 2 threads) on PostgreSQL with the four
bundled tenants; wrk drives the body detail and the bodies list; each worker process's RSS
and USS (memory it alone holds) are sampled every 50 ms. rq: ``kommissorium worker`` on a
queue of its own runs 100 jobs that describe every body of a tenant; the worker and the
work horses it forks are sampled the same way. Targets are the per-process budgets in the
Kubernetes manifests: web 768 MiB for a pod of a master and 3 workers (192 MiB each), rq
512 MiB for a worker and its horse (256 MiB each).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import psutil
from common import (
    BIN,
    ROOT,
    TENANTS,
    Result,
    dispose,
    fresh_database,
    gunicorn,
    have_wrk,
    make_app,
    redis_url,
    sync,
    wrk,
)

MIB = 2**20
JOBS = 100


class Sampler:
    """Samples RSS and USS of a process's children (or of it and its children) until stopped."""

    def __init__(self, root_pid: int, include_root: bool):
        self.root = psutil.Process(root_pid)
        self.include_root = include_root
        self.peak_rss = self.peak_uss = 0
        self.pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = self.root.children(recursive=True)
            except psutil.NoSuchProcess:
                # a work horse exited while its parent's children were listed: sample again
                # (the sampler used to stop here, and report a peak too low)
                time.sleep(0.01)
                continue
            if self.include_root:
                procs.append(self.root)
            for p in procs:
                try:
                    info = p.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                self.pids.add(p.pid)
                self.peak_rss = max(self.peak_rss, info.rss)
                self.peak_uss = max(self.peak_uss, info.uss)
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def web(result: Result, url: str) -> None:
    if not have_wrk():
        result.figure("web worker peak RSS", None, "MiB", "<= 192", note="wrk not installed")
        return
    with gunicorn(url, workers=2, threads=2) as (proc, base):
        with Sampler(proc.pid, include_root=False) as sampler:
            for _ in range(2):
                wrk(base + "/api/v1/tenants/albertslund/bodies/bestyrelse", 5, 8)
                wrk(base + "/api/v1/tenants/vejle/bodies", 5, 8)
    result.figure("web worker peak RSS", sampler.peak_rss / MIB, "MiB", "<= 192")
    result.info("web worker peak USS (its own pages)", round(sampler.peak_uss / MIB, 1), "MiB")
    result.details["web_processes_sampled"] = len(sampler.pids)


def rq_worker(result: Result, url: str) -> None:
    from redis import Redis
    from rq import Queue

    queue_name = f"bench-{uuid.uuid4().hex[:8]}"
    conn = Redis.from_url(redis_url())
    try:
        conn.ping()
    except Exception as exc:
        result.figure("rq worker peak RSS", None, "MiB", "<= 256", note=f"no Redis: {exc}")
        return
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url(), "SECRET_KEY": "bench",
           "KOMMISSORIUM_QUEUE": queue_name, "LOG_LEVEL": "WARNING",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")])}
    q = Queue(queue_name, connection=conn)
    jobs = [q.enqueue("jobs.describe_tenant", slug)
            for slug in ("albertslund", "kobenhavn", "slagelse", "vejle") * (JOBS // 4)]
    worker = subprocess.Popen([str(BIN / "kommissorium"), "worker", "--burst"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with Sampler(worker.pid, include_root=True) as sampler:
            _, err = worker.communicate(timeout=600)
        statuses = [j.get_status(refresh=True) for j in jobs]
        finished = sum(s == "finished" for s in statuses)
        if finished != len(jobs):
            print(err.decode()[-3000:], file=sys.stderr)
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        q.delete(delete_jobs=True)
    result.figure("rq worker (and work horse) peak RSS", sampler.peak_rss / MIB, "MiB", "<= 256")
    result.info("rq worker peak USS (its own pages)", round(sampler.peak_uss / MIB, 1), "MiB")
    result.figure("rq jobs finished / enqueued", finished / len(jobs), "", "== 1.0")
    result.details["rq_processes_sampled"] = len(sampler.pids)


def main() -> int:
    result = Result("memory", "Peak memory: gunicorn web worker under load, rq worker running jobs")
    print(f"{result.name}: {result.title}", flush=True)
    with fresh_database("memory") as url:
        app = make_app(url, migrate=True)
        sync(app, sorted(TENANTS.glob("*.toml")))
        dispose(app)
        web(result, url)
        rq_worker(result, url)
    result.details["jobs"] = JOBS
    print(f"  -> {result.write()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
