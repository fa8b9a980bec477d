"""Albertslund — kommissorium for ABC helhedsplan 2017-2020 (seed 000).

Advisory resource groups (ALB-R1), steering groups deciding at activity level only
(ALB-S2), extraordinary meetings (ALB-B7) and standing items (ALB-B10, ALB-S5). The board's
voting rules are building blocks in tenants/albertslund.toml: one vote per organisation
(ALB-B2), quorate only when every voting organisation is represented (ALB-B3), consensus
first then majority (ALB-B4), substitutes from the same organisation (ALB-B5).
"""

from __future__ import annotations

from core import hookimpl
from core.rules import Rulebook

NAME = "albertslund"
rule = Rulebook(NAME)


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


@hookimpl
def describe_rules(body):
    """The kommissorium page: what this plugin (and the tenant file) enforce for the body."""
    from core.rules.types import RuleDescription

    tenant_file = f"tenants/{body.tenant}.toml"

    def r(clause, da, en, source=NAME):
        return RuleDescription(clause, da, en, source)

    out = []
    if body.period_start and body.period_end:
        out.append(r("ALB-0",
                     f"Helhedsplanen ABC løber fra {body.period_start:%d.%m.%Y} til {body.period_end:%d.%m.%Y}.",
                     f"The ABC plan runs from {body.period_start} to {body.period_end}.", tenant_file))
    if body.kind == "board":
        out += [
            r("ALB-B1", "Bestyrelsen består af formændene for VA's, AB's og AKB's organisationsbestyrelser, "
                        "direktøren for BO-VEST, kundedirektøren i KAB, forretningsføreren for AKB Hedemarken, "
                        "borgmesteren og kommunaldirektøren samt tre medlemmer uden stemmeret.",
              "The board: the chairs of VA, AB and AKB, BO-VEST's director, KAB's customer director, "
              "AKB Hedemarken's business manager, the mayor and the municipal director, and three "
              "non-voting members.", tenant_file),
            r("ALB-B6", "BO-VEST er mødeleder.", "BO-VEST leads the meetings.", tenant_file),
            r("ALB-B7", "Bestyrelsen og sekretariatet kan indkalde til ekstraordinære møder; et enkelt medlem kan ikke.",
              "The board and the secretariat may call extraordinary meetings; a single member may not."),
            r("ALB-B10", "Faste punkter: status på projektet, opfølgning på aftaler, budgetopfølgning hvert halve år, "
                         "mål og succeskriterier hvert år, indkomne indstillinger og nyt fra parterne.",
              "Standing items: status, follow-up, budget every half year, goals yearly, incoming "
              "recommendations, news from the parties."),
            r("ALB-B11", "Person- og personalesager behandles under tavshedspligt som lukkede punkter og udelades "
                         "af det offentlige referat.",
              "Person and personnel matters are confidential and left out of the public minutes.", "core"),
            r("ALB-B12", "Bestyrelsen behandler indstillinger fra de tre ressourcegrupper og fra sekretariatet.",
              "The board handles recommendations from the three resource groups and the secretariat."),
        ]
    if body.kind == "resource_group":
        out += [
            r("ALB-R1", "Ressourcegruppen er rådgivende og træffer ikke beslutninger; dens indstillinger går "
                        "via sekretariatet til bestyrelsen.",
              "Advisory: no decisions; recommendations go to the board via the secretariat."),
            r("ALB-R5", "Gruppen kan invitere gæster (andre parter) til temadrøftelser på et enkelt punkt.",
              "The group may invite guests to theme discussions on one item.", "core"),
            r("ALB-R6", "Person- og personalesager behandles under tavshedspligt og udelades af det offentlige referat.",
              "Person and personnel matters are confidential, as in the board.", "core"),
        ]
    if body.kind == "steering_group":
        out += [
            r("ALB-S1", "Styregruppen består af 2 repræsentanter for de lokale afdelingsbestyrelser, den lokale "
                        "driftsleder, 1-2 kommunale repræsentanter og en boligsocial medarbejder som sekretær; "
                        "andre kan inviteres.",
              "Two tenant-board representatives, the operations manager, 1-2 municipal representatives, "
              "a housing-social secretary.", tenant_file),
            r("ALB-S2", "Styregruppen beslutter kun på aktivitetsniveau inden for delaftalerne; en ændring af en "
                        "delaftale indstilles til den relevante ressourcegruppe.",
              "Decides at activity level only; a sub-agreement change is recommended to the resource group."),
            r("ALB-S4", "Der vælges en mødeleder på hvert møde, og referatet godkendes på det næste møde.",
              "A meeting leader is chosen at each meeting; minutes are approved at the next one."),
            r("ALB-S5", "Faste punkter: nyt fra kommunen, afdelingsbestyrelsen, driften og ABC; status på lokale "
                        "projekter; kommende aktiviteter; indstillinger til ressourcegrupperne.",
              "Standing items: news, local projects, coming activities, recommendations to the resource groups."),
            r("ALB-P1", "Vejen for et forslag: styregruppe → ressourcegruppe → bestyrelse, via sekretariatet.",
              "Route: steering group → resource group → board, via the secretariat."),
        ]
    return out
