"""Reading bodies with the rules that apply to them."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core import clock
from core.bodies.facts import body_facts
from core.bodies.models import Body, Seat
from core.errors import refuse
from core.extensions import db


def list_bodies() -> list[Body]:
    """The tenant's current bodies: one its tenant file no longer names is ended and left
    out (its page, meetings and minutes stay reachable by key)."""
    return db.session.scalars(
        sa.select(Body)
        .where(Body.current_sql(clock.today()))
        .options(selectinload(Body.seats), selectinload(Body.parent))
        .order_by(Body.id)
    ).all()


def get_body(key: str) -> Body:
    body = db.session.scalar(
        sa.select(Body)
        .filter_by(key=key)
        .options(
            selectinload(Body.seats),
            selectinload(Body.information_recipients),
        )
    )
    if body is None:
        refuse(404, message=f"No body {key!r} in this tenant.")
    return body


def describe_body(body: Body, tenant, hooks) -> dict:
    """The body with its seats and its kommissorium parameters as the rules apply them."""
    facts = body_facts(body, tenant.slug)
    return {
        **{c: getattr(body, c) for c in (
            "key", "name", "kind", "competence", "parent", "competence_note",
            "period_start", "period_end", "ended_on", "meeting_duration_minutes", "clauses",
        )},
        "seats": body.current_seats,
        # who held each seat from when to when, ended seats too (docs/decisions/0038)
        "history": [(s, h) for s in body.seats for h in s.holdings],
        "information_recipients": hooks.collect("information_recipients", body=facts),
        "kommissorium": hooks.meeting_rules(body=facts),
        "rules": kommissorium_rules(facts, hooks),
        "rule_blocks": dict(body.rules or {}),
    }


def _clause_order(rule) -> tuple:
    """In clause order, a municipality's clauses before the core's own (``CORE-…``)."""
    parts = re.findall(r"\d+|\D+", rule.clause)
    return (rule.clause.startswith("CORE-"), [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts],
            rule.source, rule.text)


def kommissorium_rules(facts, hooks) -> list:
    """The rules that apply to a body, in plain Danish, in clause order (describe_rules)."""
    return sorted(hooks.collect("describe_rules", body=facts), key=_clause_order)
