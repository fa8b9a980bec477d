"""The plugin host: entry-point discovery, per-tenant hook callers, provenance."""

import pytest

from core import hookimpl
from core.hooks.host import PluginHost, UnknownPlugin
from core.rules import Attendee, Matter, Rulebook
from tests.hooks.facts import board, file_rules


class RefuseEveryone:
    rule = Rulebook("refuser")

    @hookimpl
    def substitute_allowed(self, body, seat, substitute_organisations):
        return self.rule.refuse("T-9", "Ingen suppleanter her.")


def test_bundled_plugins_are_found_through_the_entry_point_group():
    host = PluginHost()
    assert {"albertslund", "slagelse", "kobenhavn", "vejle"} <= set(host.plugin_names)


def test_two_tenants_get_different_answers_from_the_same_hook_in_one_process():
    host = PluginHost()
    body = board(kind="district_board", competence="limited",
                 extra={"districts": ["Amager"], "grants": [{"plan": "Plan A", "organisations": ["KAB"]}]})
    matter = Matter("x", plan="Plan Z")
    alb = host.for_tenant(["albertslund"]).body_competence(body=body, matter=matter)
    kbh = host.for_tenant(["kobenhavn"]).body_competence(body=body, matter=matter)
    core_only = host.for_tenant([]).body_competence(body=body, matter=matter)
    assert (kbh.ok, kbh.clause, kbh.source) == (False, "KBH-4", "kobenhavn")
    assert (alb.ok, alb.clause, alb.source) == (True, "CORE-COMPETENCE", "core")
    assert (core_only.ok, core_only.clause, core_only.source) == (True, "CORE-COMPETENCE", "core")


def test_a_tenant_sees_only_the_plugins_it_names():
    host = PluginHost(plugins={"refuser": RefuseEveryone()})
    body = board()
    seat = body.seats[0]
    with_it = host.for_tenant(["refuser"]).substitute_allowed(
        body=body, seat=seat, substitute_organisations=frozenset())
    without = host.for_tenant(["slagelse"]).substitute_allowed(
        body=body, seat=seat, substitute_organisations=frozenset())
    assert with_it.clause == "T-9" and not with_it.ok
    assert without.clause == "CORE-SUBSTITUTE" and without.ok


def test_hook_callers_are_built_once_per_plugin_list():
    host = PluginHost()
    assert host.for_tenant(["vejle"]) is host.for_tenant(["vejle"])
    hooks = host.for_tenant(["vejle"])
    assert hooks.quorum is hooks.quorum


def test_an_unknown_plugin_is_refused_by_name():
    with pytest.raises(UnknownPlugin, match="nosuchtown"):
        PluginHost().for_tenant(["nosuchtown"])


def test_every_rule_answer_carries_reason_and_clause():
    hooks = PluginHost().for_tenant(["albertslund"])
    body = board(seats=(("va", "VA", "member", True), ("ab", "AB", "member", True)),
                 tenant="albertslund", rules=file_rules("albertslund", "bestyrelse"))
    attendees = [Attendee("va", "VA", "member", True, "p1"), Attendee("ab", "AB", "member", True, None)]
    units = hooks.vote_units(body=body, attendees=attendees, matter=Matter("x"))
    verdict = hooks.quorum(body=body, units=units, matter=Matter("x"))
    assert not verdict.ok and verdict.clause == "ALB-B3" and "AB" in verdict.reason


class Recorder:
    """Records what ``substitute_allowed`` receives, taking the arguments added later."""

    def __init__(self):
        self.seen = []

    @hookimpl
    def substitute_allowed(self, body, seat, meeting, requested_at, substitute):
        self.seen.append((meeting, requested_at, substitute))


def test_arguments_added_to_a_hook_later_get_their_default_from_an_older_caller():
    """``specs.ADDED_ARGUMENTS``: a caller written before ``meeting``, ``requested_at`` and
    ``substitute`` were added (a plugin's own unit test) still works; the plugin sees None."""
    recorder = Recorder()
    hooks = PluginHost(entry_points=False, plugins={"recorder": recorder}).for_tenant(["recorder"])
    body = board()
    v = hooks.substitute_allowed(body=body, seat=body.seats[0], substitute_organisations=frozenset())
    assert v.clause == "CORE-SUBSTITUTE" and recorder.seen == [(None, None, None)]
