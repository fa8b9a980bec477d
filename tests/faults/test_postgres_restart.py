"""PostgreSQL restarted while requests run: a clear 503 (with Retry-After) while it is away,
never a 500; never a failure for a committed write (core/transactions.py); the pool
recovers by itself; no request leaves part of its work behind; and repeating each request
with its Idempotency-Key afterwards carries out each plan exactly once.

The database is a throwaway cluster of this test's own (initdb + pg_ctl, on a random port
in a temp dir), never the machine's PostgreSQL that CI and others use."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fixtures.mail import free_port
from tests.fixtures.testby import SECRETARY, TESTBY  # Testby's secretary plans the board's year
PER_PLAN = 4  # meetings one planning request creates, each with its standing items


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Cluster:
    def __init__(self):
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="kommissorium-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin / tool), *args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def init(self):
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        return self

    def start(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self, mode: str = "fast"):
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def remove(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    if _pg_bin() is None:
        pytest.skip("no initdb under /usr/lib/postgresql/*/bin")
    c = Cluster().init()
    c.start()
    yield c
    c.remove()


@pytest.fixture
def cluster_app(cluster, kommissorium_plugins):
    from flask_migrate import upgrade

    from core import create_app
    from core.extensions import db
    from core.hooks.host import PluginHost
    from core.identity.models import User
    from core.tenants.operations import sync_tenant_file
    from core.testing import _dispose

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": cluster.url, "REDIS_URL": "",
                      "SECRET_KEY": "test"}, host=PluginHost(plugins=kommissorium_plugins), check_schema=False)
    with app.app_context():
        upgrade(revision="heads")
        sync_tenant_file(TESTBY, app.extensions["kommissorium.host"])
        db.session.commit()
        user = db.session.execute(
            sa.select(User.id, User.session_version).filter_by(email=SECRETARY)).one()
    yield app, user
    _dispose(app)


def _client(app, user):
    from core.identity.auth import log_in_session

    client = app.test_client()
    with client.session_transaction() as session:
        log_in_session(session, user)
    return client


def _plan(client, year, key: str | None = None):
    meetings = [{"starts_at": f"{year}-{month:02d}-10T15:00:00+00:00"} for month in (2, 5, 8, 11)]
    return client.post("/api/v1/tenants/testby/bodies/bestyrelse/plan",
                       json={"year": year, "meetings": meetings},
                       headers={"Idempotency-Key": key} if key else {})


def _stored(app):
    """Per year: the number of agenda (standing) items of each of its meetings."""
    from core.extensions import db
    from core.meetings.models import Meeting
    from core.tenancy import all_tenants

    with app.app_context(), all_tenants():
        meetings = db.session.scalars(sa.select(Meeting)).all()
        by_year = {}
        for m in meetings:
            by_year.setdefault(m.starts_at.year, []).append(len(m.items))
    return by_year


def test_a_postgres_restart_answers_503_never_500_and_leaves_no_partial_write(cluster, cluster_app):
    app, user = cluster_app
    client = _client(app, user)
    assert _plan(client, 2019).status_code == 201

    cluster.stop("fast")  # the database is away
    resp = _plan(client, 2020)
    assert resp.status_code == 503, resp.get_data(as_text=True)
    assert resp.headers["Retry-After"] and "database is unavailable" in resp.get_json()["message"]
    cluster.start()

    # Requests keep coming while the database restarts (fast: it aborts what is in flight).
    outcomes: dict[int, int] = {}
    unknown: set[int] = set()  # answered "outcome unknown": the commit may have happened
    stop = threading.Event()

    def writer():
        own = _client(app, user)
        year = 2030
        while not stop.is_set() and year < 2099:
            resp = _plan(own, year, key=f"plan-{year}")
            outcomes[year] = resp.status_code
            if resp.headers.get("Kommissorium-Outcome") == "unknown":
                unknown.add(year)
            year += 1

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.5)
    cluster.stop("fast")
    time.sleep(0.5)
    cluster.start()
    time.sleep(1.0)
    stop.set()
    thread.join(timeout=60)

    assert _plan(client, 2021).status_code == 201  # the pool recovered by itself
    codes = set(outcomes.values())
    assert codes <= {201, 503}, outcomes  # a clear 503, never a 500
    assert 201 in codes, outcomes

    # A client repeats every request with its key once the database is back: an answer that
    # said 201 is replayed (never carried out again), one that said 503 is carried out now
    # (or, if its commit had happened after all, replayed), never twice.
    before_repeat = _stored(app)
    standing = sorted(before_repeat[2019])  # standing items per meeting of a planned year
    assert 2020 not in before_repeat
    for year, code in outcomes.items():
        if code == 201:
            assert len(before_repeat.get(year, [])) == PER_PLAN, (year, before_repeat.get(year))
        elif year not in unknown:  # refused before any commit: nothing of it was written
            assert year not in before_repeat, (year, before_repeat[year])
        again = _plan(client, year, key=f"plan-{year}")
        assert again.status_code == 201, (year, again.get_data(as_text=True))
        replayed = again.headers.get("Idempotent-Replayed") == "true"
        assert replayed == (year in before_repeat), (year, code, replayed)
    stored = _stored(app)
    for year in outcomes:
        assert len(stored[year]) == PER_PLAN, (year, stored[year])  # once, not twice
    # no meeting without all its standing items
    assert all(sorted(items) == standing for items in stored.values()), stored
