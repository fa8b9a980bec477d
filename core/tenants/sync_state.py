"""What the last ``tenants sync`` left, and the browser's changes a file would undo.

After the onboarding the database is the source of truth; the tenant file is its declarative
form (docs/decisions/0047-sync-refuses-to-undo-browser-changes.md). A sync records the
tenant's state as it left it (``Tenant.synced_state``: every fact a file holds, flattened
to one value per path, ``bodies[bestyrelse].seats[formand].holder``). The next sync compares
three states: that record (what the last sync left), the state now (as ``tenants export``
reads it) and the file. A path that changed since the last sync (in the browser or the API)
and that the file would set to something else is a **conflict**: the sync is refused whole,
naming each conflict, what the file says, what the browser made of it, when and by whom,
unless the caller lets the file win (``--prefer-file``).

A person's affiliations are only ever added by a sync, never ended; so only an affiliation
the file lists and the browser ended can conflict. With no record (a tenant last synced
before the record existed) the state now stands in for it, and an affiliation that was
ended without a new one counts as changed in the browser.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from core import clock
from core.extensions import db

_TENANT = ("name", "plan", "plugins", "organisation", "period_start", "period_end", "timezone")
_SEAT = ("title", "organisation", "role", "voting", "holder", "valid_from", "valid_to")
_NOT_BODY_FIELDS = ("key", "seats")


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def flatten(data: dict) -> dict[str, object]:
    """A tenant file's data (as :class:`~core.tenants.filespec.TenantFileSchema` loads it)
    as ``{path: value}``; unset values are left out."""
    out: dict[str, object] = {}

    def put(path, value):
        value = _plain(value)
        if value not in (None, [], {}, ""):
            out[path] = value

    t = data["tenant"]
    for name in _TENANT:
        put(f"tenant.{name}", t[name])
    for p in data["people"]:
        for code in p["organisations"]:
            put(f"people[{p['email']}].organisations.{code}", True)
        put(f"people[{p['email']}].tenant_admin", p["tenant_admin"] or None)
    for c in data["hearing_contacts"]:
        put(f"hearing_contacts[{c['organisation']}]", f"{c['email']} {c['name']}".strip())
    for b in data["bodies"]:
        key = f"bodies[{b['key']}]"
        put(key, True)
        for name, value in b.items():
            if name in _NOT_BODY_FIELDS:
                continue
            if name == "information_recipients":
                value = sorted(value)
            elif name in ("period_start", "period_end"):
                value = value or t[name]  # a body's period defaults to the tenant's
            put(f"{key}.{name}", value)
        for s in b["seats"]:
            put(f"{key}.seats[{s['key']}]", True)
            for name in _SEAT:
                put(f"{key}.seats[{s['key']}].{name}", s[name])
    return out


def state_now(slug: str) -> dict[str, object]:
    """The tenant's state now, as ``tenants export`` writes it, flattened."""
    import tomllib

    from core.tenants.export import export_tenant
    from core.tenants.filespec import TenantFileSchema

    return flatten(TenantFileSchema().load(tomllib.loads(export_tenant(slug))))


@dataclass
class Conflict:
    path: str
    file: object
    before: object  # what the last sync left
    now: object  # what the browser made of it
    changed: str = ""  # when and by whom


@dataclass
class SyncConflict(Exception):
    """A file that would undo changes made in the browser since the last sync."""

    tenant: str
    file: str
    since: str | None
    conflicts: list[Conflict] = field(default_factory=list)

    def __str__(self) -> str:
        since = f" since the last sync ({self.since})" if self.since else ""
        lines = [f"{self.file}: {self.tenant}: the file would undo {len(self.conflicts)} change(s) "
                 f"made in the browser{since}; nothing was changed"]
        for c in self.conflicts:
            lines.append(f"  {c.path}: the file says {_say(c.file)}; the browser changed it from "
                         f"{_say(c.before)} to {_say(c.now)}{c.changed}")
        lines.append(f"  The browser's changes win: nothing was applied. Write them into the file "
                     f"(`kommissorium tenants export {self.tenant}` writes the state now), or let "
                     "the file win with `kommissorium tenants sync --prefer-file`.")
        return "\n".join(lines)


def _say(value) -> str:
    if value is None:
        return "nothing (not there)"
    if value is True:
        return "yes"
    return repr(value)


def _ended_affiliations(data: dict) -> dict[str, object]:
    """The affiliations the file lists that were ended with none open since: changed by
    someone, for a tenant with no record of its last sync."""
    from core.identity.models import Affiliation, User
    from core.tenancy import all_tenants

    out = {}
    with all_tenants():
        for p in data["people"]:
            user = db.session.scalar(sa.select(User).filter_by(email=p["email"]))
            if user is None:
                continue
            current = {a.organisation.code for a in user.affiliation_history if a.ended_on is None}
            for a in user.affiliation_history:
                code = a.organisation.code
                if code in p["organisations"] and a.ended_on is not None and code not in current:
                    out[f"people[{p['email']}].organisations.{code}"] = True
    return out


def conflicts(tenant, data: dict) -> tuple[list[Conflict], str | None]:
    """The browser's changes since the last sync that the file ``data`` would undo, and
    when that sync was."""
    record = tenant.synced_state or {}
    now = state_now(tenant.slug)
    before = record.get("state")
    if before is None:
        before = {**now, **_ended_affiliations(data)}
    wanted = flatten(data)
    listed = {p["email"] for p in data["people"]}
    out = []
    for path in sorted(before.keys() | now.keys()):
        if before.get(path) == now.get(path) or wanted.get(path) == now.get(path):
            continue
        if path.startswith("people[") and (".organisations." in path and wanted.get(path) is None
                                           or path[7:path.index("]")] not in listed):
            continue  # a sync adds affiliations, never ends them; a person it does not list it leaves
        out.append(Conflict(path, wanted.get(path), before.get(path), now.get(path)))
    since = record.get("at")
    for c in out:
        c.changed = _who_and_when(tenant, c.path, since)
    return out, since


def _subject(path: str) -> str | None:
    from core.bodies.models import Body, Seat
    from core.identity.models import User
    from core.tenancy import all_tenants

    name = lambda prefix: path[len(prefix):path.index("]", len(prefix))]  # noqa: E731
    if path.startswith("people["):
        with all_tenants():
            user = db.session.scalar(sa.select(User).filter_by(email=name("people[")))
        return f"user:{user.id}" if user is not None else None
    if path.startswith("bodies["):
        body = db.session.scalar(sa.select(Body).filter_by(key=name("bodies[")))
        if body is None:
            return None
        if ".seats[" in path:
            seat_key = path[path.index(".seats[") + 7:path.index("]", path.index(".seats["))]
            seat = db.session.scalar(sa.select(Seat).filter_by(body_id=body.id, key=seat_key))
            return f"seat:{seat.id}" if seat is not None else None
        return f"body:{body.id}"
    return None


def _who_and_when(tenant, path: str, since: str | None) -> str:
    """`` (on 2026-12-07 14:31 UTC by Name)`` from the latest change of the path's subject in
    the tenant's log made by a person (not by a sync) since the last sync."""
    from core.audit.models import AuditEntry
    from core.identity.models import User
    from core.tenancy import all_tenants

    subject = _subject(path)
    if subject is None:
        return ""
    q = sa.select(AuditEntry).where(AuditEntry.subject == subject, AuditEntry.actor_id.is_not(None))
    if since:
        q = q.where(AuditEntry.at > dt.datetime.fromisoformat(since))
    entry = db.session.scalars(q.order_by(AuditEntry.id.desc())).first()
    if entry is None:
        return ""
    with all_tenants():
        who = db.session.get(User, entry.actor_id)
    name = who.name if who is not None and who.erased_at is None else f"user {entry.actor_id}"
    return f" (on {entry.at:%Y-%m-%d %H:%M} UTC by {name}, {entry.action})"


def _tenant(slug: str):
    from core.tenancy import all_tenants
    from core.tenants.models import Tenant

    with all_tenants():
        return db.session.scalar(sa.select(Tenant).filter_by(slug=slug))


def refuse_conflicts(tf) -> None:
    """Raise :class:`SyncConflict` if the tenant file ``tf`` would undo a browser change."""
    from core.tenancy import tenant_scope

    tenant = _tenant(tf.slug)
    if tenant is None:
        return
    with tenant_scope(tenant.id):
        found, since = conflicts(tenant, tf.data)
    if found:
        raise SyncConflict(tf.slug, str(tf.path), since, found)


def record(slug: str, file_name: str) -> None:
    """Keep the state this sync leaves, for the next one (written only when it differs)."""
    db.session.flush()
    tenant = _tenant(slug)
    state = state_now(tenant.slug)
    if (tenant.synced_state or {}).get("state") != state:
        tenant.synced_state = {"at": clock.now().isoformat(), "file": file_name, "state": state}
        db.session.flush()
