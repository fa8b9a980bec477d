"""A new body, made by the tenant's secretariat from a template of its kind: an existing body
of the same kind lends its kommissorium parameters (competence, meetings a year, notice,
minutes and approval deadlines, clauses and their sources), and what the secretariat sets
takes their place. The body is checked as a tenant file's body is: the file's own schema
(:class:`core.tenants.filespec.BodyEntry`: ranges, approval days only with approval by
e-mail or tacitly, clause sources of known parameters) and the plugins' ``validate_body``
hooks; a problem is a 422 naming its field, nothing written. Audited. It starts with no
seats: the secretariat adds them from a date (core/bodies/seats.py). Operations flush,
never commit."""

from __future__ import annotations

import sqlalchemy as sa
from marshmallow import ValidationError

from core.audit import operations as audit
from core.bodies.models import ApprovalMode, Body, BodyKind, Competence
from core.errors import refuse
from core.extensions import db

#: What a body takes from its template (the kommissorium's parameters, not its seats,
#: parent or free-form facts).
FROM_TEMPLATE = (
    "competence", "competence_note", "meetings_per_year", "notice_days", "minutes_due_days",
    "approval_mode", "approval_due_days", "submission_deadline_days", "meeting_duration_minutes",
    "clauses", "sources", "rules",
)


def _invalid(errors: dict, clause: str | None = None, rule: str | None = None):
    refuse(422, message="The input is invalid; see errors for each field.", errors={"json": errors},
           **({"clause": clause, "rule": rule} if clause else {}))


def templates(kind: str | None = None) -> list[Body]:
    """The tenant's current bodies that may lend their parameters (of ``kind``, if given)."""
    from core import clock

    q = sa.select(Body).where(Body.current_sql(clock.today())).order_by(Body.kind, Body.name)
    if kind is not None:
        q = q.where(Body.kind == BodyKind(kind))
    return list(db.session.scalars(q))


def _plain(value):
    return value.value if isinstance(value, (ApprovalMode, Competence, BodyKind)) else value


def create_body(data: dict, user, tenant, hooks) -> Body:
    """The body ``data`` describes (``key``, ``name``, ``kind``; optionally ``template``, the
    key of a body of the same kind, ``parent`` and any of :data:`FROM_TEMPLATE`)."""
    from core.tenants.filespec import BodyEntry, body_facts_from_entry, body_problems
    from core.tenants.history import _plain as audited

    existing = {b.key: b for b in db.session.scalars(sa.select(Body))}
    template = None
    if data.get("template"):
        template = existing.get(data["template"])
        if template is None:
            _invalid({"template": ["Kommunen har intet organ med denne nøgle."]})
        if template.kind.value != data["kind"]:
            _invalid({"template": ["Skabelonen skal være et organ af samme slags."]})
    entry = {"key": data["key"], "name": data["name"], "kind": data["kind"]}
    for name in FROM_TEMPLATE:
        if name in data:  # given, or given as null: the secretariat's, not the template's
            entry[name] = data[name]
        elif template is not None:
            entry[name] = _plain(getattr(template, name))
    entry.setdefault("competence", "advises")
    if data.get("parent"):
        entry["parent"] = data["parent"]
    # null: not set (the tenant file's default), as a file leaves a parameter out
    entry = {k: v for k, v in entry.items() if v is not None}
    try:
        entry = BodyEntry().load(entry)
    except ValidationError as exc:
        _invalid(exc.messages)
    if entry["key"] in existing:
        _invalid({"key": ["Et organ i kommunen har allerede denne nøgle (også et nedlagt "
                          "beholder sin)."]})
    parent = existing.get(entry["parent"]) if entry["parent"] else None
    if entry["parent"] and parent is None:
        _invalid({"parent": ["Kommunen har intet organ med denne nøgle."]})
    problems = body_problems(hooks, body_facts_from_entry(
        tenant.slug, entry, tenant.organisation.code if tenant.organisation else None))
    if problems:
        p = problems[0]
        _invalid({p.field or p.entry or "key": [p.message + (f" ({p.clause})" if p.clause else "")]},
                 p.clause, "validate_body")
    body = Body(
        tenant_id=tenant.id, key=entry["key"], name=entry["name"], kind=BodyKind(entry["kind"]),
        competence=Competence(entry["competence"]), competence_note=entry["competence_note"],
        parent=parent, period_start=tenant.period_start, period_end=tenant.period_end,
        meetings_per_year=entry["meetings_per_year"], notice_days=entry["notice_days"],
        minutes_due_days=entry["minutes_due_days"],
        approval_mode=ApprovalMode(entry["approval_mode"]),
        approval_due_days=entry["approval_due_days"],
        submission_deadline_days=entry["submission_deadline_days"],
        meeting_duration_minutes=entry["meeting_duration_minutes"],
        clauses=list(entry["clauses"]), sources=dict(entry["sources"]), extra={},
        rules=dict(entry["rules"]),
    )
    db.session.add(body)
    db.session.flush()
    audit.record("body.created", f"body:{body.id}", audited({
        "key": body.key, "name": body.name, "kind": body.kind, "by": user,
        "template": template.key if template is not None else None,
        **{name: getattr(body, name) for name in FROM_TEMPLATE},
        "parent": parent.key if parent is not None else None,
    }), actor_id=user.id if user is not None else None)
    return body
