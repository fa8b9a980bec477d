"""``tenants sync`` with seat holdings: a file that names another holder gives the seat
that holder from the sync's day, the holding before ends the day before and the meetings
before it keep who sat (audited as a change of the seat); a file that would overlap a
holding the secretariat entered from a later day is refused whole, nothing changed
(docs/decisions/0038-seat-holdings.md)."""

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.bodies.models import Body
from core.extensions import db
from core.tenants.filespec import TenantFileError
from tests.fixtures.dates import at
from tests.fixtures.testby import CHAIR, SECRETARY, SUBSTITUTE, TESTBY

NEW_CHAIR_FILE = TESTBY.read_text(encoding="utf-8").replace(
    'role = "chair"\nvoting = true\nholder = "formand@testby.example"',
    'role = "chair"\nvoting = true\nholder = "suppleant@testby.example"')


def _chair_holdings(in_tenant) -> list[tuple]:
    with in_tenant("testby"):
        board = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        seat = next(s for s in board.seats if s.key == "formand")
        return [(h.holder.email, h.valid_from, h.valid_to) for h in seat.holdings]


def test_a_sync_that_changes_a_holder_records_a_holding_from_its_day(
        sync_tenant, write_tenant_file, clock, in_tenant):
    assert NEW_CHAIR_FILE != TESTBY.read_text(encoding="utf-8")
    clock.set(at(2018, 1, 2, 9))
    sync_tenant(TESTBY)
    assert _chair_holdings(in_tenant) == [(CHAIR, None, None)]
    clock.set(at(2018, 5, 1, 9))
    report = sync_tenant(write_tenant_file(NEW_CHAIR_FILE))
    assert "updated seat bestyrelse/formand: holder" in report.changes
    assert _chair_holdings(in_tenant) == [
        (CHAIR, None, at(2018, 4, 30).date()), (SUBSTITUTE, at(2018, 5, 1).date(), None)]
    with in_tenant("testby"):
        board = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        chair = next(s for s in board.seats if s.key == "formand")
        assert chair.holder_on(at(2018, 3, 1).date()).email == CHAIR  # a March meeting's
        assert chair.current_holder.email == SUBSTITUTE
        (entry,) = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "seat.changed", AuditEntry.subject == f"seat:{chair.id}")).all()
        change = entry.payload["changes"]["holder"]
        assert change["from"].startswith("user:") and change["to"].startswith("user:")
        assert change["valid_from"] == "2018-05-01"
    # the same file again changes nothing
    assert not sync_tenant(write_tenant_file(NEW_CHAIR_FILE)).changed
    assert len(_chair_holdings(in_tenant)) == 2


def test_a_sync_that_would_overlap_a_later_holding_is_refused(
        sync_tenant, write_tenant_file, clock, in_tenant, member):
    clock.set(at(2018, 1, 2, 9))
    sync_tenant(TESTBY)
    changed = member(SECRETARY).post("/api/v1/tenants/testby/bodies/bestyrelse/seats/formand/holdings",
                                     json={"holder": "anna@testby.example", "valid_from": "2018-06-01"})
    assert changed.status_code == 200, changed.get_json()
    before = _chair_holdings(in_tenant)
    clock.set(at(2018, 3, 1, 9))  # the file gives the seat to another from today: it would overlap
    with pytest.raises(TenantFileError) as exc:
        sync_tenant(write_tenant_file(NEW_CHAIR_FILE))
    assert "bodies[bestyrelse].seats[formand].holder" in str(exc.value)
    assert "2018-06-01" in str(exc.value)
    assert _chair_holdings(in_tenant) == before
