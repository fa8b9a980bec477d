"""A tenant's current state as a tenant file (``kommissorium tenants export SLUG``).

The tenant file stays the declarative form of a tenant: what the export writes, ``tenants
sync`` reproduces exactly (a sync of it changes nothing; tests/tenants/test_export.py holds
the four bundled tenants to that). Only what is current is written: a body or seat that has
ended is history, kept in the database, not in the file, and a person whose personal data
was erased is not written (their seat reads as vacant). People are those acting for the
tenant's parties, each with the parties they act for; a person acting for a party of
several tenants (a KAB director) appears in each tenant's export. The file is written with
``tomli_w``, the TOML writer that pairs with the standard library's ``tomllib``.
"""

from __future__ import annotations

import sqlalchemy as sa
import tomli_w

from core.bodies.models import Body
from core.extensions import db
from core.identity.models import User
from core.organisations.models import Organisation
from core.tenancy import all_tenants, tenant_scope
from core.tenants.models import Participation, Tenant, TenantAdmin

HEADER = ("# Exported by `kommissorium tenants export` from the platform's current state;\n"
          "# `kommissorium tenants sync` of this file changes nothing (docs/tenant-files.md).\n\n")


def _present(entry: dict) -> dict:
    """The entry without unset fields (TOML has no null)."""
    return {k: v for k, v in entry.items() if v is not None}


def tenant_document(slug: str) -> dict:
    """The tenant ``slug`` as the data of a tenant file; ``LookupError`` if there is none."""
    with all_tenants():
        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=slug))
    if tenant is None:
        raise LookupError(f"no tenant {slug!r}")
    with tenant_scope(tenant.id):
        participations = list(db.session.scalars(sa.select(Participation)))
        parties = [p.organisation for p in participations]
        admins = {a.user_id for a in db.session.scalars(sa.select(TenantAdmin))}
        bodies = [b for b in db.session.scalars(sa.select(Body).order_by(Body.id)) if b.ended_on is None]
        codes = {o.code for o in parties}
        organisations = [_present({
            "code": o.code, "name": o.name, "kind": o.kind.value,
            "administered_by": o.administered_by.code if o.administered_by is not None else None,
        }) for o in sorted(parties, key=lambda o: o.code)]
        people = _people(parties, admins, bodies)
        return {
            "tenant": _present({
                "slug": tenant.slug, "name": tenant.name, "plan": tenant.plan,
                "plugins": list(tenant.plugins), "organisation": tenant.organisation.code,
                "period_start": tenant.period_start, "period_end": tenant.period_end,
                "timezone": tenant.timezone,
            }),
            "organisations": organisations,
            "people": [_present({
                "email": u.email, "name": u.name,
                "organisations": sorted({a.organisation.code for a in u.affiliations
                                         if a.organisation is not None and a.organisation.code in codes}),
                "tenant_admin": True if u.id in admins else None,
            }) for u in people],
            "hearing_contacts": [_present({
                "organisation": p.organisation.code, "email": p.hearing_contact_email,
                "name": p.hearing_contact_name,
            }) for p in sorted(participations, key=lambda p: p.organisation.code) if p.hearing_contact_email],
            "bodies": [_body(tenant, b) for b in bodies],
        }


def _people(parties: list[Organisation], admins: set[int], bodies: list[Body]) -> list[User]:
    """Everyone acting for one of the parties, the holders of current seats and the
    tenant's administrators."""
    ids = {o.id for o in parties}
    named = admins | {s.current_holder_id for b in bodies for s in b.seats
                      if s.ended_on is None and s.current_holder_id}
    with all_tenants():
        users = db.session.scalars(sa.select(User).where(User.erased_at.is_(None)).order_by(User.email)).all()
    return [u for u in users if u.id in named or any(a.organisation_id in ids for a in u.affiliations)]


def _body(tenant: Tenant, body: Body) -> dict:
    seats = sorted((s for s in body.seats if s.ended_on is None), key=lambda s: s.position)
    return _present({
        "key": body.key, "name": body.name, "kind": body.kind.value,
        "competence": body.competence.value, "competence_note": body.competence_note or None,
        "parent": body.parent.key if body.parent is not None else None,
        # The tenant's period is a body's default; write only what differs from it.
        "period_start": body.period_start if body.period_start != tenant.period_start else None,
        "period_end": body.period_end if body.period_end != tenant.period_end else None,
        "meetings_per_year": body.meetings_per_year,
        "notice_days": body.notice_days,
        "minutes_due_days": body.minutes_due_days,
        "approval_mode": body.approval_mode.value,
        "approval_due_days": body.approval_due_days,
        "submission_deadline_days": body.submission_deadline_days,
        "meeting_duration_minutes": body.meeting_duration_minutes,
        "information_recipients": sorted(r.organisation.code for r in body.information_recipients) or None,
        "clauses": list(body.clauses) or None,
        "sources": dict(body.sources) or None,
        "extra": dict(body.extra) or None,
        "rules": dict(body.rules) or None,
        "seats": [_present({
            "key": s.key, "title": s.title, "organisation": s.organisation.code, "role": s.role.value,
            # A holder whose personal data was erased is no one a file can name.
            "voting": s.is_voting,
            # today's holder: a file names who sits now (the history is the database's)
            "holder": h.email if (h := s.current_holder) is not None and h.erased_at is None else None,
            "valid_from": s.valid_from, "valid_to": s.valid_to,
        }) for s in seats],
    })


def export_tenant(slug: str) -> str:
    """The tenant ``slug`` as the text of a tenant file."""
    return HEADER + tomli_w.dumps(tenant_document(slug))
