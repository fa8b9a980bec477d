"""The facts a body's rules read, changed by the tenant's secretariat where the tenant file
holds them: the body's districts and plans, the grants of its plans and the organisations
in each (``[bodies.extra]``), the organisations that receive its material for information
(``information_recipients``) and the body its proposals and reports go to (``parent``, the
body a route's next step reads).

Checked as the tenant file is (core/tenants/filespec.py): the organisations named are the
tenant's, the parent is a current body of the tenant and no cycle, and the tenant's plugins'
``validate_body`` hooks see the body as it would be; a problem is a 422 naming its field
(``grants``, ``parent`` …) with the clause, nothing written. What changed is audited from
what to what (``body.changed``); the same change again changes nothing; the rules read the
new facts at once (they read the body's rows on every decision). Operations flush, never
commit."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from core.audit import operations as audit
from core.bodies.creating import _invalid
from core.bodies.models import Body, BodyRecipient
from core.extensions import db

#: The facts this room changes; the other free-form facts of ``[bodies.extra]`` stay as
#: the tenant file wrote them.
FACTS = ("districts", "plans", "grants", "information_recipients", "parent")
#: The keys of ``[bodies.extra]`` among them.
EXTRA = ("districts", "plans", "grants")


def facts_of(body: Body) -> dict:
    """The body's facts as the API and the page show them."""
    extra = body.extra or {}
    return {
        "key": body.key,
        "districts": list(extra.get("districts", [])),
        "plans": list(extra.get("plans", [])),
        "grants": [{"plan": g.get("plan"), "organisations": list(g.get("organisations", []))}
                   for g in extra.get("grants", [])],
        "information_recipients": sorted(r.organisation.code for r in body.information_recipients),
        "parent": body.parent.key if body.parent is not None else None,
    }


def _duplicates(values) -> list:
    return sorted({v for v in values if list(values).count(v) > 1})


def _check(body: Body, want: dict, known: set[str], bodies: dict[str, Body]) -> dict:
    """The tenant file's own consistency checks on the facts (field → messages)."""
    errors: dict[str, list[str]] = {}
    add = lambda field, message: errors.setdefault(field, []).append(message)  # noqa: E731
    unknown = [c for c in want["information_recipients"] if c not in known]
    if unknown:
        add("information_recipients", f"ukendt organisation: {', '.join(unknown)}")
    for name in ("districts", "plans", "information_recipients"):
        if _duplicates(want[name]):
            add(name, f"nævnt mere end én gang: {', '.join(_duplicates(want[name]))}")
    for grant in want["grants"]:
        unknown = [c for c in grant["organisations"] if c not in known]
        if unknown:
            add("grants", f"bevillingen til {grant['plan']}: ukendt organisation: {', '.join(unknown)}")
        if not grant["organisations"]:
            add("grants", f"bevillingen til {grant['plan']} nævner ingen organisation")
    parent = want["parent"]
    if parent is not None:
        target = bodies.get(parent)
        if target is None or target.ended_on is not None:
            add("parent", f"kommunen har intet organ {parent!r}")
        elif parent == body.key:
            add("parent", "et organ kan ikke høre under sig selv")
        else:
            seen, cur = {body.key}, target
            while cur is not None:
                if cur.key in seen:
                    add("parent", "organerne ville høre under hinanden i ring")
                    break
                seen.add(cur.key)
                cur = cur.parent
    return errors


def _field(problem) -> str:
    """A plugin's problem as the field it names: ``extra.grants`` is the fact ``grants``."""
    field = ".".join(part for part in (problem.entry, problem.field) if part) or "facts"
    return field.removeprefix("extra.")


def change_facts(body: Body, data: dict, user, tenant, hooks) -> dict:
    """Change what ``data`` gives of :data:`FACTS`; returns ``{fact: {"from": old, "to":
    new}}`` (empty when nothing changed)."""
    from core.bodies.facts import body_facts
    from core.bodies.seats import seat_organisations
    from core.rules import configured
    from core.tenants.filespec import body_problems
    from core.tenants.history import _plain as audited

    before = facts_of(body)
    want = {**before, **{name: data[name] for name in FACTS if name in data}}
    organisations = {o.code: o for o in seat_organisations(tenant)}
    bodies = {b.key: b for b in db.session.scalars(sa.select(Body))}
    errors = _check(body, want, set(organisations), bodies)
    if errors:
        _invalid(errors)
    extra = {k: v for k, v in (body.extra or {}).items() if k not in EXTRA}
    for name in EXTRA:
        if want[name]:
            extra[name] = want[name]
    facts = dataclasses.replace(
        body_facts(body, tenant.slug), extra=extra, parent=want["parent"],
        information_recipients=tuple(want["information_recipients"]))
    problems = [*body_problems(hooks, facts), *configured.unknown_organisations(facts, set(organisations))]
    if problems:
        _invalid({_field(p): [p.message + (f" ({p.clause})" if p.clause else "")]
                  for p in reversed(problems)}, problems[0].clause, "validate_body")

    changed = {name: {"from": before[name], "to": want[name]}
               for name in FACTS if name != "key" and before[name] != want[name]}
    if not changed:
        return {}
    if extra != (body.extra or {}):
        body.extra = extra  # a new dict: the JSON column sees the change
    have = {r.organisation.code: r for r in body.information_recipients}
    for code in want["information_recipients"]:
        if code not in have:
            body.information_recipients.append(
                BodyRecipient(tenant_id=body.tenant_id, organisation=organisations[code]))
    for code, recipient in have.items():
        if code not in want["information_recipients"]:
            body.information_recipients.remove(recipient)
    if "parent" in changed:
        body.parent = bodies[want["parent"]] if want["parent"] else None
    db.session.flush()
    audit.record("body.changed", f"body:{body.id}", audited({
        "key": body.key, "by": user, "changes": changed,
    }), actor_id=user.id if user is not None else None)
    return changed
