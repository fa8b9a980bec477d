"""Vejle's plugin at the hook level (VEJ-*)."""

from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from core.hooks.host import PluginHost
from core.rules import Matter
from core.tenants.filespec import TenantFileError
from tests.hooks.facts import board

VEJLE = (PROJECT_ROOT / "tenants" / "vejle.toml").read_text(encoding="utf-8")

EXTRA_SEATS = """
[[bodies.seats]]
key = "ekstra-{n}"
title = "Ekstra plads {n}"
organisation = "VEJ-KOM"
role = "member"
voting = true
"""


def _with_fku_seats(n: int) -> str:
    marker = '[[bodies]]\nkey = "faellessekretariat"'
    assert marker in VEJLE
    extra = "".join(EXTRA_SEATS.format(n=i) for i in range(n))
    return VEJLE.replace(marker, extra.strip() + "\n\n" + marker)


def test_more_than_8_fku_seats_is_refused_VEJ_2(sync_tenant, write_tenant_file):
    with pytest.raises(TenantFileError) as exc:
        sync_tenant(write_tenant_file(_with_fku_seats(2)))
    assert "bodies[fku].seats: FKU har højst 8 pladser" in str(exc.value)
    assert "(VEJ-2)" in str(exc.value)


def test_eight_fku_seats_are_accepted_VEJ_2(sync_tenant, write_tenant_file):
    assert sync_tenant(write_tenant_file(_with_fku_seats(1))).created


def test_theme_group_and_fku_do_not_decide_VEJ_6():
    hooks = PluginHost().for_tenant(["vejle"])
    for kind in ("theme_group", "forum"):
        v = hooks.body_competence(body=board(kind=kind, competence="advises"), matter=Matter("x"))
        assert not v.ok and v.clause == "VEJ-6"


def test_theme_group_route_hearing_fku_bpu_VEJ_6():
    hooks = PluginHost().for_tenant(["vejle"])
    theme = board(key="temagruppe-boligsocial", kind="theme_group", competence="advises", parent="fku")
    fku = board(key="fku", kind="forum", competence="advises")
    bpu = board(key="bpu", kind="political_committee",
                seats=(("k", "VEJ-KOM", "chair", True), ("a", "AAB", "member", True)))
    route = hooks.proposal_route(body=theme, matter=Matter("x"), bodies=[theme, fku, bpu])
    assert [(s.kind, s.target, s.action) for s in route.steps] == [
        ("hearing", "høring", "hear"),
        ("body", "temagruppe-boligsocial", "revise"),
        ("body", "fku", "forward"),
        ("body", "bpu", "decide"),
    ]
    assert route.steps[0].organisations == ("AAB", "VEJ-KOM")
    assert route.clause == "VEJ-6"


def test_decision_of_principle_creates_follow_ups_VEJ_1():
    hooks = PluginHost().for_tenant(["vejle"])
    bpu = board(key="bpu", kind="political_committee")
    ups = hooks.collect("follow_ups", body=bpu, matter=Matter("x", topics=frozenset({"principle"})), passed=True)
    assert [u.clause for u in ups] == ["VEJ-1", "VEJ-1"]
    assert hooks.collect("follow_ups", body=bpu, matter=Matter("x"), passed=True) == []
