"""Slagelse — kommissorium for den boligsociale bestyrelse 2017-2021 (seed 001).

Dissent on request (SLA-6), extraordinary meetings (SLA-7), standing items (SLA-10). One
vote per housing organisation and one for the Kommune (SLA-4) and "no objection" (SLA-5)
are building blocks in tenants/slagelse.toml.
"""

from __future__ import annotations

from core import hookimpl
from core.rules import Rulebook

NAME = "slagelse"
rule = Rulebook(NAME)


@hookimpl
def dissent_allowed(body, matter):
    if body.kind != "board":
        return None
    return rule.allow("SLA-6", "Et medlems særstandpunkt føres til referat, når medlemmet beder om det.",
                      "A member's dissent is recorded in the minutes on request.")


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
        if caller.supporters * 2 <= caller.members:
            return rule.refuse(
                "SLA-7",
                f"Et ekstraordinært møde på medlemmernes vegne kræver et flertal af medlemmerne: "
                f"{caller.supporters} af {caller.members} står bag.",
                f"An extraordinary meeting on the members' behalf needs a majority of the members: "
                f"{caller.supporters} of {caller.members} back it.",
            )
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


@hookimpl
def describe_rules(body):
    """The kommissorium page: what this plugin (and the tenant file) enforce for the body."""
    from core.rules.types import RuleDescription

    tenant_file = f"tenants/{body.tenant}.toml"

    def r(clause, da, en, source=NAME):
        return RuleDescription(clause, da, en, source)

    if body.kind == "board":
        return [
            r("SLA-1", "Bestyrelsen har 6 medlemmer: én fra ledelsen i hver af de fem boligorganisationer og én "
                       "fra Slagelse Kommunes direktion.",
              "Six members: one from each housing organisation's management and one from the Kommune.", tenant_file),
            r("SLA-2", "Et formandskab af to direktører, fra en boligorganisation og fra kommunen, forbereder og "
                       "leder møderne.",
              "A chairmanship of two directors prepares and leads the meetings.", tenant_file),
            r("SLA-3", "Kompetencechefen er sekretær, skriver referatet og indkalder sammen med formandskabet "
                       "med faste punkter.",
              "The competence chief is secretary, writes the minutes and sends out invitations.", tenant_file),
            r("SLA-6", "Et medlems særstandpunkt føres til referat, når medlemmet beder om det.",
              "A member's dissent is recorded in the minutes on request."),
            r("SLA-7", "Ekstraordinært møde holdes, når formanden, et flertal af medlemmerne eller kompetencechefen "
                       "beder om det; næste års mødedatoer aftales på årets sidste møde.",
              "Extraordinary meetings at the request of the chair, a majority or the competence chief; "
              "next year's dates at the year's last meeting."),
            r("SLA-10", "Bestyrelsen godkender ændringer af delaftaler og afgør konflikter; økonomi er fast punkt, "
                        "og én gang om året følges der op på LBF-portalens indikatorer og succeskriterierne.",
              "Approves sub-agreement changes; economy is a standing item; yearly follow-up on the LBF indicators."),
            r("SLA-11", "De lokale følgegrupper indstiller til bestyrelsen, som beslutter.",
              "The local follow groups recommend to the board, which decides."),
            r("SLA-12", "Bestyrelsen godkender koordinationsgruppens kommissorium.",
              "The board approves the coordination group's kommissorium."),
            r("SLA-13", "Ad hoc-deltagere kan inviteres til enkelte punkter.",
              "Ad hoc participants may be invited to specific items.", "core"),
        ]
    if body.kind == "follow_group":
        return [r("SLA-11", "Følgegruppen koordinerer lokalt og indstiller til den boligsociale bestyrelse, som beslutter.",
                  "The follow group coordinates locally and recommends to the board, which decides.")]
    if body.kind == "coordination_group":
        return [r("SLA-12", "Koordinationsgruppen (4 centerchefer, 2 fra politiet, kompetencechefen som leder) har sit "
                            "eget kommissorium, som bestyrelsen godkender; gruppens indstillinger går til bestyrelsen.",
                  "The coordination group has its own kommissorium, approved by the board; its proposals go "
                  "to the board.")]
    return []
