"""The secretariat changes a body's kommissorium: its name and parameters (competence,
meetings a year, deadlines, approval of the minutes, clauses and their sources) and its
rules from the core's building blocks (``[bodies.rules]``, core/rules/configured.py).

Checked as a tenant file's body is (:class:`core.tenants.filespec.BodyEntry`, the
``validate_body`` hooks with the blocks' own checks, and the organisations the blocks name);
a problem is a 422 naming its field (``rules.quorum.share``) with the clause, nothing
written. What changed is audited from what to what; the same change again changes nothing.
Operations flush, never commit."""

from __future__ import annotations

from marshmallow import ValidationError

from core.audit import operations as audit
from core.bodies.creating import _invalid, _plain
from core.bodies.models import ApprovalMode, Body, Competence
from core.extensions import db

#: What the secretariat may change; the key, the kind and the seats are not among them
#: (seats: core/bodies/seats.py).
EDITABLE = (
    "name", "competence", "competence_note", "meetings_per_year", "notice_days",
    "minutes_due_days", "approval_mode", "approval_due_days", "submission_deadline_days",
    "meeting_duration_minutes", "clauses", "sources", "rules",
)
_ENUMS = {"competence": Competence, "approval_mode": ApprovalMode}


def _entry(body: Body) -> dict:
    """The body as a tenant file's entry would write it."""
    entry = {"key": body.key, "name": body.name, "kind": body.kind.value,
             "parent": body.parent.key if body.parent is not None else None}
    for name in EDITABLE:
        entry[name] = _plain(getattr(body, name))
    return entry


def problem_field(problem) -> str:
    """A rule's problem as the field it names: ``rules.quorum.share``."""
    return ".".join(part for part in (problem.entry, problem.field) if part) or "rules"


def change_body(body: Body, data: dict, user, tenant, hooks) -> dict:
    """Change what ``data`` gives of :data:`EDITABLE` (a value given as ``null``: not set,
    the tenant file's default); returns ``{name: {"from": old, "to": new}}``."""
    from core.bodies.seats import seat_organisations
    from core.rules import configured
    from core.tenants.filespec import BodyEntry, body_facts_from_entry, body_problems
    from core.tenants.history import _plain as audited

    entry = _entry(body)
    entry.update({name: data[name] for name in EDITABLE if name in data})
    entry = {k: v for k, v in entry.items() if v is not None}
    try:
        entry = BodyEntry().load(entry)
    except ValidationError as exc:
        _invalid(exc.messages)
    facts = body_facts_from_entry(tenant.slug, entry,
                                  tenant.organisation.code if tenant.organisation else None)
    known = {o.code for o in seat_organisations(tenant)}
    problems = [*body_problems(hooks, facts), *configured.unknown_organisations(facts, known)]
    if problems:
        _invalid({problem_field(p): [p.message + (f" ({p.clause})" if p.clause else "")]
                  for p in reversed(problems)}, problems[0].clause, "validate_body")
    changed = {}
    for name in EDITABLE:
        want = entry[name]
        want = _ENUMS[name](want) if name in _ENUMS else want
        have = getattr(body, name)
        if have != want:
            changed[name] = {"from": _plain(have), "to": _plain(want)}
            setattr(body, name, want)
    if changed:
        db.session.flush()
        audit.record("body.changed", f"body:{body.id}", audited({
            "key": body.key, "by": user, "changes": changed,
        }), actor_id=user.id if user is not None else None)
    return changed
