"""Slagelse: the local følgegrupper feed the board (SLA-11); the koordinationsgruppe has its
own kommissorium, which the board approves, so what it proposes goes to the board (SLA-12)."""

from __future__ import annotations

from core import hookimpl
from core.rules import Route, RouteStep

NAME = "slagelse"


@hookimpl
def proposal_route(body, matter, bodies):
    if body.kind == "coordination_group":
        board = body.parent or next((b.key for b in bodies if b.kind == "board"), None)
        if board is None:
            return None
        return Route(
            (RouteStep("body", board, "decide", clause="SLA-12"),),
            "Koordinationsgruppen har sit eget kommissorium, som den boligsociale bestyrelse "
            "godkender; gruppens indstillinger går til bestyrelsen.",
            "SLA-12",
            NAME,
        )
    if body.kind != "follow_group":
        return None
    board = body.parent or next((b.key for b in bodies if b.kind == "board"), None)
    if board is None:
        return None
    return Route(
        (RouteStep("body", board, "decide", clause="SLA-11"),),
        "Følgegruppen indstiller til den boligsociale bestyrelse, som beslutter.",
        "SLA-11",
        NAME,
    )
