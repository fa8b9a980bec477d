"""What waits for a user across tenants: the ``pending_for_user`` collecting hook, shown
per tenant in /api/v1/me."""

from __future__ import annotations

import pytest

from core import hookimpl
from core.hooks.host import PluginHost
from core.rules.types import PendingItem, TenantFacts
from tests.fixtures.tenants import two_bodies


class Reminder:
    """A municipality's plugin adding its own item."""

    @hookimpl
    def pending_for_user(self, user_id, tenant):
        return [PendingItem(kind="hearing_answer_due", title="Høringssvar", clause="T-1")]


def test_pending_for_user_default_is_nothing(monkeypatch):
    hooks = PluginHost(entry_points=False, features=()).for_tenant(())  # the core default alone
    assert hooks.collect("pending_for_user", user_id=1,
                         tenant=TenantFacts(id=1, slug="x", name="X")) == []


@pytest.fixture
def with_features(app, monkeypatch, sync_tenant, write_tenant_file):
    app.extensions["kommissorium.host"] = PluginHost(
        entry_points=False, plugins={"reminder": Reminder()},
        features=("tests.identity.pending_feature",))
    sync_tenant(write_tenant_file(two_bodies("aby", "A", plugins='["reminder"]')))
    sync_tenant(write_tenant_file(two_bodies("bby", "B")))


def test_hook_pending_for_user(client, login, with_features):
    """Core features (their hooks.py) and the tenant's plugins add to /api/v1/me."""
    login(client, "formand@aby.example")
    me = client.get("/api/v1/me").get_json()
    (tenant,) = me["tenants"]
    assert tenant["slug"] == "aby"
    kinds = [(p["kind"], p["body"]) for p in tenant["pending"]]
    assert ("agenda_to_read", "bestyrelse") in kinds  # the core feature, in A's scope
    assert ("hearing_answer_due", None) in kinds  # aby's plugin
    assert len(kinds) == 2


def test_pending_items_of_one_tenant_stay_in_it(client, login, with_features):
    """The secretary of B sees B's items only; A's plugin is not asked for B."""
    login(client, "sekretaer@bby.example")
    me = client.get("/api/v1/me").get_json()
    assert [t["slug"] for t in me["tenants"]] == ["bby"]
    assert [p["kind"] for p in me["tenants"][0]["pending"]] == ["agenda_to_read"]
