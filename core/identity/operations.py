"""Who a user is across tenants: their organisations, tenants, bodies and seats."""

from __future__ import annotations

import sqlalchemy as sa

from core.bodies.models import Body, Seat
from core.extensions import db
from core.identity.models import User
from core.identity.passwords import verify_password
from core.tenancy import all_tenants
from core.tenants.models import Tenant, TenantAdmin


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).filter_by(email=email.strip().lower()))
    if not verify_password(user.password_hash if user else None, password):
        return None
    return user if user.is_enabled else None


def overview(user: User) -> dict:
    """Every tenant where the user holds a seat or administers, with their bodies and seats.

    Spans tenants on purpose, and filters by the user itself.
    """
    with all_tenants():
        rows = db.session.execute(
            sa.select(Tenant, Body, Seat)
            .join(Body, Body.tenant_id == Tenant.id)
            .join(Seat, Seat.body_id == Body.id)
            .where(Seat.holder_id == user.id)
            .order_by(Tenant.name, Body.id, Seat.position)
        ).all()
        admin_of = set(
            db.session.scalars(sa.select(TenantAdmin.tenant_id).where(TenantAdmin.user_id == user.id))
        )
        admin_tenants = db.session.scalars(
            sa.select(Tenant).where(Tenant.id.in_(admin_of)).order_by(Tenant.name)
        ).all()
    tenants: dict[int, dict] = {}
    for t in admin_tenants:
        tenants[t.id] = {"slug": t.slug, "name": t.name, "is_admin": True, "bodies": {}}
    for tenant, body, seat in rows:
        entry = tenants.setdefault(
            tenant.id,
            {"slug": tenant.slug, "name": tenant.name, "is_admin": tenant.id in admin_of, "bodies": {}},
        )
        b = entry["bodies"].setdefault(body.id, {"key": body.key, "name": body.name, "seats": []})
        b["seats"].append({
            "key": seat.key,
            "title": seat.title,
            "role": seat.role.value,
            "is_voting": seat.is_voting,
            "organisation": seat.organisation.code,
        })
    return {
        "email": user.email,
        "name": user.name,
        "organisations": [o.code for o in user.organisations],
        "tenants": [
            {**t, "bodies": list(t["bodies"].values())}
            for t in sorted(tenants.values(), key=lambda t: t["name"])
        ],
    }
