"""What the meetings feature has waiting for a user (the ``pending_for_user`` hook,
registered for every tenant because it is in this feature's ``hooks.py``, core/hooks/host.py):

* ``agenda_to_read`` — a published agenda of an upcoming meeting, for the body's members
  and its information recipients (CORE-INFORMATION-RECIPIENTS);
* ``minutes_to_approve`` — minutes sent for approval by e-mail that the user, one of the
  approvers, has not approved yet (CORE-APPROVAL-MODE), due by the approval deadline;
* ``minutes_to_write`` — for the body's secretary (and the secretariat): a held meeting
  whose minutes have not been sent, due by the minutes deadline (CORE-MINUTES-DUE-DAYS).

Runs inside the tenant's scope, so it sees that tenant's meetings only.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core.bodies.models import Body, Seat, SeatHolding
from core.extensions import db
from core.hooks import hookimpl
from core.identity.models import User
from core.hooks.helpers import page_url, pending_subject
from core.identity.permissions import Role, role_in_body
from core.meetings import operations as ops
from core.meetings.models import Meeting, MeetingState
from core.rules.types import PendingItem


def _label(meeting: Meeting) -> str:
    when = meeting.starts_at.date().isoformat()
    return f"{meeting.body.name} {when}" + (f" ({meeting.title})" if meeting.title else "")


def _receives_agenda(user: User, body: Body, day: date) -> str | None:
    """``"member"`` for a member (a seat valid on the day), ``"information"`` for an
    information recipient (CORE-INFORMATION-RECIPIENTS, or the tenant's clause), else
    ``None``: the secretariat's administrators are not readers of every body's agenda."""
    if any(s.holder_id_on(day) == user.id and s.is_valid_on(day) for s in body.seats):
        return "member"
    orgs = {a.organisation_id for a in user.affiliations}
    if orgs & {r.organisation_id for r in body.information_recipients}:
        return "information"
    return None


def information_clause(body: Body) -> str:
    """The clause that sends the body's material to its information recipients."""
    return (body.sources or {}).get("information_recipients") or "CORE-INFORMATION-RECIPIENTS"


def _due(at) -> date | None:
    return at.date() if at is not None else None


@hookimpl
def pending_for_user(user_id, tenant):
    subject = pending_subject(user_id, tenant)
    if subject is None:
        return []
    user, tenant_row, hooks = subject
    base = f"/api/v1/tenants/{tenant.slug}/meetings"

    def page(m: Meeting, anchor: str) -> str | None:
        return page_url("web.meeting", tenant=tenant.slug, meeting_id=m.id, _anchor=anchor)

    now = ops.now()
    meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.state.in_((
            MeetingState.AGENDA_PUBLISHED, MeetingState.HELD, MeetingState.MINUTES_SENT,
        ))).order_by(Meeting.starts_at, Meeting.id)
        # every meeting's body with its seats (their holdings and holders joined: who sits on
        # each meeting's day) and recipients in three statements, not per meeting; the
        # holders' own affiliations are not read here
        .options(
            selectinload(Meeting.body).selectinload(Body.seats).joinedload(Seat.holdings)
            .joinedload(SeatHolding.holder).lazyload(User.affiliations),
            selectinload(Meeting.body).selectinload(Body.information_recipients),
        )
    ).all()
    out: list[PendingItem] = []
    for m in meetings:
        if m.state is MeetingState.AGENDA_PUBLISHED:
            reader = _receives_agenda(user, m.body, m.starts_at.date()) if m.starts_at >= now else None
            if reader == "member":
                out.append(PendingItem(
                    kind="agenda_to_read", title=f"Læs dagsordenen: {_label(m)}",
                    title_en=f"Read the agenda: {_label(m)}", body=m.body.key,
                    url=f"{base}/{m.id}", due=m.starts_at.date(), page_url=page(m, "dagsorden"),
                ))
            elif reader == "information":
                # Received for information, without a seat ("til orientering"), and why.
                out.append(PendingItem(
                    kind="agenda_to_read", title=f"Til orientering: dagsordenen for {_label(m)}",
                    title_en=f"For information: the agenda of {_label(m)}", body=m.body.key,
                    url=f"{base}/{m.id}", due=m.starts_at.date(), page_url=page(m, "dagsorden"),
                    clause=information_clause(m.body),
                ))
            continue
        rules = ops.meeting_rules(m.body, tenant_row, hooks)
        d = ops.deadlines(m, rules)
        if m.state is MeetingState.HELD:
            if role_in_body(user, m.body) >= Role.BODY_SECRETARY:
                out.append(PendingItem(
                    kind="minutes_to_write", title=f"Skriv og send referatet: {_label(m)}",
                    title_en=f"Write and send the minutes: {_label(m)}", body=m.body.key,
                    url=f"{base}/{m.id}/minutes", due=_due(d.minutes_due_at),
                    clause=d.minutes_clause, page_url=page(m, "referat"),
                ))
        elif rules.approval_mode == "email" and m.minutes_versions:
            approved = {a.user_id for a in m.minutes_versions[0].approvals}
            expected = {u.id for u in ops.expected_approvers(m, tenant_row, hooks)}
            if user.id in expected and user.id not in approved:
                out.append(PendingItem(
                    kind="minutes_to_approve", title=f"Godkend referatet: {_label(m)}",
                    title_en=f"Approve the minutes: {_label(m)}", body=m.body.key,
                    url=f"{base}/{m.id}/minutes", due=_due(d.approval_due_at),
                    clause=d.approval_clause, page_url=page(m, "referat"),
                ))
    return out
