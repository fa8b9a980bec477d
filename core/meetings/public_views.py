"""The public pages of a tenant, without a login: its published agendas and final minutes,
closed items as «Lukket punkt» with their public decision only (CORE-CLOSED-ITEMS). What they
show is the public projection of core/meetings/present.py."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g, render_template

from core.extensions import db
from core.identity.permissions import Role, access
from core.meetings import present
from core.meetings.models import Meeting
from core.web import bp


@bp.route("/<tenant>/offentlig")
@access(Role.PUBLIC)
def public_meetings():
    """Published agendas and final minutes of the tenant, without closed content."""
    q = (sa.select(Meeting).where(Meeting.state.in_(present.PUBLIC_AGENDA_STATES))
         .order_by(Meeting.starts_at.desc()))
    return render_template("meetings/public_meetings.html", tenant=g.tenant,
                           meetings=[present.public_meeting(m) for m in db.session.scalars(q)])


@bp.route("/<tenant>/offentlig/moeder/<int:meeting_id>")
@access(Role.PUBLIC)
def public_meeting(meeting_id: int):
    """One published agenda with its final minutes; closed items as «Lukket punkt»
    (CORE-CLOSED-ITEMS)."""
    m = db.session.get(Meeting, meeting_id)
    if m is None or m.state not in present.PUBLIC_AGENDA_STATES:
        abort(404)
    return render_template("meetings/public_meeting.html", tenant=g.tenant, m=present.public_meeting(m))
