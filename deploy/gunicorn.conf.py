"""gunicorn settings: ``gunicorn -c deploy/gunicorn.conf.py`` (the app is ``core.wsgi:app``).

Every value can be overridden from the environment; the web tier is stateless, so scale by
running more instances (docs/operations.md). The settings that matter for correctness:

* ``preload_app``: the app (and its schema check) loads once in the master and fails fast
  on an unmigrated database; ``post_fork`` then drops the database connections the master
  opened, so no two workers ever share a socket.
* Prometheus: each worker is a process, so ``PROMETHEUS_MULTIPROC_DIR`` is set here (before
  the app is imported) and every worker writes its counts there; a scrape of any worker
  returns the sum, and ``child_exit`` retires a dead worker's live gauges.
* Logs: the app writes one JSON line per request (core/observability/logs.py), so gunicorn's
  own access log is off unless ``GUNICORN_ACCESS_LOG=1``; gunicorn's error log is JSON too.
"""

import multiprocessing
import os
import shutil
import tempfile

wsgi_app = "core.wsgi:app"

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# Kubernetes sends SIGTERM, waits terminationGracePeriodSeconds (30), then kills: finish
# the requests in flight well inside that.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Recycle workers now and then, so slow leaks never become outages.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
preload_app = True
# Behind a proxy (ingress, load balancer): trust its X-Forwarded-* from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The heartbeat file on tmpfs: a container's disk may be slow or read-only.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
# gunicorn >= 25 opens a control socket at one fixed path in $HOME: two servers on one host
# (tests, benchmarks) would fight over it, and we do not use it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET") != "1"

accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        # The app's formatter, so gunicorn's lines and the app's read alike.
        "formatters": {"json": {"()": "core.observability.logs.json_formatter"}},
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
        },
        # The app installs its own root handler (with request id and tenant).
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"],
                               "propagate": False},
            "gunicorn.access": {
                "level": "INFO" if accesslog else "WARNING",
                "handlers": ["console"],
                "propagate": False,
            },
        },
    }

# Set before the app (and prometheus_client) is imported: preload imports it after this file.
_own_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kommissorium-metrics-")


def on_starting(server):
    # Counts from an earlier run of the same directory would be added to this one's.
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.unlink(os.path.join(path, name))


def post_fork(server, worker):
    # The master opened connections while checking the schema: never share them.
    from core.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
