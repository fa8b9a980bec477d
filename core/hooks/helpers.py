"""What a ``pending_for_user`` implementation (a feature's hooks.py, or a plugin) uses:
the user and tenant it is asked about, and the page where the work is done."""

from __future__ import annotations

from flask import current_app

from core.extensions import db
from core.identity.models import User
from core.tenants.models import Tenant


def pending_subject(user_id: int, tenant):
    """For a ``pending_for_user`` hook: the user, the tenant's row and the tenant's rule
    hooks, or ``None`` when the user does not exist."""
    user = db.session.get(User, user_id)
    if user is None:
        return None
    tenant_row = db.session.get(Tenant, tenant.id)
    return user, tenant_row, current_app.extensions["kommissorium.host"].for_tenant(tenant_row.plugins)


def page_url(endpoint: str, **values) -> str | None:
    """The path of a page (``url_for``), for pending work's ``page_url``; ``None`` outside
    a request, where no URL can be built."""
    from flask import url_for

    try:
        return url_for(endpoint, **values)
    except RuntimeError:
        return None
