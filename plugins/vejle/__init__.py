"""Vejle — BolivVejle (seed 004).

Theme groups and FKU prepare, BPU decides (VEJ-6); FKU has at most 8 seats besides the
head of the joint secretariat (VEJ-2); a proposal goes theme group → hearing → theme
group → FKU → BPU, and a decision of principle then to the city council and the
organisations' boards (VEJ-6, VEJ-1).
"""

from __future__ import annotations

from core import hookimpl
from core.rules import Problem, Route, RouteStep, Rulebook
from core.rules.types import FollowUp

NAME = "vejle"
rule = Rulebook(NAME)
FKU_MAX_SEATS = 8


@hookimpl
def validate_body(body):
    if body.key != "fku":
        return []
    counted = [s for s in body.seats if s.role != "secretary"]
    if len(counted) > FKU_MAX_SEATS:
        return [Problem(
            "seats", "",
            f"FKU har højst {FKU_MAX_SEATS} pladser ud over fællessekretariatets leder; "
            f"filen har {len(counted)}",
            "VEJ-2", NAME,
        )]
    return []


@hookimpl
def body_competence(body, matter):
    if body.kind in ("theme_group", "forum"):
        return rule.refuse(
            "VEJ-6",
            f"{body.name} forbereder og indstiller; Boligpolitisk udvalg beslutter.",
            f"{body.name} prepares and recommends; the housing policy committee decides.",
        )
    return None


def _key_of_kind(bodies, kind):
    return next((b.key for b in bodies if b.kind == kind), None)


@hookimpl
def proposal_route(body, matter, bodies):
    if body.kind != "theme_group":
        return None
    fku = next((b.key for b in bodies if b.key == "fku"), _key_of_kind(bodies, "forum"))
    bpu = _key_of_kind(bodies, "political_committee")
    # VEJ-6: the housing organisations and the Kommune, i.e. the parties seated in BPU;
    # the joint secretariat that serves BPU is not a party to be heard.
    housing = tuple(
        sorted({s.organisation for b in bodies for s in b.seats
                if b.key == bpu and s.role != "secretary"})
    )
    return Route(
        (
            RouteStep("hearing", "høring", "hear", housing, "VEJ-6"),
            RouteStep("body", body.key, "revise", clause="VEJ-6"),
            RouteStep("body", fku, "forward", clause="VEJ-6"),
            RouteStep("body", bpu, "decide", clause="VEJ-6"),
        ),
        "Temagruppen udarbejder forslaget, som sendes i høring i boligorganisationerne og "
        "kommunen, behandles igen i temagruppen, går til FKU og derfra til Boligpolitisk "
        "udvalg, som beslutter.",
        "VEJ-6",
        NAME,
    )


@hookimpl
def follow_ups(body, matter, passed):
    if body.kind != "political_committee" or not passed or "principle" not in matter.topics:
        return []
    return [
        FollowUp("body", "byraadet", "Principbeslutning behandles i byrådet", "VEJ-1", NAME),
        FollowUp("organisation", "*housing", "Principbeslutning behandles i boligorganisationernes bestyrelser", "VEJ-1", NAME),
    ]


@hookimpl
def proposal_origin_allowed(body, proposer, takes_part):
    # VEJ-5: anyone in BolivVejle may raise a topic in any theme group, member or not.
    if body.kind != "theme_group":
        return None
    if takes_part:
        return rule.allow(
            "VEJ-5",
            f"Alle i BolivVejle kan rejse et emne i {body.name}, også uden at være medlem.",
            f"Anyone in BolivVejle may raise a topic in {body.name}, member or not.",
        )
    return rule.refuse(
        "VEJ-5",
        "Kun deltagere i BolivVejle kan rejse et emne i en temagruppe.",
        "Only those taking part in BolivVejle may raise a topic in a theme group.",
    )
