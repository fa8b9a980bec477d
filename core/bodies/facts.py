"""Bodies as the rules see them: :class:`~core.rules.types.BodyFacts` built from rows."""

from __future__ import annotations

from core.bodies.models import Body
from core.rules.types import BodyFacts, SeatFacts


def body_facts(body: Body, tenant_slug: str) -> BodyFacts:
    return BodyFacts(
        tenant=tenant_slug,
        key=body.key,
        name=body.name,
        kind=body.kind.value,
        competence=body.competence.value,
        parent=body.parent.key if body.parent is not None else None,
        meetings_per_year=body.meetings_per_year,
        notice_days=body.notice_days,
        minutes_due_days=body.minutes_due_days,
        approval_mode=body.approval_mode.value,
        approval_due_days=body.approval_due_days,
        submission_deadline_days=body.submission_deadline_days,
        clauses=tuple(body.clauses or ()),
        sources=dict(body.sources or {}),
        information_recipients=tuple(r.organisation.code for r in body.information_recipients),
        extra=dict(body.extra or {}),
        seats=tuple(
            SeatFacts(
                s.key,
                s.title,
                s.organisation.code,
                s.role.value,
                s.is_voting,
                s.holder.email if s.holder is not None else None,
            )
            for s in body.seats
        ),
        period_start=body.period_start,
        period_end=body.period_end,
    )
