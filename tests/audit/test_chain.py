"""The audit log: every vote, change and outcome appended to a per-tenant chain of hashes;
``kommissorium audit verify`` reports the first broken link."""

import itertools

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry, AuditLogIsAppendOnly
from core.audit.operations import verify
from core.cli import main
from core.extensions import db

from tests.fixtures.testby import ANNA, BENT, CHAIR, KAREN, SECRETARY

T = "/api/v1/tenants/testby"
#: One vote per organisation on Testby's board (TST-2): TST-A, TST-B (against) and TST-KOM.
VOTERS = {CHAIR: "yes", BENT: "no", KAREN: "yes"}


@pytest.fixture
def run(app, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)

    def _run(*args):
        return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)

    return _run


@pytest.fixture
def decided(sync_tenant, decision_item, member):
    """A decision of Testby's board taken through the API: opened (the core's procedure puts
    it to the vote at once), three votes, closed."""
    sync_tenant("testby")
    item = decision_item("testby", "bestyrelse")
    motion = member(SECRETARY).post(f"{T}/items/{item}/motion", json={"text": "Godkendt"}).get_json()
    assert motion["phase"] == "voting"
    for email, choice in VOTERS.items():
        resp = member(email).post(f"{T}/motions/{motion['id']}/votes", json={"choice": choice})
        assert resp.status_code == 201
    assert member(SECRETARY).post(f"{T}/motions/{motion['id']}/close").status_code == 200
    return motion["id"]


def entries(in_tenant, *, all_entries=False):
    """The decision's entries (after those the tenant file's sync wrote), oldest first."""
    with in_tenant("testby"):
        query = sa.select(AuditEntry).order_by(AuditEntry.seq)
        if not all_entries:
            query = query.where(AuditEntry.subject.like("motion:%"))
        return db.session.scalars(query).all()


def _past_the_trigger():
    """On PostgreSQL a trigger refuses UPDATE and DELETE; an intruder with superuser rights
    (as the tests have) can switch triggers off for a transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))


def tamper(in_tenant, seq, **values):
    """Change a stored entry behind the application's back (raw SQL, as an intruder would)."""
    with in_tenant("testby") as tenant:
        _past_the_trigger()
        db.session.execute(
            sa.update(AuditEntry.__table__)
            .where(AuditEntry.__table__.c.tenant_id == tenant.id, AuditEntry.__table__.c.seq == seq)
            .values(**values)
        )
        db.session.commit()


def _alter_vote(in_tenant, unit, choice):
    """Change a stored vote with SQL, past the application (no trigger guards the votes;
    the intruder's SQL does not write the audit log)."""
    from core.decisions.models import Vote

    with in_tenant("testby"):
        table = Vote.__table__
        db.session.execute(sa.update(table).where(table.c.unit_key == unit).values(choice=choice))
        db.session.commit()
        return db.session.scalar(sa.select(table.c.id).where(table.c.unit_key == unit))


def test_every_vote_and_outcome_is_chained_by_hash(decided, in_tenant):
    log = entries(in_tenant)
    assert [e.action for e in log] == ["motion.opened", "vote.cast", "vote.cast", "vote.cast",
                                       "motion.closed"]
    synced = len(entries(in_tenant, all_entries=True)) - len(log)  # the tenant file's load
    assert synced > 0
    assert [e.seq for e in log] == list(range(synced + 1, synced + 6))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(log))
    assert log[1].payload["unit"] == "org:TST-A" and log[1].payload["choice"] == "yes"
    assert log[-1].payload["result"] == "adopted"
    assert "Vedtaget: 2 af 3" in log[-1].payload["outcome"]["explanation"]["da"]
    assert all(r.ok for r in verify())


def test_audit_verify_passes_an_intact_chain(decided, run, in_tenant):
    result = run("audit", "verify")
    assert result.exit_code == 0, result.output
    total = len(entries(in_tenant, all_entries=True))
    assert f"testby: {total} entries, chain intact" in result.output


def test_audit_verify_reports_the_first_tampered_row(decided, in_tenant, run):
    log = entries(in_tenant)
    # Boligselskab B's "no" becomes a "yes" in the log, and a later entry is altered too
    tamper(in_tenant, log[2].seq, payload={**log[2].payload, "choice": "yes"})
    tamper(in_tenant, log[4].seq, subject="motion:999")
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert (f"testby: chain broken at entry {log[2].seq} (id {log[2].id}): content does "
            "not match its hash (the entry was altered)") in result.output
    assert f"entry {log[4].seq}" not in result.output  # the first broken link only


def test_audit_verify_reports_a_rewritten_hash_at_the_next_link(decided, in_tenant, run):
    log = entries(in_tenant)
    # an intruder who also recomputes the row's own hash still breaks the next link
    seq = log[1].seq
    tamper(in_tenant, seq, hash="0" * 64)
    result = run("audit", "verify", "--tenant", "testby")
    assert result.exit_code == 1
    assert f"chain broken at entry {seq} (id {log[1].id})" in result.output
    tamper(in_tenant, seq, hash=log[1].hash, payload={**log[1].payload, "choice": "no"})
    from core.audit.operations import entry_hash
    with in_tenant("testby") as tenant:
        row = db.session.get(AuditEntry, log[1].id)
        db.session.refresh(row)
        forged = entry_hash(tenant_id=tenant.id, seq=seq, at=row.at, actor_id=row.actor_id,
                            action=row.action, subject=row.subject, payload=row.payload,
                            prev_hash=row.prev_hash)
    tamper(in_tenant, seq, hash=forged)
    result = run("audit", "verify")
    assert (f"chain broken at entry {seq + 1} (id {log[2].id}): prev_hash does not match"
            in result.output)


def test_audit_verify_reports_a_deleted_row(decided, in_tenant, run):
    seq = entries(in_tenant)[3].seq
    with in_tenant("testby") as tenant:
        _past_the_trigger()
        table = AuditEntry.__table__
        db.session.execute(sa.delete(table).where(table.c.tenant_id == tenant.id, table.c.seq == seq))
        db.session.commit()
    result = run("audit", "verify")
    assert result.exit_code == 1 and f"chain broken at entry {seq}" in result.output
    assert f"entry {seq} is missing (next is {seq + 1})" in result.output


def test_the_application_cannot_change_an_entry(decided, in_tenant):
    with in_tenant("testby"):
        entry = db.session.scalar(sa.select(AuditEntry).filter_by(seq=1))  # the sync's first
        entry.action = "motion.forged"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(sa.select(AuditEntry).filter_by(seq=1)))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()


def test_a_refused_vote_writes_nothing_to_the_log(decided, in_tenant, member):
    before = len(entries(in_tenant))
    resp = member(ANNA).post(f"{T}/motions/{decided}/votes", json={"choice": "yes"})
    assert resp.status_code == 409
    assert len(entries(in_tenant)) == before


@pytest.mark.postgres
def test_postgresql_refuses_updates_and_deletes_of_entries(decided, in_tenant):
    from sqlalchemy.exc import DBAPIError

    with in_tenant("testby"):
        if db.session.get_bind().dialect.name != "postgresql":
            pytest.skip("the trigger is PostgreSQL's (TEST_DATABASE_URL); CI sets it")
        table = AuditEntry.__table__
        for statement in (sa.update(table).values(action="forged"), sa.delete(table)):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(statement)
            db.session.rollback()
    assert len(entries(in_tenant)) == 5  # the decision's entries, all kept


def _rewrite_from(in_tenant, seq, **values):
    """Change entry ``seq`` and recompute every hash from there on: a chain rewritten as a
    whole, consistent in itself."""
    from core.audit.operations import entry_hash

    tamper(in_tenant, seq, **values)
    with in_tenant("testby") as tenant:
        rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.seq >= seq - 1)
                                  .order_by(AuditEntry.seq)).all()
        for row in rows:
            db.session.refresh(row)
        prev = rows[0].hash
        forged = []
        for row in rows[1:]:
            h = entry_hash(tenant_id=tenant.id, seq=row.seq, at=row.at, actor_id=row.actor_id,
                           action=row.action, subject=row.subject, payload=row.payload,
                           prev_hash=prev)
            forged.append((row.seq, prev, h))
            prev = h
    for s, p, h in forged:
        tamper(in_tenant, s, prev_hash=p, hash=h)


def test_an_anchor_kept_outside_catches_a_chain_rewritten_as_a_whole(decided, in_tenant, run, tmp_path):
    head = run("audit", "head")
    assert head.exit_code == 0, head.output
    (line,) = head.output.splitlines()
    slug, seq, digest = line.split()
    last = entries(in_tenant)[-1]
    assert (slug, seq) == ("testby", str(last.seq)) and digest == last.hash
    anchor = tmp_path / "anchor.txt"
    anchor.write_text(f"# kept by the operator\n{line}\n")
    result = run("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 0 and f"testby: anchor at entry {seq} matches" in result.output

    # The entry of Boligselskab B's "no" becomes a "yes" and every later hash is recomputed:
    # the chain alone holds (the vote row itself is altered too, so the tables agree with the log)
    log = entries(in_tenant)
    _rewrite_from(in_tenant, log[2].seq, payload={**log[2].payload, "choice": "yes"})
    _alter_vote(in_tenant, "org:TST-B", "yes")
    assert run("audit", "verify").exit_code == 0
    result = run("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert (f"testby: entry {seq} no longer has the hash recorded in the anchor "
            "(the chain was rewritten)") in result.output


def test_a_malformed_anchor_file_is_refused_naming_the_line(decided, run, tmp_path):
    anchor = tmp_path / "anchor.txt"
    anchor.write_text("testby 7\n")  # no hash
    result = run("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code != 0
    assert f"{anchor}:1: expected 'SLUG SEQ HASH'" in result.output
    anchor.write_text(f"andeby 1 {'a' * 64}\n")
    assert f"{anchor}:1: no tenant andeby" in run("audit", "verify", "--anchor", str(anchor)).output


def test_audit_verify_names_a_vote_changed_past_the_application(decided, in_tenant, run):
    """The chain is intact, but the table no longer says what the log says: Boligselskab B's
    "no" became a "yes" by SQL. Verify names the row, the field and both values."""
    vote_id = _alter_vote(in_tenant, "org:TST-B", "yes")
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "chain intact" in result.output  # the log itself was not touched
    assert (f"testby: differs from the audit log: votes id {vote_id} of motion:{decided}: "
            'choice is "yes" in the table, "no" in the audit log') in result.output


def test_audit_verify_names_an_outcome_changed_past_the_application(decided, in_tenant, run):
    from core.decisions.models import Motion

    with in_tenant("testby"):
        motion = db.session.get(Motion, decided)
        outcome = {**motion.outcome, "counts": {**motion.outcome["counts"], "yes": 3}}
        table = Motion.__table__
        db.session.execute(sa.update(table).where(table.c.id == decided)
                           .values(result="rejected", outcome=outcome))
        db.session.commit()
    result = run("audit", "verify", "--tenant", "testby")
    assert result.exit_code == 1
    assert (f"motions id {decided} of motion:{decided}: result is \"rejected\" in the table, "
            '"adopted" in the audit log') in result.output
    assert (f"motions id {decided} of motion:{decided}: outcome.counts.yes is 3 in the table, "
            "2 in the audit log") in result.output


def test_audit_verify_names_a_vote_the_log_does_not_know_and_one_that_is_gone(
        decided, in_tenant, run):
    from core.decisions.models import Vote

    with in_tenant("testby") as tenant:
        table = Vote.__table__
        gone = db.session.execute(sa.select(table).where(table.c.unit_key == "org:TST-A")).one()
        db.session.execute(sa.delete(table).where(table.c.id == gone.id))
        db.session.execute(sa.insert(table).values(
            tenant_id=tenant.id, motion_id=decided, unit_key="org:TST-ADM", unit_label="TST-ADM",
            weight=1, choice="yes", cast_as="holder", cast_at=gone.cast_at))
        db.session.commit()
        added = db.session.scalar(sa.select(table.c.id).where(table.c.unit_key == "org:TST-ADM"))
    output = run("audit", "verify").output
    assert (f"votes id {added} of motion:{decided}: vote of org:TST-ADM is "
            '{"cast_as": "holder", "choice": "yes", "weight": 1} in the table, absent in the '
            "audit log") in output
    assert (f"votes (missing) of motion:{decided}: vote of org:TST-A is absent in the table, "
            '{"cast_as": "holder", "choice": "yes", "weight": 1} in the audit log') in output


def test_deleting_a_tenant_with_an_audit_log_is_refused_by_the_database(decided, in_tenant):
    """The audit log's foreign key to its tenant is RESTRICT (migration e001): a tenant's
    deletion cannot take its audit chain with it, on PostgreSQL and on SQLite."""
    from sqlalchemy.exc import IntegrityError

    from core.tenants.models import Tenant

    with in_tenant("testby") as tenant:
        before = len(entries(in_tenant, all_entries=True))
        with pytest.raises(IntegrityError):
            db.session.execute(sa.delete(Tenant.__table__).where(Tenant.__table__.c.id == tenant.id))
            db.session.flush()
        db.session.rollback()
    assert len(entries(in_tenant, all_entries=True)) == before
