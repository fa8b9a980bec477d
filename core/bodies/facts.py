"""Bodies as the rules see them: :class:`~core.rules.types.BodyFacts` built from rows."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core import clock
from core.bodies.models import Body, Seat, SeatHolding
from core.rules.types import BodyFacts, SeatFacts
from core.tenants.models import Tenant


def body_facts(body: Body, tenant_slug: str, day: date | None = None) -> BodyFacts:
    """The body as its rules see it on ``day`` (default today): a meeting's rules read it
    on the meeting's day, so its seats' holders are those who sat then."""
    return BodyFacts(
        tenant=tenant_slug,
        key=body.key,
        name=body.name,
        kind=body.kind.value,
        competence=body.competence.value,
        parent=body.parent.key if body.parent is not None else None,
        meetings_per_year=body.meetings_per_year,
        notice_days=body.notice_days,
        minutes_due_days=body.minutes_due_days,
        approval_mode=body.approval_mode.value,
        approval_due_days=body.approval_due_days,
        submission_deadline_days=body.submission_deadline_days,
        clauses=tuple(body.clauses or ()),
        sources=dict(body.sources or {}),
        information_recipients=tuple(r.organisation.code for r in body.information_recipients),
        extra=dict(body.extra or {}),
        seats=seat_facts(body, day),
        period_start=body.period_start,
        period_end=body.period_end,
        municipality=municipality_code(body.tenant_id),
        rules=dict(body.rules or {}),
    )


def municipality_code(tenant_id: int) -> str | None:
    """The code of the tenant's own municipality as an organisation (the rules' "the
    municipality must be present"). The request's tenant is already in the session, with
    its organisation, so this costs no statement there."""
    from core.extensions import db

    tenant = db.session.get(Tenant, tenant_id)
    return tenant.organisation.code if tenant is not None and tenant.organisation else None


def seat_facts(body: Body, day: date | None = None) -> tuple[SeatFacts, ...]:
    """The body's seats in order, without those ended by ``day`` (default today; ``tenants
    sync`` ends a seat its file no longer names), each with its holder on ``day``: the seats in memory when they are loaded (a page that
    loaded many bodies' seats at once; they may hold unsaved changes); else one statement
    of plain columns, since ORM rows for every seat, its organisation and holder cost
    more than a vote did (200 seats)."""
    from core.extensions import db

    day = day or clock.today()
    state = sa.inspect(body)
    if not state.persistent or "seats" in state.dict:
        return tuple(
            SeatFacts(s.key, s.title, s.organisation.code, s.role.value, s.is_voting,
                      holder.email if (holder := s.holder_on(day)) is not None else None)
            for s in body.seats if s.ended_on is None or day < s.ended_on
        )
    from core.identity.models import User
    from core.organisations.models import Organisation

    rows = db.session.execute(
        sa.select(Seat.key, Seat.title, Organisation.code, Seat.role, Seat.is_voting, User.email)
        .join(Organisation, Organisation.id == Seat.organisation_id)
        .outerjoin(SeatHolding, sa.and_(SeatHolding.seat_id == Seat.id,
                                         SeatHolding.valid_on_sql(day)))
        .outerjoin(User, User.id == SeatHolding.holder_id)
        .where(Seat.body_id == body.id, Seat.not_ended_sql(day))
        .order_by(Seat.position, Seat.id)
    ).all()
    return tuple(SeatFacts(r.key, r.title, r.code, r.role.value, r.is_voting, r.email)
                 for r in rows)
