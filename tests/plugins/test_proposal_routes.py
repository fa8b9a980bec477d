"""The bundled plugins' proposal hooks at the hook level, side by side: who may raise a
proposal in a body (VEJ-5) and each tenant's routes on the bodies of its bundled tenant file
(ALB-P1, ALB-S2, ALB-R1, ALB-B12, SLA-11, KBH-1, KBH-9, VEJ-6). The core's defaults and the
route of the tests' own plugin are tested in tests/proposals/test_hooks.py."""

import pytest
import sqlalchemy as sa

from core.bodies.facts import body_facts
from core.bodies.models import Body
from core.extensions import db
from core.hooks.host import PluginHost
from core.rules import Caller, Matter
from tests.hooks.facts import board


def test_theme_group_open_to_anyone_taking_part_VEJ_5():
    hooks = PluginHost().for_tenant(["vejle"])
    theme = board(key="temagruppe-boligsocial", kind="theme_group", competence="advises")
    outsider = Caller("o@x.example")
    assert hooks.proposal_origin_allowed(body=theme, proposer=outsider, takes_part=True).clause == "VEJ-5"
    assert not hooks.proposal_origin_allowed(body=theme, proposer=outsider, takes_part=False).ok
    # Other bodies keep the core's rule.
    fku = board(key="fku", kind="forum", competence="advises")
    assert hooks.proposal_origin_allowed(body=fku, proposer=outsider, takes_part=True).clause == "CORE-ORIGIN"


def _route(host, in_tenant, slug, origin, matter):
    with in_tenant(slug) as tenant:
        bodies = db.session.scalars(sa.select(Body).order_by(Body.id)).all()
        facts = {b.key: body_facts(b, slug) for b in bodies}
        hooks = host.for_tenant(tenant.plugins)
        route = hooks.proposal_route(body=facts[origin], matter=matter, bodies=list(facts.values()))
    return route, [(s.kind, s.target, s.action, s.clause) for s in route.steps]


@pytest.mark.parametrize("effort_area,group", [("FF", "ressourcegruppe-ff"), ("tt", "ressourcegruppe-tt"),
                                                ("UB", "ressourcegruppe-ub")])
def test_sub_agreement_change_goes_to_the_resource_group_of_its_effort_area_ALB_S2(
    sync_tenant, host, in_tenant, effort_area, group
):
    sync_tenant("albertslund")
    matter = Matter("x", topics=frozenset({"sub_agreement", effort_area}))
    route, steps = _route(host, in_tenant, "albertslund", "styregruppe-galgebakken", matter)
    assert route.clause == "ALB-P1"
    assert steps == [
        ("body", group, "recommend", "ALB-S2"),
        ("body", "sekretariat", "forward", "ALB-R1"),
        ("body", "bestyrelse", "decide", "ALB-B12"),
    ]


def test_resource_group_recommends_to_the_board_via_the_secretariat_ALB_R1(sync_tenant, host, in_tenant):
    sync_tenant("albertslund")
    route, steps = _route(host, in_tenant, "albertslund", "ressourcegruppe-ub", Matter("x"))
    assert route.clause == "ALB-R1"
    assert steps == [("body", "sekretariat", "forward", "ALB-R1"), ("body", "bestyrelse", "decide", "ALB-B12")]


def test_secretariat_recommends_to_the_board_ALB_B12(sync_tenant, host, in_tenant):
    sync_tenant("albertslund")
    _, steps = _route(host, in_tenant, "albertslund", "sekretariat", Matter("x"))
    assert steps == [("body", "bestyrelse", "decide", "ALB-B12")]


def test_every_follow_group_feeds_the_board_SLA_11(sync_tenant, host, in_tenant):
    sync_tenant("slagelse")
    for group in ("foelgegruppe-ringparken", "foelgegruppe-sydbyen", "foelgegruppe-motalavej",
                  "foelgegruppe-parkvej"):
        route, steps = _route(host, in_tenant, "slagelse", group, Matter("x"))
        assert (route.clause, steps) == ("SLA-11", [("body", "bestyrelse", "decide", "SLA-11")])


@pytest.mark.parametrize("matter,board", [
    (Matter("x", district="Nørrebro"), "bydelsbestyrelse-bispebjerg-noerrebro"),
    (Matter("x", plan="Helhedsplan Sydhavnen 2020-2024"), "bydelsbestyrelse-amager-vvvk"),
    (Matter("x", district="Husum"), "bydelsbestyrelse-tingbjerg-husum"),
])
def test_samarbejdsforum_recommends_to_the_district_board_concerned_KBH_1(
    sync_tenant, host, in_tenant, matter, board
):
    sync_tenant("kobenhavn")
    _, steps = _route(host, in_tenant, "kobenhavn", "samarbejdsforum", matter)
    assert steps == [("body", board, "decide", "KBH-1")]


def test_each_local_group_goes_to_its_own_district_board_KBH_9(sync_tenant, host, in_tenant):
    sync_tenant("kobenhavn")
    for group, district_board in (("lokalgruppe-amager-oest", "bydelsbestyrelse-amager-vvvk"),
                         ("lokalgruppe-nordvest", "bydelsbestyrelse-bispebjerg-noerrebro"),
                         ("lokalgruppe-tingbjerg", "bydelsbestyrelse-tingbjerg-husum")):
        _, steps = _route(host, in_tenant, "kobenhavn", group, Matter("x"))
        assert steps == [("body", district_board, "decide", "KBH-9")]


def test_vejle_hearing_asks_the_housing_organisations_and_the_kommune_VEJ_6(sync_tenant, host, in_tenant):
    sync_tenant("vejle")
    route, steps = _route(host, in_tenant, "vejle", "temagruppe-boligteknisk", Matter("x"))
    assert route.steps[0].organisations == (
        "AAB", "DOMEA", "GIVE", "GREJSDALEN", "JELLING", "LEJERBO", "OSTERBO", "VEJ-KOM")
    assert steps[1:] == [
        ("body", "temagruppe-boligteknisk", "revise", "VEJ-6"),
        ("body", "fku", "forward", "VEJ-6"),
        ("body", "bpu", "decide", "VEJ-6"),
    ]
