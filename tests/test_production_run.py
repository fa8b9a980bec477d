"""The production stack on this machine (deploy/prod-run.py, `make prod-run`): gunicorn with
deploy/gunicorn.conf.py, an rq worker and the tick loop, on a fresh PostgreSQL database and
real Redis, exercised over HTTP and stopped cleanly with SIGTERM: a meeting of a København
district board goes from agenda to a vote and minutes over HTTP, and the tick loop and the
rq worker mail the minutes to the members through a real SMTP server (aiosmtpd).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import psutil
import pytest
import sqlalchemy as sa

from core.config import PROJECT_ROOT, normalise_database_url

pytestmark = [pytest.mark.production, pytest.mark.postgres, pytest.mark.redis]
BIN = os.path.dirname(sys.executable)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Http:
    """A tiny client with a cookie jar (session login), over real loopback HTTP."""

    def __init__(self, port: int):
        import http.cookiejar

        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with self.opener.open(req, timeout=10) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def json(self, method, path, body=None, expect=200):
        status, _, raw = self.request(method, path, body)
        assert status == expect, (method, path, status, raw[:300])
        return json.loads(raw)


@pytest.fixture
def fresh_database():
    base = os.environ.get("TEST_DATABASE_URL")
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not (base and redis_url):
        pytest.skip("needs TEST_DATABASE_URL and TEST_REDIS_URL (CI sets both)")
    url = sa.engine.make_url(normalise_database_url(base))
    name = f"k_prod_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False), redis_url
    with admin.connect() as conn:
        conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _wait_ready(http: Http, proc, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the stack exited early with {proc.returncode}"
        try:
            status, _, body = http.request("GET", "/readyz")
            if status == 200:
                return json.loads(body)
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("the stack never became ready")


def _children_when(pid, count, timeout=30):
    """The master's children once there are ``count`` of them: gunicorn forks its workers
    one after another with a short random pause, so the first can answer /readyz before
    the last exists."""
    deadline = time.monotonic() + timeout
    while True:
        children = [c.pid for c in psutil.Process(pid).children()]
        if len(children) >= count or time.monotonic() > deadline:
            return children
        time.sleep(0.2)


K = "/api/v1/tenants/kobenhavn"
AMAGER = "bydelsbestyrelse-amager-vvvk"
BSK = "bolette.sejr@bsk.example"  # the district board's secretary (KBH-8)
VOTERS = ("asger.abildgaard@aab.example", "dorit.mejer@domea.example", "signe.vang@sof.kk.example")
SYDHAVNEN = "Helhedsplan Sydhavnen 2020-2024"  # granted to AAB and Domea (KBH-5)


def _set_password(env, email):
    done = subprocess.run([os.path.join(BIN, "kommissorium"), "users", "set-password", email,
                           "--password", "s3cret-pw"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr[-2000:]


def _meeting_from_agenda_to_minutes(env, port, smtp):
    """Plan, add a decision item, publish the agenda, open the meeting, record attendance, open a motion,
    vote, close it, write and send the minutes; the tick loop writes the notifications and
    the rq worker mails them (a meeting that began two hours ago, so tick sees it)."""
    from datetime import UTC, datetime, timedelta

    people = {}
    for email in (BSK, *VOTERS):
        _set_password(env, email)
        people[email] = Http(port)
        people[email].json("POST", "/api/v1/auth/login", {"email": email, "password": "s3cret-pw"})
    sec = people[BSK]
    from zoneinfo import ZoneInfo

    # Two hours ago, but today in the tenant's time zone: the meeting is opened on its day
    # (CORE-SESSION).
    local_midnight = datetime.now(ZoneInfo("Europe/Copenhagen")).replace(
        hour=0, minute=1, second=0, microsecond=0)
    starts_at = max(datetime.now(UTC) - timedelta(hours=2), local_midnight).replace(microsecond=0)
    meeting = sec.json("POST", f"{K}/bodies/{AMAGER}/meetings",
                       {"starts_at": starts_at.isoformat()}, expect=201)
    m = meeting["id"]
    item = sec.json("POST", f"{K}/meetings/{m}/items", {
        "kind": "B", "title": "Justering af helhedsplanen", "plan": SYDHAVNEN,
        "district": "Amager"}, expect=201)
    assert sec.json("POST", f"{K}/meetings/{m}/publish-agenda")["state"] == "agenda_published"
    assert sec.json("POST", f"{K}/meetings/{m}/session")["state"] == "in_session"
    body = sec.json("GET", f"{K}/bodies/{AMAGER}")
    for seat in body["seats"]:
        if seat.get("holder"):
            sec.json("PUT", f"{K}/meetings/{m}/attendance/{seat['key']}", {"status": "present"})
    motion = sec.json("POST", f"{K}/items/{item['id']}/motion", {"text": "Justeringen godkendes."},
                      expect=201)
    if motion["phase"] != "voting":
        motion = sec.json("POST", f"{K}/motions/{motion['id']}/voting")
    for email in VOTERS[:2]:  # the housing organisations in the grant (KBH-5)
        people[email].json("POST", f"{K}/motions/{motion['id']}/votes", {"choice": "yes"}, expect=201)
    # a municipal administration takes part but does not vote on the plan's adjustment (KBH-5)
    people[VOTERS[2]].json("POST", f"{K}/motions/{motion['id']}/votes", {"choice": "yes"}, expect=409)
    closed = sec.json("POST", f"{K}/motions/{motion['id']}/close")
    assert closed["outcome"]["result"] == "adopted" and closed["outcome"]["counts"]["yes"] == 2
    sec.json("POST", f"{K}/meetings/{m}/held")
    sec.json("PUT", f"{K}/meetings/{m}/items/{item['id']}/minutes",
             {"decision": "Justeringen blev godkendt."})
    assert sec.json("POST", f"{K}/meetings/{m}/send-minutes")["state"] in ("minutes_sent", "minutes_approved")

    # the tick loop (every 5 s) and the worker deliver the minutes to the members
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        minutes = [msg for msg in smtp.messages if str(msg["Subject"]).startswith("Referat")]
        if {msg["To"] for msg in minutes} >= set(VOTERS):
            break
        time.sleep(0.5)
    minutes = [msg for msg in smtp.messages if str(msg["Subject"]).startswith("Referat")]
    assert {msg["To"] for msg in minutes} >= set(VOTERS), [msg["Subject"] for msg in smtp.messages]
    assert len(minutes) == len({msg["To"] for msg in minutes})  # each member once
    return m


def test_production_stack_serves_the_api_and_stops_cleanly(fresh_database, tmp_path, make_smtp_server):
    from redis import Redis
    from rq import Queue

    database_url, redis_url = fresh_database
    port = _free_port()
    smtp = make_smtp_server(_free_port())
    queue_name = f"test-prod-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "SECRET_KEY": uuid.uuid4().hex, "KOMMISSORIUM_QUEUE": queue_name,
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port)}
    env.pop("TEST_DATABASE_URL", None)
    run_dir = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "deploy" / "prod-run.py"), "run", "--port", str(port),
         "--workers", "2", "--tick-interval", "5", "--run-dir", str(run_dir)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    http = Http(port)
    stopped = False
    try:
        ready = _wait_ready(http, proc)
        assert ready["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}
        state = json.loads((run_dir / "stack.json").read_text())
        gunicorn_workers = _children_when(state["pids"]["web"], count=2)
        assert len(gunicorn_workers) == 2
        everything = [*state["pids"].values(), *gunicorn_workers]

        # load the tenants, as an operator does
        sync = subprocess.run([os.path.join(BIN, "kommissorium"), "tenants", "sync", "--yes"], env=env,
                              capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
        assert sync.returncode == 0, sync.stderr[-2000:]

        tenants = http.json("GET", "/api/v1/tenants")
        assert {t["slug"] for t in tenants} == {"albertslund", "kobenhavn", "slagelse", "vejle"}
        requests = 1
        for tenant in tenants:
            bodies = http.json("GET", f"/api/v1/tenants/{tenant['slug']}/bodies")
            assert bodies
            body = http.json("GET", f"/api/v1/tenants/{tenant['slug']}/bodies/{bodies[0]['key']}")
            assert body["key"] == bodies[0]["key"] and "kommissorium" in body
            requests += 2
        status, headers, _ = http.request("GET", "/api/v1/tenants/nowhere/bodies",
                                          headers={"X-Request-ID": "prod-test-1"})
        assert status == 404 and headers["X-Request-ID"] == "prod-test-1"

        # a person logs in over HTTP (session cookie shared by both gunicorn workers)
        email = "viggo.voss@sof.kk.example"
        set_pw = subprocess.run([os.path.join(BIN, "kommissorium"), "users", "set-password", email,
                                 "--password", "s3cret-pw"], env=env, capture_output=True,
                                text=True, timeout=60, cwd=PROJECT_ROOT)
        assert set_pw.returncode == 0, set_pw.stderr[-2000:]
        http.json("POST", "/api/v1/auth/login", {"email": email, "password": "s3cret-pw"})
        for _ in range(4):  # whichever worker answers, the session holds
            me = http.json("GET", "/api/v1/me")
            assert me["email"] == email and "kobenhavn" in {t["slug"] for t in me["tenants"]}

        # a meeting from agenda to a vote and minutes, mailed by the worker through tick
        _meeting_from_agenda_to_minutes(env, port, smtp)

        # the rq worker takes jobs from Redis
        q = Queue(queue_name, connection=Redis.from_url(redis_url))
        job = q.enqueue("builtins.len", [1, 2, 3])
        deadline = time.monotonic() + 30
        while job.get_status(refresh=True) != "finished" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert job.get_status() == "finished" and job.return_value() == 3

        # metrics are summed over both gunicorn workers
        status, _, raw = http.request("GET", "/metrics")
        text = raw.decode()
        assert status == 200
        counted = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                      if line.startswith("kommissorium_http_requests_total{")
                      and 'route="/api/v1/tenants' in line and 'status="200"' in line)
        assert counted >= requests
        assert f'kommissorium_rq_queue_depth{{queue="{queue_name}"}} 0.0' in text

        # stop: SIGTERM to the supervisor, every process gone, every exit code 0
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=90)
        stopped = True
        assert proc.returncode == 0, out[-3000:]
        assert json.loads((run_dir / "stack-exit.json").read_text()) == {
            "web": 0, "worker": 0, "tick": 0}
        for pid in everything:
            assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        assert "tick-loop: stopping" in out
        with pytest.raises(OSError):
            http.request("GET", "/healthz")
    finally:
        if not stopped and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        Queue(queue_name, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)
