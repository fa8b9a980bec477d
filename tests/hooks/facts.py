"""Builders for rule value objects in tests."""

import tomllib

from core.config import PROJECT_ROOT
from core.rules import BodyFacts, SeatFacts


def file_rules(tenant: str, body: str) -> dict:
    """A body's ``[bodies.rules]`` as its tenant file under tenants/ writes them."""
    data = tomllib.loads((PROJECT_ROOT / "tenants" / f"{tenant}.toml").read_text(encoding="utf-8"))
    return next(b for b in data["bodies"] if b["key"] == body).get("rules", {})


def board(key="bestyrelse", kind="board", competence="decides", seats=None, **kw) -> BodyFacts:
    seats = seats or (("formand", "VA", "chair", True),)
    return BodyFacts(
        tenant=kw.pop("tenant", "test"),
        key=key,
        name=kw.pop("name", "Bestyrelsen"),
        kind=kind,
        competence=competence,
        seats=tuple(SeatFacts(k, k.title(), org, role, voting) for k, org, role, voting in seats),
        **kw,
    )
