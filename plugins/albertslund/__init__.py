"""Albertslund — kommissorium for ABC helhedsplan 2017-2020 (seed 000).

One vote per organisation (ALB-B2), quorate only when every voting organisation is
represented (ALB-B3), consensus first then majority (ALB-B4), substitutes from the same
organisation (ALB-B5), advisory resource groups (ALB-R1), steering groups deciding at
activity level only (ALB-S2).
"""

from __future__ import annotations

from core import hookimpl
from core.rules import (
    Procedure,
    ProcedureChoice,
    Rulebook,
    all_units_present,
    one_vote_per_organisation,
    required_share,
    share_of_votes_cast,
)

NAME = "albertslund"
rule = Rulebook(NAME)


@hookimpl
def vote_units(body, attendees, matter):
    if body.kind != "board":
        return None
    # ALB-B2: VA, AB, AKB and the Kommune hold one vote each; BO-VEST and KAB hold none.
    return one_vote_per_organisation(attendees, clause="ALB-B2")


@hookimpl
def quorum(body, units, matter):
    if body.kind != "board":
        return None
    return all_units_present(units, clause="ALB-B3", source=NAME)  # ALB-B3


@hookimpl
def decision_procedure(body, matter):
    if body.kind != "board":
        return None
    return ProcedureChoice(
        Procedure.CONSENSUS_THEN_MAJORITY,
        "Beslutninger søges truffet i konsensus; hvor det ikke er muligt, ved flertal.",
        "ALB-B4",
        NAME,
    )


@hookimpl
def tally(body, matter, units, ballots):
    if body.kind != "board":
        return None
    # ALB-B4: where consensus fails, the majority of the organisations' votes decides.
    return share_of_votes_cast(
        units, ballots, clause="ALB-B4", source=NAME, **required_share(matter)
    )


@hookimpl
def substitute_allowed(body, seat, substitute_organisations):
    if body.kind != "board":
        return None
    # ALB-B5: the organisation may send a substitute with the same mandate.
    if seat.organisation in substitute_organisations:
        return rule.allow(
            "ALB-B5",
            f"{seat.organisation} kan sende en suppleant med samme mandat som det fraværende medlem.",
            f"{seat.organisation} may send a substitute with the absent member's mandate.",
        )
    return rule.refuse(
        "ALB-B5",
        f"En suppleant skal sendes af samme organisation ({seat.organisation}).",
        f"A substitute must be sent by the same organisation ({seat.organisation}).",
    )


@hookimpl
def body_competence(body, matter):
    if body.kind == "resource_group":
        return rule.refuse(
            "ALB-R1",
            f"{body.name} er rådgivende og træffer ingen beslutninger; anbefalinger går til "
            "bestyrelsen via sekretariatet.",
            f"{body.name} is advisory; its recommendations go to the board via the secretariat.",
        )
    if body.kind == "steering_group":
        if "sub_agreement" in matter.topics or "activity" not in matter.topics:
            return rule.refuse(
                "ALB-S2",
                "Styregruppen beslutter kun på aktivitetsniveau; en ændring af en delaftale er "
                "en indstilling til ressourcegruppen.",
                "The steering group decides at activity level only; changing a sub-agreement "
                "is a recommendation to the resource group.",
            )
        return rule.allow("ALB-S2", "Beslutning på aktivitetsniveau.", "A decision at activity level.")
    return None

from plugins.albertslund.proposals import proposal_route  # noqa: E402,F401

# ---------------------------------------------------------------------------- meetings


@hookimpl
def extraordinary_meeting_allowed(body, caller):
    if body.kind != "board":
        return None
    # ALB-B7: the board and the secretariat may call extraordinary meetings.
    if caller.on_behalf_of in ("body", "secretariat"):
        who = "bestyrelsen" if caller.on_behalf_of == "body" else "sekretariatet"
        return rule.allow(
            "ALB-B7",
            f"Ekstraordinært møde indkaldt af {who}.",
            f"An extraordinary meeting called by the {'board' if who == 'bestyrelsen' else 'secretariat'}.",
        )
    return rule.refuse(
        "ALB-B7",
        "Kun bestyrelsen eller sekretariatet kan indkalde til et ekstraordinært møde.",
        "Only the board or the secretariat may call an extraordinary meeting.",
    )


@hookimpl
def standing_items(body, meeting_number, year):
    from core.rules.types import ItemKind, StandingItem

    def item(title, kind=ItemKind.INFORMATION, clause="ALB-B10", receives=False):
        return StandingItem(title, kind, clause, NAME, receives)

    if body.kind == "board":
        # ALB-B10. Budget follow-up every half year: ALB-B7's two yearly meetings are the
        # half-yearly ones, so it is on the first two; goals and success criteria yearly.
        items = [
            item("Status på projektet"),
            item("Opfølgning på aftaler", ItemKind.DISCUSSION),
        ]
        if meeting_number <= 2:
            items.append(item("Budgetopfølgning (halvårlig)", ItemKind.DISCUSSION))
        if meeting_number == 1:
            items.append(item(f"Mål og succeskriterier {year}", ItemKind.DECISION))
        items += [
            item("Indkomne indstillinger", ItemKind.DECISION, receives=True),
            item("Nyt fra parterne"),
        ]
        return items
    if body.kind == "steering_group":
        # ALB-S5.
        return [
            item("Nyt fra kommunen, afdelingsbestyrelsen, driften og ABC", clause="ALB-S5"),
            item("Status på lokale projekter", clause="ALB-S5"),
            item("Kommende aktiviteter", ItemKind.DISCUSSION, clause="ALB-S5"),
            item("Indstillinger til ressourcegrupperne", ItemKind.DECISION, clause="ALB-S5"),
        ]
    return []
