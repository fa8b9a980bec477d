"""Slagelse — kommissorium for den boligsociale bestyrelse 2017-2021 (seed 001).

One vote per housing organisation and one for the Kommune (SLA-4); the meeting leader
concludes and the item is decided unless someone objects (SLA-5).
"""

from __future__ import annotations

from core import hookimpl
from core.rules import Procedure, ProcedureChoice, Rulebook, one_vote_per_organisation

NAME = "slagelse"
rule = Rulebook(NAME)


@hookimpl
def vote_units(body, attendees, matter):
    if body.kind != "board":
        return None
    return one_vote_per_organisation(attendees, clause="SLA-4")  # SLA-4: 6 votes in all


@hookimpl
def decision_procedure(body, matter):
    if body.kind != "board":
        return None
    return ProcedureChoice(
        Procedure.NO_OBJECTION,
        "Mødelederen konkluderer beslutningen; er der ingen indsigelser, erklæres punktet for "
        "afgjort. Ved indsigelse afgøres sagen ved flertal.",
        "SLA-5",
        NAME,
    )

from plugins.slagelse.proposals import proposal_route  # noqa: F401
