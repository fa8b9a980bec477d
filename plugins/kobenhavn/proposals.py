"""København: Samarbejdsforum recommends to the district boards (KBH-1), and a local
group's proposal goes to the board of its district (KBH-9), which decides only on the
plans of its own districts (KBH-4)."""

from __future__ import annotations

from core import hookimpl
from core.rules import Route, RouteStep

NAME = "kobenhavn"


def _district_board_for(matter, bodies):
    for b in bodies:
        if b.kind != "district_board":
            continue
        if matter.district and matter.district in b.extra.get("districts", []):
            return b
        if matter.plan and matter.plan in b.extra.get("plans", []):
            return b
    return None


@hookimpl
def proposal_route(body, matter, bodies):
    if body.kind == "local_group" and body.parent:
        return Route(
            (RouteStep("body", body.parent, "decide", clause="KBH-9"),),
            "Den lokale gruppe indstiller til bydelsbestyrelsen i sin bydel.",
            "KBH-9",
            NAME,
        )
    if body.kind == "forum":
        board = _district_board_for(matter, bodies)
        if board is None:
            return Route(
                (),
                "Samarbejdsforum anbefaler til bydelsbestyrelserne, som hver beslutter for "
                "sine egne bydele; angiv bydelen eller helhedsplanen, så anbefalingen går "
                "til den rette bydelsbestyrelse.",
                "KBH-1",
                NAME,
            )
        return Route(
            (RouteStep("body", board.key, "decide", clause="KBH-1"),),
            f"Samarbejdsforum anbefaler til {board.name}, som beslutter for sine bydele.",
            "KBH-1",
            NAME,
        )
    return None
