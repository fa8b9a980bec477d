"""The cross-tenant dashboard: what ``/`` and ``GET /api/v1/me`` show a logged-in person.

Every tenant where they hold a seat or administer, or where an organisation they act for
receives material, owes a hearing answer or has a follow-up open, with what waits for them
there (the ``pending_for_user`` hook, which each feature implements in its hooks.py). The
one place that spans tenants on purpose for a person, and the top of the house: it reads
the features (bodies, proposals), and no feature reads it.
"""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy.orm import lazyload
from flask import current_app

from core import clock
from core.bodies.models import Body, Seat, SeatHolding
from core.extensions import db
from core.hooks.helpers import page_url
from core.identity.models import User
from core.tenancy import all_tenants, tenant_scope
from core.tenants.models import Tenant, TenantAdmin


def pending_for(user: User, tenants: list[Tenant]) -> dict[str, list[dict]]:
    """What waits for ``user`` in each tenant, from the ``pending_for_user`` hook."""
    host = current_app.extensions["kommissorium.host"]
    out: dict[str, list[dict]] = {}
    for tenant in tenants:
        hooks = host.for_tenant(tenant.plugins)
        with tenant_scope(tenant.id):
            items = hooks.collect("pending_for_user", user_id=user.id, tenant=tenant.facts())
        out[tenant.slug] = [
            {**asdict(i), "page_url": i.page_url or _fallback_page(i, tenant.slug), "tenant": tenant.slug}
            for i in items
        ]
    return out


def _fallback_page(item, slug: str) -> str:
    """A page for pending work whose hook gave no ``page_url`` (a plugin's): its ``url``
    when that is a page of the app, else the body's page, else the tenant's."""
    if item.url and item.url.startswith("/") and not item.url.startswith(("/api/", "//")):
        return item.url
    if item.body:
        return page_url("web.body", tenant=slug, key=item.body) or f"/{slug}/organer/{item.body}"
    return page_url("web.tenant_home", tenant=slug) or f"/{slug}/"


def overview(user: User) -> dict:
    """Every tenant where the user holds a seat or administers, with their bodies and seats,
    and every tenant where an organisation they act for receives a body's material (CORE-INFORMATION-RECIPIENTS)
    or owes an answer to an open hearing (CORE-HEARING) or has an open follow-up (CORE-FOLLOW-UPS) — found by
    one statement across tenants, so a housing organisation taking part in many plans does
    not put every one of them on each of its people's dashboards.

    Spans tenants on purpose, and filters by the user itself.
    """
    from core.organisations.models import Organisation

    org_ids = [a.organisation_id for a in user.affiliations]
    with all_tenants():
        rows = db.session.execute(
            sa.select(Tenant, Body, Seat)
            .join(Body, Body.tenant_id == Tenant.id)
            .join(Seat, Seat.body_id == Body.id)
            .join(SeatHolding, sa.and_(SeatHolding.seat_id == Seat.id,
                                       SeatHolding.valid_on_sql(clock.today())))
            .where(SeatHolding.holder_id == user.id, Seat.not_ended_sql(clock.today()),
                   Body.current_sql(clock.today()))  # ended by sync: no longer held
            .order_by(Tenant.name, Body.id, Seat.position)
            # the holding is the join's: the seats' other holdings are not read here
            .options(lazyload(Seat.holdings))
        ).all()
        admin_tenants = db.session.scalars(
            sa.select(Tenant).where(Tenant.id.in_(
                sa.select(TenantAdmin.tenant_id).where(TenantAdmin.user_id == user.id)
            )).order_by(Tenant.name)
        ).all()
        admin_of = {t.id for t in admin_tenants}
        through_orgs: dict[int, set[str]] = {}
        tenants_of_orgs: dict[int, Tenant] = {}
        if org_ids:
            taking_part = _awaiting_organisations(org_ids).subquery()
            for tenant, code in db.session.execute(
                sa.select(Tenant, Organisation.code)
                .join(taking_part, taking_part.c.tenant_id == Tenant.id)
                .join(Organisation, Organisation.id == taking_part.c.organisation_id)
            ).all():
                tenants_of_orgs[tenant.id] = tenant
                through_orgs.setdefault(tenant.id, set()).add(code)
    tenants: dict[int, dict] = {}
    tenant_rows = tenants_of_orgs | {t.id: t for t in admin_tenants} | {t.id: t for t, _, _ in rows}

    def entry(tenant: Tenant) -> dict:
        return tenants.setdefault(tenant.id, {
            "slug": tenant.slug, "name": tenant.name, "is_admin": tenant.id in admin_of, "bodies": {},
            "organisations": sorted(through_orgs.get(tenant.id, ())),
        })

    for t in admin_tenants:
        entry(t)
    for tenant, body, seat in rows:
        b = entry(tenant)["bodies"].setdefault(body.id, {"key": body.key, "name": body.name, "seats": []})
        b["seats"].append({
            "key": seat.key,
            "title": seat.title,
            "role": seat.role.value,
            "is_voting": seat.is_voting,
            "organisation": seat.organisation.code,
        })
    for t in tenants_of_orgs.values():
        entry(t)
    pending = pending_for(user, list(tenant_rows.values()))
    return {
        "email": user.email,
        "name": user.name,
        "organisations": [o.code for o in user.organisations],
        "tenants": [
            {**t, "bodies": list(t["bodies"].values()), "pending": pending.get(t["slug"], [])}
            for t in sorted(tenants.values(), key=lambda t: t["name"])
        ],
    }


def _awaiting_organisations(org_ids: list[int]):
    """(tenant_id, organisation_id) where one of ``org_ids`` receives a body's material, is
    asked in an open hearing it has not answered, or has an open follow-up: the tenants
    worth listing for someone without a seat there."""
    from core.bodies.models import BodyRecipient
    from core.proposals.models import (
        FollowUpState,
        FollowUpTask,
        Hearing,
        HearingOrganisation,
        HearingResponse,
        ProposalStep,
        StepState,
    )

    answered = sa.exists().where(HearingResponse.hearing_id == HearingOrganisation.hearing_id,
                                 HearingResponse.organisation_id == HearingOrganisation.organisation_id)
    return sa.union(
        sa.select(BodyRecipient.tenant_id, BodyRecipient.organisation_id)
        .where(BodyRecipient.organisation_id.in_(org_ids)),
        sa.select(HearingOrganisation.tenant_id, HearingOrganisation.organisation_id)
        .join(Hearing, Hearing.id == HearingOrganisation.hearing_id)
        .join(ProposalStep, ProposalStep.id == Hearing.step_id)
        .where(HearingOrganisation.organisation_id.in_(org_ids), Hearing.closed_at.is_(None),
               ProposalStep.state == StepState.ACTIVE, ~answered),
        sa.select(FollowUpTask.tenant_id, FollowUpTask.organisation_id)
        .where(FollowUpTask.organisation_id.in_(org_ids), FollowUpTask.state == FollowUpState.OPEN),
    )
