"""The proposal hooks at the hook level: the core's defaults, and a plugin's route on the
bodies of its tenant (the tests' own plugin on Testby, TST-7). The bundled plugins' routes
are compared in tests/plugins/test_proposal_routes.py."""

import sqlalchemy as sa

from core.bodies.facts import body_facts
from core.bodies.models import Body
from core.extensions import db
from core.hooks.host import PluginHost
from core.rules import Caller, Matter
from tests.hooks.facts import board


def test_hook_proposal_origin_allowed():
    hooks = PluginHost(entry_points=False).for_tenant([])
    body = board()
    member = Caller("a@x.example", roles=frozenset({"member"}))
    secretariat = Caller("s@x.example", on_behalf_of="secretariat")
    outsider = Caller("o@x.example")
    assert hooks.proposal_origin_allowed(body=body, proposer=member, takes_part=True).clause == "CORE-ORIGIN"
    assert hooks.proposal_origin_allowed(body=body, proposer=secretariat, takes_part=True).ok
    v = hooks.proposal_origin_allowed(body=body, proposer=outsider, takes_part=True)
    assert not v.ok and v.clause == "CORE-ORIGIN" and v.reason_en


def _route(host, in_tenant, slug, origin, matter):
    with in_tenant(slug) as tenant:
        bodies = db.session.scalars(sa.select(Body).order_by(Body.id)).all()
        facts = {b.key: body_facts(b, slug) for b in bodies}
        hooks = host.for_tenant(tenant.plugins)
        route = hooks.proposal_route(body=facts[origin], matter=matter, bodies=list(facts.values()))
    return route, [(s.kind, s.target, s.action, s.clause) for s in route.steps]


def test_a_follow_group_proposal_on_hoering_is_heard_before_the_board_decides_TST_7(
    testby, host, in_tenant
):
    route, steps = _route(host, in_tenant, "testby", "gruppe", Matter("x", topics=frozenset({"hoering"})))
    assert (route.clause, route.source) == ("TST-7", "testby")
    assert route.steps[0].organisations == ("TST-A", "TST-B")
    assert steps == [("hearing", "høring", "hear", "TST-7"), ("body", "bestyrelse", "decide", "TST-7")]


def test_without_a_plugin_route_the_core_routes_an_advising_body_to_its_parent_CORE_ROUTE(
    testby, host, in_tenant
):
    """Another topic in Testby's group: the core's default, the parent decides; the board
    itself treats its own proposal."""
    route, steps = _route(host, in_tenant, "testby", "gruppe", Matter("x"))
    assert (route.clause, steps) == ("CORE-ROUTE", [("body", "bestyrelse", "decide", "CORE-ROUTE")])
    route, steps = _route(host, in_tenant, "testby", "bestyrelse", Matter("x", topics=frozenset({"hoering"})))
    assert (route.clause, steps) == ("CORE-ROUTE", [])
