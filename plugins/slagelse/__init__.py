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
# ---------------------------------------------------------------------------- meetings


@hookimpl
def extraordinary_meeting_allowed(body, caller):
    if body.kind != "board":
        return None
    # SLA-7: the chair, a majority of the members, or the competence chief (the secretary).
    if "chair" in caller.roles:
        return rule.allow("SLA-7", "Formandskabet indkalder til ekstraordinært møde.",
                          "The chairmanship calls an extraordinary meeting.")
    if caller.on_behalf_of == "members_majority":
        return rule.allow("SLA-7", "Et flertal af medlemmerne har bedt om et ekstraordinært møde.",
                          "A majority of the members asked for an extraordinary meeting.")
    if "secretary" in caller.roles:
        return rule.allow("SLA-7", "Kompetencechefen indkalder til ekstraordinært møde.",
                          "The competence chief calls an extraordinary meeting.")
    return rule.refuse(
        "SLA-7",
        "Ekstraordinært møde holdes, når formandskabet, et flertal af medlemmerne eller "
        "kompetencechefen ønsker det.",
        "An extraordinary meeting is held when the chair, a majority of the members or the "
        "competence chief asks for one.",
    )


@hookimpl
def standing_items(body, meeting_number, year):
    from core.rules.types import ItemKind, StandingItem

    if body.kind != "board":
        return []
    # SLA-10: economy is a standing item; once a year the LBF indicators and success criteria.
    items = [StandingItem("Økonomi", ItemKind.INFORMATION, "SLA-10", NAME)]
    if meeting_number == 1:
        items.append(StandingItem(
            f"Opfølgning på LBF-portalens indikatorer og succeskriterier {year}",
            ItemKind.DISCUSSION, "SLA-10", NAME,
        ))
    if body.meetings_per_year and meeting_number == body.meetings_per_year:
        # SLA-7: dates for next year are agreed at the year's last meeting.
        items.append(StandingItem(f"Mødedatoer for {year + 1}", ItemKind.DECISION, "SLA-7", NAME))
    return items
