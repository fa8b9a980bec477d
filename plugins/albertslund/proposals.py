"""Albertslund: where a recommendation goes (ALB-P1, ALB-S2, ALB-R1, ALB-B12).

A local steering group decides at activity level itself; a change to a sub-agreement is a
recommendation to the resource group of its effort area, which takes a position on it and
may carry it on to the Bestyrelse, always via the secretariat.
"""

from __future__ import annotations

from core import hookimpl
from core.rules import Route, RouteStep

NAME = "albertslund"


def _first(bodies, kind):
    return next((b for b in bodies if b.kind == kind), None)


def _resource_group_for(matter, bodies):
    """The resource group whose effort area (``extra.effort_area``: FF, TT, UB) the
    proposal names among its topics."""
    topics = {t.upper() for t in matter.topics}
    return next(
        (b for b in bodies if b.kind == "resource_group"
         and str(b.extra.get("effort_area", "")).upper() in topics),
        None,
    )


@hookimpl
def proposal_route(body, matter, bodies):
    board = _first(bodies, "board")
    secretariat = _first(bodies, "secretariat")
    if board is None:
        return None
    via = (RouteStep("body", secretariat.key, "forward", clause="ALB-R1"),) if secretariat else ()
    to_board = RouteStep("body", board.key, "decide", clause="ALB-B12")
    if body.kind == "steering_group":
        if "activity" in matter.topics and "sub_agreement" not in matter.topics:
            return Route((), "Styregruppen beslutter selv på aktivitetsniveau.", "ALB-S2", NAME)
        group = _resource_group_for(matter, bodies)
        if group is None:
            return Route(
                (),
                "En ændring af en delaftale indstilles til den relevante ressourcegruppe; "
                "angiv indsatsområdet (FF, TT eller UB) blandt forslagets emner.",
                "ALB-S2",
                NAME,
            )
        return Route(
            (RouteStep("body", group.key, "recommend", clause="ALB-S2"), *via, to_board),
            f"Styregruppen indstiller til {group.name}, som tager stilling og kan føre "
            "indstillingen videre til bestyrelsen via sekretariatet.",
            "ALB-P1",
            NAME,
        )
    if body.kind == "resource_group":
        return Route(
            (*via, to_board),
            "Ressourcegruppens anbefalinger går til bestyrelsen via sekretariatet.",
            "ALB-R1",
            NAME,
        )
    if body.kind == "secretariat":
        return Route(
            (to_board,),
            "Bestyrelsen behandler indstillinger fra sekretariatet.",
            "ALB-B12",
            NAME,
        )
    return None
