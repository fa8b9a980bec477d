"""Slagelse — kommissorium for den boligsociale bestyrelse 2017-2021 (seed 001).

One vote per housing organisation and one for the Kommune (SLA-4); the meeting leader
concludes and the item is decided unless someone objects (SLA-5).
"""

from __future__ import annotations

from core import hookimpl
from core.rules import (
    Procedure,
    ProcedureChoice,
    Rulebook,
    one_vote_per_organisation,
    required_share,
    share_of_votes_cast,
)

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


@hookimpl
def tally(body, matter, units, ballots):
    if body.kind != "board":
        return None
    # SLA-4: six votes, one per housing organisation and one for the Kommune; majority decides.
    return share_of_votes_cast(
        units, ballots, clause="SLA-4", source=NAME, **required_share(matter)
    )


from plugins.slagelse.proposals import proposal_route  # noqa: E402,F401
