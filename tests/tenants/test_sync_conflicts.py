"""``kommissorium tenants sync`` after changes in the browser, run for real on the command
line (docs/decisions/0047-sync-refuses-to-undo-browser-changes.md): the sync shows its
changes and asks before applying them (``--yes`` for scripts); a file that would undo a
seat holder, an ended affiliation, a body's rules or a fact the rules read changed in the
browser since the last sync is refused with a report naming each conflict, what the file
says, what the browser changed, when and by whom, nothing changed; ``--prefer-file`` lets
the file win. A file that lists an erased person does not re-create them. What the browser
changed is exported, and a sync of the export changes nothing."""

from __future__ import annotations

import tomllib

import pytest
import sqlalchemy as sa

from core.bodies.models import Body
from core.cli import main
from core.extensions import db
from core.identity.models import Affiliation, User
from core.tenancy import all_tenants
from tests.fixtures.dates import at
from tests.fixtures.testby import ANNA, BENT, CHAIR, GROUP_MEMBER, SECRETARY, TESTBY

T = "/api/v1/tenants/testby"
#: Testby with the group's member acting for Boligselskabet A as well.
TWO_AFFILIATIONS = TESTBY.read_text(encoding="utf-8").replace(
    'email = "gruppe@testby.example"\nname = "Gitte Gruppe"\norganisations = ["TST-B"]',
    'email = "gruppe@testby.example"\nname = "Gitte Gruppe"\norganisations = ["TST-B", "TST-A"]')


@pytest.fixture
def run(app, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return lambda *args, input=None: app.test_cli_runner().invoke(
        main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def testby_synced(run, clock, tmp_path):
    clock.set(at(2018, 1, 2, 9))
    path = tmp_path / "testby.toml"
    path.write_text(TWO_AFFILIATIONS, encoding="utf-8")
    assert TWO_AFFILIATIONS != TESTBY.read_text(encoding="utf-8")
    result = run("tenants", "sync", str(path), "--yes")
    assert result.exit_code == 0, result.output
    clock.set(at(2018, 2, 1, 9))
    return path


def _holder(in_tenant, seat="formand") -> str | None:
    with in_tenant("testby"):
        board = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        held = next(s for s in board.seats if s.key == seat).current_holder
        return held.email if held is not None else None


def test_sync_shows_the_changes_and_asks_before_applying(run, tmp_path, in_tenant):
    path = tmp_path / "testby.toml"
    path.write_text(TESTBY.read_text(encoding="utf-8"), encoding="utf-8")
    refused = run("tenants", "sync", str(path), input="n\n")
    assert "created tenant testby" in refused.output and "Apply these changes to testby?" in refused.output
    assert refused.exit_code == 1 and "testby: not applied, nothing changed" in refused.output
    with all_tenants():
        assert db.session.scalar(sa.select(User).filter_by(email=SECRETARY)) is None
    unanswered = run("tenants", "sync", str(path))  # no terminal, no --yes: not applied
    assert unanswered.exit_code == 1 and "not applied" in unanswered.output
    applied = run("tenants", "sync", str(path), input="y\n")
    assert applied.exit_code == 0 and "created tenant testby" in applied.output
    again = run("tenants", "sync", str(path))  # nothing to change: nothing to ask
    assert again.exit_code == 0 and "testby: up to date, nothing changed" in again.output
    assert "Apply" not in again.output


def test_a_file_undoing_a_seat_holder_changed_in_the_browser_is_refused(
        testby_synced, run, member, in_tenant, clock):
    sec = member(SECRETARY)
    resp = sec.post(f"{T}/bodies/bestyrelse/seats/formand/holdings",
                    json={"holder": ANNA, "valid_from": "2018-02-01"})
    assert resp.status_code == 200, resp.get_json()
    result = run("tenants", "sync", str(testby_synced), "--yes")
    assert result.exit_code == 1
    out = result.output
    assert "the file would undo 1 change(s) made in the browser" in out
    assert (f"bodies[bestyrelse].seats[formand].holder: the file says '{CHAIR}'; the browser changed it "
            f"from '{CHAIR}' to '{ANNA}' (on 2018-02-01 09:00 UTC by Sekretær Testby, seat.holder_changed)") in out
    assert "--prefer-file" in out and "kommissorium tenants export testby" in out
    assert _holder(in_tenant) == ANNA  # nothing changed
    clock.set(at(2018, 2, 2, 9))  # the file's holder from the sync's day, after the browser's
    won = run("tenants", "sync", str(testby_synced), "--yes", "--prefer-file")
    assert won.exit_code == 0 and "updated seat bestyrelse/formand: holder" in won.output
    assert _holder(in_tenant) == CHAIR


def test_a_file_relisting_an_affiliation_ended_in_the_browser_is_refused(testby_synced, run, member, in_tenant):
    with all_tenants():
        user = db.session.scalar(sa.select(User).filter_by(email=GROUP_MEMBER))
        [a] = [a for a in user.affiliations if a.organisation.code == "TST-A"]
        user_id, affiliation_id = user.id, a.id
    resp = member(SECRETARY).post(f"{T}/people/{user_id}/affiliations/{affiliation_id}/end",
                                  json={"ended_on": "2018-02-01"})
    assert resp.status_code == 200, resp.get_json()
    result = run("tenants", "sync", str(testby_synced), "--yes")
    assert result.exit_code == 1
    assert (f"people[{GROUP_MEMBER}].organisations.TST-A: the file says yes; the browser changed it from "
            "yes to nothing (not there) (on 2018-02-01 09:00 UTC by Sekretær Testby, "
            "person.affiliation_ended)") in result.output

    def open_ones():
        with all_tenants():
            return db.session.scalar(sa.select(sa.func.count()).select_from(Affiliation).where(
                Affiliation.user_id == user_id, Affiliation.ended_on.is_(None)))
    assert open_ones() == 1  # TST-B only: the ended one is not added back
    won = run("tenants", "sync", str(testby_synced), "--yes", "--prefer-file")
    assert won.exit_code == 0 and f"affiliated {GROUP_MEMBER} with TST-A" in won.output
    assert open_ones() == 2


def test_a_file_undoing_a_bodys_rules_or_facts_changed_in_the_browser_is_refused(
        testby_synced, run, member, in_tenant):
    sec = member(SECRETARY)
    assert sec.patch(f"{T}/bodies/bestyrelse", json={"notice_days": 9}).status_code == 200
    assert sec.patch(f"{T}/bodies/gruppe/facts", json={"information_recipients": ["TST-ADM"]}).status_code == 200
    result = run("tenants", "sync", str(testby_synced), "--yes")
    assert result.exit_code == 1 and "would undo 2 change(s)" in result.output
    assert ("bodies[bestyrelse].notice_days: the file says 5; the browser changed it from 5 to 9 "
            "(on 2018-02-01 09:00 UTC by Sekretær Testby, body.changed)") in result.output
    assert ("bodies[gruppe].information_recipients: the file says nothing (not there); the browser "
            "changed it from nothing (not there) to ['TST-ADM']") in result.output
    with in_tenant("testby"):
        assert db.session.scalar(sa.select(Body).filter_by(key="bestyrelse")).notice_days == 9


def test_the_export_keeps_the_browsers_changes_and_syncs_back_unchanged(
        testby_synced, run, member, in_tenant, tmp_path, clock):
    sec = member(SECRETARY)
    assert sec.post(f"{T}/bodies/bestyrelse/seats/formand/holdings",
                    json={"holder": ANNA, "valid_from": "2018-02-01"}).status_code == 200
    assert sec.patch(f"{T}/bodies/gruppe/facts", json={
        "districts": ["Nord"], "plans": ["Plan Nord"],
        "grants": [{"plan": "Plan Nord", "organisations": ["TST-A", "TST-B"]}],
        "information_recipients": ["TST-ADM"]}).status_code == 200
    with all_tenants():
        user = db.session.scalar(sa.select(User).filter_by(email=GROUP_MEMBER))
        [a] = [a for a in user.affiliations if a.organisation.code == "TST-A"]
        user_id, affiliation_id = user.id, a.id
    assert member(SECRETARY).post(f"{T}/people/{user_id}/affiliations/{affiliation_id}/end",
                                  json={"ended_on": "2018-02-01"}).status_code == 200
    out = tmp_path / "exported.toml"
    assert run("tenants", "export", "testby", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    [gitte] = [p for p in data["people"] if p["email"] == GROUP_MEMBER]
    assert gitte["organisations"] == ["TST-B"]  # the affiliation ended in the browser: not listed
    [group] = [b for b in data["bodies"] if b["key"] == "gruppe"]
    assert group["extra"] == {"districts": ["Nord"], "plans": ["Plan Nord"],
                              "grants": [{"plan": "Plan Nord", "organisations": ["TST-A", "TST-B"]}]}
    assert group["information_recipients"] == ["TST-ADM"]
    [chair] = [s for b in data["bodies"] if b["key"] == "bestyrelse" for s in b["seats"] if s["key"] == "formand"]
    assert chair["holder"] == ANNA
    synced = run("tenants", "sync", str(out), "--yes")
    assert synced.exit_code == 0 and "testby: up to date, nothing changed" in synced.output
    assert run("tenants", "export", "testby").output == text  # stable
    # the file that agrees with the browser is what the last sync left: the original file
    # is now a change of its own, applied without a conflict
    clock.set(at(2018, 2, 2, 9))
    back = run("tenants", "sync", str(testby_synced), "--yes")
    assert back.exit_code == 0, back.output
    assert _holder(in_tenant) == CHAIR


def test_a_file_listing_an_erased_person_does_not_recreate_them(testby_synced, run):
    from core.identity.operations import erase_user

    with all_tenants():
        erase_user(db.session.scalar(sa.select(User).filter_by(email=BENT)))
        db.session.commit()
    result = run("tenants", "sync", str(testby_synced), "--yes", "--prefer-file")
    assert result.exit_code == 1
    assert f"people[{BENT}].email: this person's personal data was erased on 2018-02-01" in result.output
    with all_tenants():
        assert db.session.scalar(sa.select(User).filter_by(email=BENT)) is None
