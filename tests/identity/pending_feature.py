"""A stand-in core feature implementing ``pending_for_user`` (registered through
``PluginHost(features=…)`` in tests/identity/test_pending.py): one item per seat the user
holds in the tenant, read inside the tenant's scope."""

import sqlalchemy as sa

from core import hookimpl
from core import clock
from core.bodies.models import Seat
from core.extensions import db
from core.rules.types import PendingItem


@hookimpl
def pending_for_user(user_id, tenant):
    seats = db.session.scalars(sa.select(Seat).where(Seat.held_by_sql(user_id, clock.today()))).all()
    return [
        PendingItem(kind="agenda_to_read", title=f"Læs dagsordenen for {s.body.name}",
                    title_en=f"Read the agenda of {s.body.name}", body=s.body.key,
                    url=f"/{tenant.slug}/organer/{s.body.key}")
        for s in seats
    ]
