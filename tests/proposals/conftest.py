"""Fixtures for proposals: planned meetings, and a small API helper."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import hookimpl
from core.rules import ItemKind, StandingItem


@pytest.fixture
def plan_meeting(app, in_tenant):
    """``plan_meeting("albertslund", "bestyrelse", days=14, standing=[(title, clause)])``: a
    planned meeting of the body, with standing items already on its agenda if given (as the
    meetings feature puts them there)."""
    from core.bodies.models import Body
    from core.extensions import db
    from core.meetings.models import AgendaItem, Meeting
    from core.meetings.models import ItemKind as Kind
    from core.models import utcnow

    def _plan(slug: str, body_key: str, days: int = 14, standing=()) -> int:
        with in_tenant(slug):
            body = db.session.scalar(sa.select(Body).filter_by(key=body_key))
            meeting = Meeting(body_id=body.id, starts_at=utcnow() + timedelta(days=days))
            for i, (title, clause) in enumerate(standing, start=1):
                meeting.items.append(AgendaItem(position=i, kind=Kind.INFORMATION, title=title,
                                                standing_clause=clause, topics=[]))
            db.session.add(meeting)
            db.session.commit()
            return meeting.id

    return _plan


@pytest.fixture
def agenda(app, in_tenant):
    """``agenda(slug, meeting_id)``: the meeting's items as (position, title, standing_clause)."""
    from core.extensions import db
    from core.meetings.models import Meeting

    def _agenda(slug: str, meeting_id: int):
        with in_tenant(slug):
            db.session.expire_all()
            meeting = db.session.get(Meeting, meeting_id)
            return [(i.position, i.title, i.standing_clause) for i in meeting.items]

    return _agenda


class IncomingRecommendations:
    """ALB-B10's standing item for incoming recommendations, as the meetings feature's rules
    will give it; registered beside the albertslund plugin in tests."""

    @hookimpl
    def standing_items(self, body, meeting_number, year):
        if body.kind != "board":
            return []
        return [
            StandingItem("Projektstatus", ItemKind.INFORMATION, "ALB-B10", "test"),
            StandingItem("Indkomne indstillinger", ItemKind.DECISION, "ALB-B10", "test",
                         receives_proposals=True),
            StandingItem("Nyt fra parterne", ItemKind.INFORMATION, "ALB-B10", "test"),
        ]


@pytest.fixture
def albertslund_with_standing_items(app, sync_tenant, write_tenant_file):
    """Albertslund with the ALB-B10 standing item that receives recommendations."""
    from core.config import PROJECT_ROOT
    from core.hooks.host import PluginHost

    app.extensions["kommissorium.host"] = PluginHost(plugins={"alb_b10": IncomingRecommendations()})
    text = (PROJECT_ROOT / "tenants" / "albertslund.toml").read_text(encoding="utf-8")
    marker = 'plugins = ["albertslund"]'
    assert marker in text
    sync_tenant(write_tenant_file(text.replace(marker, 'plugins = ["albertslund", "alb_b10"]')))


class Api:
    """Log in as someone and call the proposals API of one tenant."""

    def __init__(self, client, login, slug):
        self.client, self.login, self.slug = client, login, slug

    def as_(self, email):
        # A new login replaces the client's session; a logout would end every session of
        # the person logged in before, the ``member`` fixture's clients among them.
        self.login(self.client, email)
        return self

    def url(self, path=""):
        return f"/api/v1/tenants/{self.slug}/proposals{path}"

    def post(self, path="", **json):
        return self.client.post(self.url(path), json=json)

    def get(self, path=""):
        return self.client.get(self.url(path))


@pytest.fixture
def api(client, login):
    return lambda slug: Api(client, login, slug)
