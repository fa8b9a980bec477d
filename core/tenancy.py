"""Tenancy: which tenant the current work is for, and the walls that keep tenants apart.

Every tenant-scoped table mixes in :class:`TenantScoped`. Work runs inside a scope:

* ``tenant_scope(tenant_id)`` — a request under ``/…/<tenant>/…``, a job, a sync.
  Every ORM query is filtered to that tenant automatically, and flushing a row of
  another tenant raises :class:`TenantViolation`.
* ``all_tenants()`` — the few platform-level views that span tenants on purpose (a
  user's own dashboard, the tenant list). Nothing is filtered; writes must name a tenant.
* no scope — querying or writing a tenant-scoped table raises :class:`TenancyError`,
  so a forgotten scope fails loudly instead of leaking.

On PostgreSQL, row-level security on ``tenant_id`` is the second wall: every transaction
in a scope sets ``app.tenant_id`` (or ``app.bypass_rls`` for ``all_tenants()``) from it (one
outside any scope sets nothing: unset, the policy shows no rows), and the
policy (:func:`enable_row_level_security`, applied in the migrations) shows only that tenant's
rows even to raw SQL.

A request is bound to its tenant here too (:func:`bind_tenant`): ``/api/v1/tenants/<tenant>/…``
and ``/<tenant>/…`` resolve the tenant (404 if unknown), enter its scope for the request and
leave it at teardown (:func:`release_tenant`); :func:`current_tenant` and
:func:`tenant_hooks` are the request's tenant and its rule hooks.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria


class TenancyError(RuntimeError):
    """Tenant-scoped data was touched outside any tenant scope."""


class TenantViolation(TenancyError):
    """A row of one tenant was written while working for another."""


@dataclass(frozen=True)
class Scope:
    #: The tenant the work is for; ``None`` means every tenant (platform-level work).
    tenant_id: int | None


_scope: ContextVar[Scope | None] = ContextVar("kommissorium_tenant_scope", default=None)


def current_tenant_id() -> int:
    scope = _scope.get()
    if scope is None or scope.tenant_id is None:
        raise TenancyError("no tenant is in scope")
    return scope.tenant_id


@contextlib.contextmanager
def tenant_scope(tenant_id: int) -> Iterator[Scope]:
    """Run the block for one tenant: queries filtered, writes checked."""
    token = _scope.set(Scope(tenant_id=tenant_id))
    try:
        yield _scope.get()
    finally:
        _scope.reset(token)


@contextlib.contextmanager
def all_tenants() -> Iterator[Scope]:
    """Run the block across tenants, for platform-level views that filter by user themselves."""
    token = _scope.set(Scope(tenant_id=None))
    try:
        yield _scope.get()
    finally:
        _scope.reset(token)


def enter(tenant_id: int | None):
    """Enter a scope without a ``with`` block (a request); returns the token for :func:`leave`."""
    return _scope.set(Scope(tenant_id=tenant_id))


def leave(token) -> None:
    _scope.reset(token)


class TenantScoped:
    """Mixin for every tenant-scoped table: a non-null, indexed ``tenant_id``."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        #: The tenant (municipality) the row belongs to.
        return mapped_column(
            sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True
        )


def _is_scoped(mapper) -> bool:
    return issubclass(mapper.class_, TenantScoped)


_SCOPED_TABLES: tuple[int, dict] = (0, {})


def _scoped_tables() -> dict:
    """Tenant-scoped tables → model names, rebuilt only when models are added."""
    global _SCOPED_TABLES
    from core.extensions import db

    mappers = db.Model.registry.mappers
    if _SCOPED_TABLES[0] != len(mappers):
        _SCOPED_TABLES = (
            len(mappers),
            {m.local_table: m.class_.__name__ for m in mappers if _is_scoped(m)},
        )
    return _SCOPED_TABLES[1]


#: Statement shape (SQLAlchemy's cache key, which leaves out bound values) → the names
#: :func:`_scoped_names` found. Working out a statement's FROM clause costs about as much
#: as compiling it, on every execution; the answer depends only on the shape.
_NAMES_CACHE: dict = {}
_NAMES_CACHE_SIZE = 4096


def _scoped_names(state) -> list[str]:
    """The tenant-scoped entities a statement touches: its mappers, and the tables in its
    FROM clause (``select(func.count()).select_from(Body)`` names no mapper)."""
    key = state.statement._generate_cache_key()
    if key is not None:
        key = (key.key, state.is_select, len(db_mappers()))
        names = _NAMES_CACHE.get(key)
        if names is not None:
            return names
    names = {m.class_.__name__ for m in state.all_mappers if _is_scoped(m)}
    if state.is_select:
        tables = _scoped_tables()
        for from_ in state.statement.get_final_froms():
            for table in sa.sql.util.find_tables(from_, include_joins=True):
                if table in tables:
                    names.add(tables[table])
    names = sorted(names)
    if key is not None:
        if len(_NAMES_CACHE) >= _NAMES_CACHE_SIZE:
            _NAMES_CACHE.clear()
        _NAMES_CACHE[key] = names
    return names


def db_mappers():
    from core.extensions import db

    return db.Model.registry.mappers


@event.listens_for(Session, "do_orm_execute")
def _filter_for_tenant(state) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria travel with the query that loaded the parent
    names = _scoped_names(state)
    if not names:
        return
    _sync_row_level_security(state.session)
    scope = _scope.get()
    if scope is None:
        raise TenancyError(f"query on tenant-scoped {', '.join(names)} outside a tenant scope")
    if scope.tenant_id is None:
        return
    tenant_id = scope.tenant_id
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
        )
    )


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, flush_context, instances) -> None:
    scope = _scope.get()
    _sync_row_level_security(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, TenantScoped):
            continue
        if scope is None:
            raise TenancyError(f"writing {type(obj).__name__} outside a tenant scope")
        if scope.tenant_id is None:
            if obj.tenant_id is None:
                raise TenancyError(f"{type(obj).__name__} written across tenants without a tenant_id")
            continue
        if obj.tenant_id is None:
            obj.tenant_id = scope.tenant_id
        elif obj.tenant_id != scope.tenant_id:
            raise TenantViolation(
                f"{type(obj).__name__} of tenant {obj.tenant_id} written while working for "
                f"tenant {scope.tenant_id}"
            )


# ---------------------------------------------------------------------------------------
# PostgreSQL row-level security: the second wall (docs/decisions/0005-row-level-security.md)
# ---------------------------------------------------------------------------------------

#: The policy every tenant-scoped table gets. ``app.tenant_id`` is set per transaction by
#: :func:`_sync_row_level_security`; ``app.bypass_rls`` only for platform-level work
#: (``all_tenants()``). Unset settings read as NULL, so a connection that says nothing sees
#: nothing.
RLS_POLICY = "tenant_isolation"
_RLS_CONDITION = (
    "current_setting('app.bypass_rls', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::int"
)


def enable_row_level_security(op, table: str) -> None:
    """In a migration: put ``table`` behind the tenant policy (PostgreSQL only).

    Call it for every new tenant-scoped table; tests/tenancy/test_row_level_security.py
    fails for a tenant-scoped table without it.
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    # FORCE: the policy binds the table's owner too, so an application that owns its
    # tables (the usual deployment) is still held by it. Superusers always bypass RLS.
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY {RLS_POLICY} ON "{table}" USING ({_RLS_CONDITION}) '
        f"WITH CHECK ({_RLS_CONDITION})"
    )


def disable_row_level_security(op, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {RLS_POLICY} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')


def _rls_settings(scope: Scope | None) -> tuple[str, str]:
    if scope is None:
        return "", "off"
    if scope.tenant_id is None:
        return "", "on"
    return str(scope.tenant_id), "off"


def _apply_rls(session: Session, connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    wanted = _rls_settings(_scope.get())
    if session.info.get("rls", _UNSET) == wanted:
        return
    tenant, bypass = wanted
    # SET LOCAL through set_config(..., true): it ends with the transaction, so a pooled
    # connection never carries one request's tenant into the next.
    connection.exec_driver_sql(
        "SELECT set_config('app.tenant_id', %(t)s, true), set_config('app.bypass_rls', %(b)s, true)",
        {"t": tenant, "b": bypass},
    )
    session.info["rls"] = wanted


#: What a transaction starts with: the settings are only ever set LOCAL (they end with
#: the transaction), so a new transaction reads them as unset (NULL) or empty — no tenant,
#: no bypass: it sees no tenant's rows. Work outside any scope needs no ``set_config``.
_UNSET = _rls_settings(None)


@event.listens_for(Session, "after_begin")
def _set_tenant_for_transaction(session: Session, transaction, connection) -> None:
    """Each transaction starts with the scope's tenant set for row-level security."""
    session.info.pop("rls", None)
    _apply_rls(session, connection)


def _sync_row_level_security(session: Session) -> None:
    """The scope may change inside a transaction (a request resolves its tenant first)."""
    if session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        _apply_rls(session, session.connection())


# --- binding a request to its tenant -----------------------------------------------------


def find_tenant(slug: str):
    """The tenant with ``slug``; 404 if there is none."""
    from flask_smorest import abort

    from core.extensions import db
    from core.tenants.models import Tenant

    tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=slug))
    if tenant is None:
        abort(404, message=f"No tenant {slug!r}.")
    return tenant


def bind_tenant(bp):
    """Every route of the blueprint ``bp`` takes ``<tenant>``: resolve it (404 if unknown)
    and run the request inside that tenant's scope."""
    from flask import current_app, g

    @bp.url_value_preprocessor
    def _pull_tenant(endpoint, values):
        if values is None or "tenant" not in values:
            return
        tenant = find_tenant(values.pop("tenant"))
        g.tenant = tenant
        g.tenant_scope_token = enter(tenant.id)

    @bp.url_defaults
    def _add_tenant(endpoint, values):
        if ("tenant" not in values and getattr(g, "tenant", None) is not None
                and current_app.url_map.is_endpoint_expecting(endpoint, "tenant")):
            values["tenant"] = g.tenant.slug

    return bp


def release_tenant(exc=None) -> None:
    """Teardown: leave the scope :func:`bind_tenant` entered for the request."""
    from flask import g

    token = g.pop("tenant_scope_token", None)
    if token is not None:
        leave(token)


def current_tenant():
    """The request's tenant (bound from its URL)."""
    from flask import g

    return g.tenant


def tenant_hooks(tenant=None):
    """The rule hooks as the current (or given) tenant sees them."""
    from flask import current_app, g

    tenant = tenant or g.tenant
    return current_app.extensions["kommissorium.host"].for_tenant(tenant.plugins)
