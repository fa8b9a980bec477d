"""A write is committed only after its answer is built, and a POST repeated with its
``Idempotency-Key`` is answered from the first answer, never carried out twice
(core/transactions.py, docs/decisions/0018-commit-after-the-answer-and-idempotency-keys.md)."""

import os
import threading

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.meetings.models import Meeting
from core.tenancy import all_tenants
from tests.fixtures.testby import BENT, SECRETARY


def _plan(api, year: int, key: str | None = None, months=(2, 5, 8, 11)):
    headers = {"Idempotency-Key": key} if key is not None else {}
    meetings = [{"starts_at": f"{year}-{m:02d}-10T15:00:00+00:00"} for m in months]
    return api.post("bodies/bestyrelse/plan", json={"year": year, "meetings": meetings}, headers=headers)


def _meetings_in(year: int) -> int:
    db.session.rollback()  # read what is committed, not the test's own view
    with all_tenants():
        return sum(1 for m in db.session.scalars(sa.select(Meeting)) if m.starts_at.year == year)


@pytest.fixture
def secretary(testby, api):
    return api(SECRETARY, testby)


def test_a_post_repeated_with_its_key_is_answered_again_and_written_once(secretary):
    first = _plan(secretary, 2019, key="plan-2019-a")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = _plan(secretary, 2019, key="plan-2019-a")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert _meetings_in(2019) == 4  # not 8


def test_without_a_key_a_repeat_is_a_new_request(secretary):
    assert _plan(secretary, 2019).status_code == 201
    assert _plan(secretary, 2019).status_code == 201
    assert _meetings_in(2019) == 8


def test_a_key_used_for_a_different_request_is_refused_naming_the_header(secretary):
    assert _plan(secretary, 2019, key="k-1").status_code == 201
    resp = _plan(secretary, 2020, key="k-1")
    assert resp.status_code == 422
    assert "Idempotency-Key" in resp.get_json()["errors"]["headers"]
    assert _meetings_in(2020) == 0


@pytest.mark.parametrize("key", ["", "x" * 256, "nøgle", "two words"])
def test_a_malformed_key_is_a_400_naming_the_header_and_writes_nothing(secretary, key):
    resp = _plan(secretary, 2019, key=key)
    assert resp.status_code == 400
    assert "Idempotency-Key" in resp.get_json()["errors"]["headers"]
    assert _meetings_in(2019) == 0


def test_keys_belong_to_their_user(secretary, api):
    assert _plan(secretary, 2019, key="shared").status_code == 201
    # another person's identical key is theirs alone: it neither replays Sanne's answer nor
    # is refused as reused; their own request is decided by their own rights
    other = api(BENT, "testby")
    resp = _plan(other, 2019, key="shared")
    assert "Idempotent-Replayed" not in resp.headers
    assert resp.status_code in (403, 404)
    assert _meetings_in(2019) == 4


def test_a_refused_request_stores_no_answer_and_can_be_repeated(secretary):
    bad = {"Idempotency-Key": "k-bad"}
    body = {"year": 2019, "meetings": [{"starts_at": "2020-02-10T15:00:00+00:00"}]}  # not in 2019
    assert secretary.post("bodies/bestyrelse/plan", json=body, headers=bad).status_code == 422
    again = secretary.post("bodies/bestyrelse/plan", json=body, headers=bad)
    assert again.status_code == 422 and "Idempotent-Replayed" not in again.headers
    assert _meetings_in(2020) == 0


def test_an_upload_repeated_with_its_key_is_stored_once(secretary, app, tmp_path, monkeypatch, make_meeting):
    import io
    from datetime import UTC, datetime

    from core.meetings.models import Attachment

    monkeypatch.setitem(app.config, "FILE_STORE_DIR", str(tmp_path / "files"))
    meeting_id = make_meeting("testby", "bestyrelse", datetime(2018, 3, 1, 15, tzinfo=UTC))
    item = secretary.post(f"meetings/{meeting_id}/items", json={"kind": "B", "title": "Budget 2019"}).get_json()
    url = f"meetings/{meeting_id}/items/{item['id']}/attachments"

    def upload():  # a new multipart boundary each time: the parts are what is compared
        return secretary.post(url, data={"file": (io.BytesIO(b"Budget\n"), "budget.txt")},
                          content_type="multipart/form-data", headers={"Idempotency-Key": "u-1"})

    assert upload().status_code == 201
    again = upload()
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    db.session.rollback()
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1


def test_an_expired_key_is_forgotten_by_tick_and_a_repeat_is_carried_out_anew(secretary, app):
    from datetime import timedelta

    from core.models import utcnow
    from core.transactions import IdempotencyKey

    assert _plan(secretary, 2019, key="k-old").status_code == 201
    db.session.execute(sa.update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    from core.cli import main

    result = app.test_cli_runner().invoke(main, ["tick", "--now", "2018-01-02T09:00:00+00:00"])
    assert result.exit_code == 0, result.output
    assert "expired idempotency keys removed: 1" in result.output
    again = _plan(secretary, 2019, key="k-old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert _meetings_in(2019) == 8


on_postgres = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                 reason="needs PostgreSQL (TEST_DATABASE_URL); CI sets it")


@pytest.fixture
def failing_commit(app, secretary):
    """A real refusal at COMMIT: a deferred constraint trigger on meetings that raises when
    the transaction commits, the way a lost connection makes a commit fail."""
    statements = [
        "CREATE FUNCTION test_refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$",
        "CREATE CONSTRAINT TRIGGER test_refuse_at_commit AFTER INSERT ON meetings "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_at_commit()",
    ]
    db.session.commit()  # the test's own session holds no lock on meetings
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
        for s in statements:
            conn.execute(sa.text(s))

    def lift():
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
            conn.execute(sa.text("DROP TRIGGER IF EXISTS test_refuse_at_commit ON meetings"))
            conn.execute(sa.text("DROP FUNCTION IF EXISTS test_refuse_at_commit()"))

    yield lift
    lift()


@on_postgres
def test_a_commit_that_fails_is_never_answered_as_success_and_the_key_learns_the_outcome(
        secretary, failing_commit):
    resp = _plan(secretary, 2019, key="k-commit")
    # the answer was built, then the commit failed: the client is not told 201
    assert resp.status_code == 503
    assert resp.headers["Kommissorium-Outcome"] == "unknown" and resp.headers["Retry-After"]
    assert "same Idempotency-Key" in resp.get_json()["message"]
    assert _meetings_in(2019) == 0
    failing_commit()  # the database is well again: the repeat carries it out, once
    assert _plan(secretary, 2019, key="k-commit").status_code == 201
    assert _plan(secretary, 2019, key="k-commit").headers["Idempotent-Replayed"] == "true"
    assert _meetings_in(2019) == 4


@on_postgres
def test_the_same_key_sent_twice_at_once_is_written_once(app, testby, login):
    answers = []

    def send():
        client = app.test_client()
        with app.app_context():
            login(client, SECRETARY)
            meetings = [{"starts_at": f"2019-{m:02d}-10T15:00:00+00:00"} for m in (2, 5, 8, 11)]
            answers.append(client.post("/api/v1/tenants/testby/bodies/bestyrelse/plan",
                                       json={"year": 2019, "meetings": meetings},
                                       headers={"Idempotency-Key": "k-race"}).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == 4 and set(answers) <= {201, 409} and 201 in answers, answers
    assert _meetings_in(2019) == 4
