"""Albertslund with the ALB-B10 standing item that receives recommendations from other
bodies, as the meetings feature's rules will give it."""

from __future__ import annotations

import pytest

from core import hookimpl
from core.rules import ItemKind, StandingItem


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
