"""rq jobs for the memory benchmark: real work through the application (bench_memory.py).

The worker imports this module by name, so it runs with the project root on PYTHONPATH.
"""

from __future__ import annotations

from core.jobs import job


@job
def describe_tenant(slug: str) -> int:
    """Load a tenant and describe every body with its rules (queries, hooks, facts)."""
    import sqlalchemy as sa

    from core.bodies import operations
    from core.extensions import db
    from core.tenancy import tenant_scope
    from core.tenancy import tenant_hooks
    from core.tenants.models import Tenant

    tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=slug))
    with tenant_scope(tenant.id):
        hooks = tenant_hooks(tenant)
        described = [operations.describe_body(operations.get_body(b.key), tenant, hooks)
                     for b in operations.list_bodies()]
    db.session.remove()
    return len(described)
