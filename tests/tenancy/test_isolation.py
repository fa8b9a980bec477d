"""Tenancy: work done for tenant A never reads or writes tenant B's rows.

Runs on SQLite locally and on PostgreSQL in CI (TEST_DATABASE_URL).
"""

import pytest
import sqlalchemy as sa

from core.bodies.models import Body, Seat, SeatRole
from core.extensions import db
from core.organisations.models import Organisation
from core.tenancy import TenancyError, TenantViolation, all_tenants
from tests.fixtures.tenants import two_bodies


@pytest.fixture
def two_tenants(sync_tenant, write_tenant_file):
    sync_tenant(write_tenant_file(two_bodies("aby", "A")))
    sync_tenant(write_tenant_file(two_bodies("bby", "B")))


def test_queries_see_only_the_current_tenant(two_tenants, in_tenant):
    with in_tenant("aby"):
        keys = db.session.scalars(sa.select(Body.key).order_by(Body.key)).all()
        seats = db.session.scalars(sa.select(Seat)).all()
    assert keys == ["aby-gruppe", "bestyrelse"]
    assert {s.organisation.code for s in seats} <= {"A-KOM", "A-BO"}
    assert len(seats) == 4


def test_another_tenants_row_cannot_be_loaded_by_id(two_tenants, in_tenant):
    with all_tenants():
        b_body_id = db.session.scalar(
            sa.select(Body.id).where(Body.key == "bby-gruppe")
        )
    db.session.expunge_all()
    with in_tenant("aby"):
        assert db.session.scalar(sa.select(Body).where(Body.id == b_body_id)) is None
        # joins and aggregates are filtered too
        assert db.session.scalar(sa.select(sa.func.count(Seat.id))) == 4


def test_bulk_update_and_delete_touch_only_the_current_tenant(two_tenants, in_tenant):
    with in_tenant("aby"):
        db.session.execute(sa.update(Body).values(meetings_per_year=99))
        db.session.execute(sa.delete(Seat).where(Seat.key == "medlem"))
        db.session.commit()
    with in_tenant("bby"):
        assert set(db.session.scalars(sa.select(Body.meetings_per_year))) == {4, 0}
        assert db.session.scalar(sa.select(sa.func.count(Seat.id))) == 4


def test_writing_a_row_into_another_tenant_raises(two_tenants, in_tenant):
    with in_tenant("bby") as b:
        b_id = b.id
        body_id = db.session.scalar(sa.select(Body.id).filter_by(key="bestyrelse"))
    with in_tenant("aby"):
        org = db.session.scalar(sa.select(Organisation).filter_by(code="A-BO"))
        db.session.add(Seat(tenant_id=b_id, body_id=body_id, key="x", title="x",
                            organisation=org, role=SeatRole.MEMBER, is_voting=True))
        with pytest.raises(TenantViolation):
            db.session.flush()
        db.session.rollback()
    with all_tenants():
        assert db.session.scalar(sa.select(sa.func.count(Seat.id)).where(Seat.key == "x")) == 0


def test_moving_a_row_to_another_tenant_raises(two_tenants, in_tenant):
    with in_tenant("bby") as b:
        b_id = b.id
    with in_tenant("aby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        body.tenant_id = b_id
        with pytest.raises(TenantViolation):
            db.session.flush()
        db.session.rollback()


def test_a_new_row_takes_the_current_tenant(two_tenants, in_tenant):
    with in_tenant("aby") as a:
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        org = db.session.scalar(sa.select(Organisation).filter_by(code="A-BO"))
        seat = Seat(body=body, key="ny", title="Ny", organisation=org,
                    role=SeatRole.MEMBER, is_voting=True)
        db.session.add(seat)
        db.session.flush()
        assert seat.tenant_id == a.id
        db.session.rollback()


def test_tenant_data_outside_any_scope_raises(two_tenants):
    db.session.expunge_all()
    with pytest.raises(TenancyError, match="outside a tenant scope"):
        db.session.scalars(sa.select(Body)).all()


def test_api_answers_404_for_another_tenants_body(two_tenants, client):
    assert client.get("/api/v1/tenants/bby/bodies/bby-gruppe").status_code == 200
    resp = client.get("/api/v1/tenants/aby/bodies/bby-gruppe")
    assert resp.status_code == 404
    assert "bby" not in resp.get_data(as_text=True).replace("bby-gruppe", "")
    listed = client.get("/api/v1/tenants/aby/bodies").get_json()
    assert [b["key"] for b in listed] == ["bestyrelse", "aby-gruppe"]


def test_a_count_over_a_tenant_table_is_filtered_too(two_tenants, in_tenant):
    """``select(func.count()).select_from(Body)`` names no mapper, only a table."""
    with in_tenant("aby"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Body)) == 2
        joined = sa.select(sa.func.count()).select_from(Seat).join(Body, Seat.body_id == Body.id)
        assert db.session.scalar(joined) == 4
    db.session.expunge_all()
    with pytest.raises(TenancyError, match="Body"):
        db.session.scalar(sa.select(sa.func.count()).select_from(Body))


def test_a_hearing_link_of_another_tenant_is_not_found_by_its_token(two_tenants, in_tenant, client):
    """A personal hearing link is looked up by its token's hash inside the tenant of the
    address: tenant B's real token finds nothing under tenant A (page and API: 404),
    docs/decisions/0037-hearing-answer-links.md."""
    from datetime import UTC, datetime

    from core.proposals.models import (
        Hearing,
        HearingAnswerLink,
        HearingOrganisation,
        Proposal,
        ProposalStep,
        StepKind,
        StepState,
    )
    from core.proposals.operations.hearings import _token, token_hash

    token = _token("isolation")
    with in_tenant("bby"):
        body = db.session.scalar(sa.select(Body).filter_by(key="bestyrelse"))
        org = db.session.scalar(sa.select(Organisation).filter_by(code="B-BO"))
        proposal = Proposal(origin_body_id=body.id, title="B's forslag", text="B", decision_sought="B")
        db.session.add(proposal)
        db.session.flush()
        step = ProposalStep(proposal_id=proposal.id, position=1, kind=StepKind.HEARING, action="hear",
                            state=StepState.ACTIVE)
        db.session.add(step)
        db.session.flush()
        hearing = Hearing(step_id=step.id, deadline_at=datetime(2030, 1, 1, tzinfo=UTC))
        db.session.add(hearing)
        db.session.flush()
        db.session.add(HearingOrganisation(hearing_id=hearing.id, organisation_id=org.id))
        db.session.add(HearingAnswerLink(hearing_id=hearing.id, organisation_id=org.id, email="b@b.example",
                                         nonce="isolation", token_hash=token_hash(token),
                                         expires_at=datetime(2030, 1, 15, tzinfo=UTC)))
        db.session.commit()
        pid = proposal.id
    with in_tenant("aby"):
        assert db.session.scalar(sa.select(HearingAnswerLink).filter_by(token_hash=token_hash(token))) is None
    assert client.get(f"/aby/forslag/{pid}/hoeringssvar/{token}").status_code == 404
    assert client.get(f"/api/v1/tenants/aby/proposals/{pid}/hearing/answer-links/{token}").status_code == 404
    assert client.get(f"/bby/forslag/{pid}/hoeringssvar/{token}").status_code == 200
