"""Builders for rule value objects in tests."""

from core.rules import BodyFacts, SeatFacts


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
