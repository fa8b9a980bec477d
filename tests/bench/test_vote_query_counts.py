"""Casting a vote sends the same number of SQL statements for a body of 20 seats as for one
of 200, and no more than the count pinned here: the rules' situation of the body (its
seats, the attendance, the units' names) is kept with the motion, not rebuilt per vote, and
the audit entry is appended at the commit (issue #20;
docs/decisions/0034-a-vote-reads-what-voting-opened-with.md)."""

import sqlalchemy as sa

from core.extensions import db
from tests.bench.test_query_counts import _count_statements
from tests.fixtures.big_meeting import add_body, big_meeting, decision_item

T = "/api/v1/tenants/testby"
#: The statements of one vote (the first request's work excluded). Lower is fine.
#: PostgreSQL adds the row-level-security tenant and the audit chain's advisory lock.
MAX_VOTE = {"sqlite": 10, "postgresql": 12}


def _vote_statements(member, key: str, seats: int) -> tuple[int, list[str]]:
    emails = add_body("testby", key, seats=seats)
    item = decision_item("testby", big_meeting("testby", key, items=0, state="in_session"))
    motion = member(emails[0]).post(f"{T}/items/{item}/motion", json={"text": "Godkendt"})
    assert motion.status_code == 201, motion.get_json()
    assert motion.get_json()["phase"] == "voting"
    path = f"{T}/motions/{motion.get_json()['id']}/votes"
    assert member(emails[1]).post(path, json={"choice": "yes"}).status_code == 201  # warm
    voter = member(emails[2])  # the next organisation's (seats take them in turn)
    return _count_statements(lambda: voter.post(path, json={"choice": "no"}), 201)


def test_vote_statements_do_not_grow_with_seats(app, sync_tenant, member):
    sync_tenant("testby")
    small, _ = _vote_statements(member, "small", 20)
    large, statements = _vote_statements(member, "large", 200)
    assert large == small, "\n\n".join(statements)
    assert large <= MAX_VOTE[db.engine.dialect.name], (large, "\n\n".join(statements))
    assert not any("FROM attendances" in s or "FROM seats LEFT" in s for s in statements)
