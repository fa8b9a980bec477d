"""Loading tenant files into the database: ``kommissorium tenants sync``.

A sync is idempotent: it compares the file with the database and changes only what
differs, reporting each change. A file with any problem changes nothing. The caller
commits (one commit at the edge); on any error it rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from core.bodies.models import (
    ApprovalMode,
    Body,
    BodyKind,
    BodyRecipient,
    Competence,
    Seat,
    SeatRole,
)
from core.extensions import db
from core.identity.models import Affiliation, User
from core.identity.operations import erased_on
from core.models import utcnow
from core.organisations.models import Organisation, OrganisationKind
from core.rules.types import Problem
from core.tenancy import all_tenants, tenant_scope
from core.tenants.filespec import TenantFile, TenantFileError, read_tenant_file
from core.tenants.models import Participation, Tenant, TenantAdmin


@dataclass
class SyncReport:
    tenant: str
    created: bool = False
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def __str__(self) -> str:
        if not self.changes:
            return f"{self.tenant}: up to date, nothing changed"
        head = f"{self.tenant}: {len(self.changes)} change(s)"
        return "\n".join([head, *(f"  {c}" for c in self.changes)])


def _assign(obj, values: dict) -> list[str]:
    """Set attributes that differ; return the names of those that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _check_globals(tf: TenantFile) -> None:
    """Organisations and people are shared by every tenant: a file may not silently
    redefine one that another tenant uses."""
    problems: list[Problem] = []
    slug = tf.slug
    with all_tenants():
        for o in tf.data["organisations"]:
            org = db.session.scalar(sa.select(Organisation).filter_by(code=o["code"]))
            if org is None:
                continue
            admin = org.administered_by.code if org.administered_by else None
            differs = [
                f
                for f, have, want in (
                    ("name", org.name, o["name"]),
                    ("kind", org.kind.value, o["kind"]),
                    ("administered_by", admin, o["administered_by"]),
                )
                if have != want
            ]
            if not differs:
                continue
            others = db.session.scalars(
                sa.select(Tenant.slug)
                .join(Participation, Participation.tenant_id == Tenant.id)
                .where(Participation.organisation_id == org.id, Tenant.slug != slug)
            ).all()
            if others:
                for f in differs:
                    problems.append(Problem(
                        f"organisations[{o['code']}]", f,
                        f"differs from the organisation shared with tenant(s) {', '.join(others)}",
                    ))
        for p in tf.data["people"]:
            erased = erased_on(p["email"])
            if erased is not None:
                problems.append(Problem(
                    f"people[{p['email']}]", "email",
                    f"this person's personal data was erased on {erased:%Y-%m-%d} at their "
                    "request; remove them from the tenant file (and their seats)",
                ))
                continue
            user = db.session.scalar(sa.select(User).filter_by(email=p["email"]))
            if user is not None and user.name != p["name"]:
                problems.append(Problem(
                    f"people[{p['email']}]", "name",
                    f"the platform already knows this person as {user.name!r}",
                ))
    if problems:
        raise TenantFileError(tf.path, problems)


def sync_tenant_file(path: Path | str, host) -> SyncReport:
    """Load one tenant file; raise :class:`TenantFileError` if it has any problem."""
    tf = read_tenant_file(path, host)
    _check_globals(tf)
    return _apply(tf)


def _apply(tf: TenantFile) -> SyncReport:
    data = tf.data
    t = data["tenant"]
    report = SyncReport(t["slug"])
    note = report.changes.append

    # Global rows first: organisations, people, the tenant itself.
    orgs: dict[str, Organisation] = {}
    created_orgs: set[str] = set()
    with all_tenants():
        for o in data["organisations"]:
            org = db.session.scalar(sa.select(Organisation).filter_by(code=o["code"]))
            if org is None:
                org = Organisation(code=o["code"], name=o["name"], kind=OrganisationKind(o["kind"]))
                db.session.add(org)
                created_orgs.add(o["code"])
                note(f"created organisation {o['code']}")
            else:
                changed = _assign(org, {"name": o["name"], "kind": OrganisationKind(o["kind"])})
                if changed:
                    note(f"updated organisation {o['code']}: {', '.join(changed)}")
            orgs[o["code"]] = org
        for o in data["organisations"]:
            admin = orgs[o["administered_by"]] if o["administered_by"] else None
            if orgs[o["code"]].administered_by is not admin:
                orgs[o["code"]].administered_by = admin
                if o["code"] not in created_orgs:
                    note(f"updated organisation {o['code']}: administered_by")

        users: dict[str, User] = {}
        for p in data["people"]:
            user = db.session.scalar(sa.select(User).filter_by(email=p["email"]))
            if user is None:
                user = User(email=p["email"], name=p["name"])
                db.session.add(user)
                note(f"created person {p['email']}")
            have = {a.organisation.code for a in user.affiliations if a.organisation is not None}
            for code in p["organisations"]:
                if code not in have:
                    user.affiliations.append(Affiliation(organisation=orgs[code]))
                    note(f"affiliated {p['email']} with {code}")
            users[p["email"]] = user

        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=t["slug"]))
        values = {
            "name": t["name"],
            "plan": t["plan"],
            "plugins": list(t["plugins"]),
            "organisation": orgs[t["organisation"]],
            "period_start": t["period_start"],
            "period_end": t["period_end"],
            "timezone": t["timezone"],
        }
        if tenant is None:
            tenant = Tenant(slug=t["slug"], **values)
            db.session.add(tenant)
            report.created = True
            note(f"created tenant {t['slug']}")
        else:
            changed = _assign(tenant, values)
            if changed:
                note(f"updated tenant {t['slug']}: {', '.join(changed)}")
        db.session.flush()

    with tenant_scope(tenant.id):
        _sync_participations(tenant, orgs, note)
        _sync_admins(tenant, data, users, note)
        _sync_bodies(tenant, data, orgs, users, note)
        if report.changes or tenant.synced_at is None:
            tenant.synced_at = utcnow()
        db.session.flush()
    return report


def _sync_participations(tenant, orgs, note) -> None:
    have = {p.organisation.code: p for p in db.session.scalars(sa.select(Participation))}
    for code, org in orgs.items():
        if code not in have:
            db.session.add(Participation(tenant_id=tenant.id, organisation=org))
            note(f"added party {code}")
    for code, p in have.items():
        if code not in orgs:
            db.session.delete(p)
            note(f"removed party {code}")


def _sync_admins(tenant, data, users, note) -> None:
    want = {p["email"] for p in data["people"] if p["tenant_admin"]}
    have = {a.user.email: a for a in db.session.scalars(sa.select(TenantAdmin))}
    for email in sorted(want - have.keys()):
        db.session.add(TenantAdmin(tenant_id=tenant.id, user=users[email]))
        note(f"made {email} tenant administrator")
    for email in sorted(have.keys() - want):
        db.session.delete(have[email])
        note(f"removed {email} as tenant administrator")


def _sync_bodies(tenant, data, orgs, users, note) -> None:
    existing = {b.key: b for b in db.session.scalars(sa.select(Body))}
    bodies: dict[str, Body] = {}
    for entry in data["bodies"]:
        values = {
            "name": entry["name"],
            "kind": BodyKind(entry["kind"]),
            "competence": Competence(entry["competence"]),
            "competence_note": entry["competence_note"],
            "period_start": entry["period_start"] or tenant.period_start,
            "period_end": entry["period_end"] or tenant.period_end,
            "meetings_per_year": entry["meetings_per_year"],
            "notice_days": entry["notice_days"],
            "minutes_due_days": entry["minutes_due_days"],
            "approval_mode": ApprovalMode(entry["approval_mode"]),
            "approval_due_days": entry["approval_due_days"],
            "submission_deadline_days": entry["submission_deadline_days"],
            "meeting_duration_minutes": entry["meeting_duration_minutes"],
            "clauses": list(entry["clauses"]),
            "sources": dict(entry["sources"]),
            "extra": dict(entry["extra"]),
        }
        body = existing.get(entry["key"])
        if body is None:
            body = Body(tenant_id=tenant.id, key=entry["key"], **values)
            db.session.add(body)
            note(f"created body {entry['key']}")
        else:
            changed = _assign(body, values)
            if changed:
                note(f"updated body {entry['key']}: {', '.join(changed)}")
        bodies[entry["key"]] = body

    for entry in data["bodies"]:
        body = bodies[entry["key"]]
        parent = bodies[entry["parent"]] if entry["parent"] else None
        if body.parent is not parent:
            body.parent = parent
            if entry["key"] in existing:
                note(f"updated body {entry['key']}: parent")
        _sync_recipients(tenant, body, entry, orgs, note)
        _sync_seats(tenant, body, entry, orgs, users, note)

    for key, body in existing.items():
        if key not in bodies:
            db.session.delete(body)
            note(f"removed body {key}")


def _sync_recipients(tenant, body, entry, orgs, note) -> None:
    have = {r.organisation.code: r for r in body.information_recipients}
    for code in entry["information_recipients"]:
        if code not in have:
            body.information_recipients.append(
                BodyRecipient(tenant_id=tenant.id, organisation=orgs[code])
            )
            note(f"added information recipient {code} to {entry['key']}")
    for code, r in have.items():
        if code not in entry["information_recipients"]:
            body.information_recipients.remove(r)
            note(f"removed information recipient {code} from {entry['key']}")


def _sync_seats(tenant, body, entry, orgs, users, note) -> None:
    have = {s.key: s for s in body.seats}
    wanted = set()
    for position, s in enumerate(entry["seats"]):
        wanted.add(s["key"])
        values = {
            "position": position,
            "title": s["title"],
            "organisation": orgs[s["organisation"]],
            "role": SeatRole(s["role"]),
            "is_voting": s["voting"],
            "holder": users[s["holder"]] if s["holder"] else None,
            "valid_from": s["valid_from"],
            "valid_to": s["valid_to"],
        }
        seat = have.get(s["key"])
        if seat is None:
            body.seats.append(Seat(tenant_id=tenant.id, key=s["key"], **values))
            note(f"created seat {entry['key']}/{s['key']}")
        else:
            changed = [
                name
                for name, value in values.items()
                if (getattr(seat, name) is not value if name in ("organisation", "holder")
                    else getattr(seat, name) != value)
            ]
            for name in changed:
                setattr(seat, name, values[name])
            changed = [n for n in changed if n != "position"]  # order follows the file quietly
            if changed:
                note(f"updated seat {entry['key']}/{s['key']}: {', '.join(changed)}")
    for key, seat in have.items():
        if key not in wanted:
            body.seats.remove(seat)
            note(f"removed seat {entry['key']}/{key}")
