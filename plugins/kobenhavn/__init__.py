"""København — boligsocial organisering 2019-2026 (seed 003).

A district board decides only on the plans of its own districts (KBH-4), and only the
housing organisations in a plan's grant vote on its adjustment (KBH-5). Each plan of a
district board has exactly one grant, i.e. one strategic agreement (KBH-10), checked when
the tenant file is read. No stand-ins (KBH-6) and a mandate delegated for one year at a
time (KBH-7) are building blocks in tenants/kobenhavn.toml.
"""

from __future__ import annotations

from core import hookimpl
from core.rules import Problem, Rulebook
from core.rules.types import VoteUnit

NAME = "kobenhavn"
rule = Rulebook(NAME)


def _grants(body) -> dict[str, list[str]]:
    return {g["plan"]: list(g["organisations"]) for g in body.extra.get("grants", [])}


@hookimpl
def validate_body(body):
    # KBH-10: one strategic agreement per grant/plan: every plan of a district board has
    # exactly one grant entry (the organisations that signed its strategic agreement).
    if body.kind != "district_board":
        return []
    problems = []
    plans = list(body.extra.get("plans", []))
    granted = [g.get("plan") for g in body.extra.get("grants", [])]
    for plan in sorted({p for p in granted if granted.count(p) > 1}):
        problems.append(Problem(
            "extra", "grants",
            f"{plan} har mere end én bevilling; der er én strategisk samarbejdsaftale pr. bevilling",
            "KBH-10", NAME,
        ))
    for plan in plans:
        if plan not in granted:
            problems.append(Problem(
                "extra", "grants",
                f"{plan} mangler sin bevilling (én strategisk samarbejdsaftale pr. plan)",
                "KBH-10", NAME,
            ))
    # KBH-8: every housing organisation with a department in a plan of the district sits on
    # its board, so an organisation in a grant (KBH-5) holds a seat on it.
    seated = {s.organisation for s in body.seats}
    for g in body.extra.get("grants", []):
        unseated = [o for o in g.get("organisations", []) if o not in seated]
        if unseated:
            problems.append(Problem(
                "extra", "grants",
                f"{', '.join(unseated)} indgår i bevillingen til {g.get('plan')} men har ingen plads "
                "i bydelsbestyrelsen; hver boligorganisation i bydelens planer er medlem",
                "KBH-8", NAME,
            ))
    for plan in granted:
        if plan not in plans:
            problems.append(Problem(
                "extra", "grants", f"bevillingen til {plan} hører ikke til en af bydelens planer",
                "KBH-10", NAME,
            ))
    return problems


@hookimpl
def body_competence(body, matter):
    if body.kind != "district_board":
        return None
    plans = _grants(body)
    districts = set(body.extra.get("districts", []))
    if matter.plan is not None and matter.plan not in plans:
        return rule.refuse(
            "KBH-4",
            f"{body.name} beslutter kun om helhedsplanerne i sine bydele; {matter.plan} hører ikke hertil.",
            f"{body.name} decides only on the plans of its own districts; {matter.plan} is not one.",
        )
    if matter.district is not None and matter.district not in districts:
        return rule.refuse(
            "KBH-4",
            f"{body.name} beslutter kun i bydelene {', '.join(sorted(districts))}.",
            f"{body.name} decides only in its districts.",
        )
    return rule.allow("KBH-4", "Sagen hører under bydelsbestyrelsens helhedsplaner.", "Within the district's plans.")


@hookimpl
def vote_units(body, attendees, matter):
    if body.kind != "district_board" or matter.plan is None:
        return None
    # KBH-5: "det udelukkende er de boligorganisationer, som indgår i den konkrete
    # bevilling, der har beslutningskompetence i forhold til justeringer af disse": only
    # the housing organisations in the plan's grant vote on its adjustment. The municipal
    # administrations take part and speak, but do not vote on it.
    granted = set(_grants(body).get(matter.plan, []))
    units = []
    for a in attendees:
        if not a.is_voting:
            continue
        eligible = a.organisation in granted
        units.append(VoteUnit(
            key=f"seat:{a.seat_key}",
            label=a.organisation,
            weight=a.weight,
            eligible=eligible,
            casters=frozenset([a.person]) if a.person else frozenset(),
            clause="KBH-5",
            source=NAME,
            reason=(
                f"Indgår i bevillingen for {matter.plan}." if eligible
                else f"Indgår ikke i bevillingen for {matter.plan}." if a.organisation in _housing(body)
                else f"Kommunal forvaltning: deltager og har taleret, men kun boligorganisationerne i "
                     f"bevillingen for {matter.plan} stemmer om justeringen."
            ),
        ))
    return units


def _housing(body) -> set[str]:
    """Every housing organisation in one of the district's grants."""
    return {o for g in _grants(body).values() for o in g}

from plugins.kobenhavn.proposals import proposal_route  # noqa: F401


@hookimpl
def describe_rules(body):
    """The kommissorium page: what this plugin (and the tenant file) enforce for the body."""
    from core.rules.types import RuleDescription

    tenant_file = f"tenants/{body.tenant}.toml"

    def r(clause, da, en, source=NAME):
        return RuleDescription(clause, da, en, source)

    if body.kind == "forum":
        return [
            r("KBH-1", "Samarbejdsforum er strategisk og byomfattende og anbefaler vinkler til "
                       "bydelsbestyrelserne, som hver beslutter for sine egne bydele.",
              "Strategic and city-wide; recommends to the district boards."),
        ]
    if body.kind == "district_board":
        plans = ", ".join(body.extra.get("plans", []))
        return [
            r("KBH-3", "En af tre bydelsbestyrelser; 3 møder om året.", "One of three district boards; 3 meetings a year.",
              tenant_file),
            r("KBH-4", f"Bydelsbestyrelsen beslutter konkrete ændringer af helhedsplanerne i sine bydele og kun dér "
                       f"({plans}).",
              "Decides on the plans of its own districts only."),
            r("KBH-5", "Ved justering af en helhedsplan har kun boligorganisationerne i den konkrete bevilling "
                       "beslutningskompetence; forvaltningerne deltager og har taleret, men stemmer ikke.",
              "Only the housing organisations in the plan's grant decide its adjustment."),
            r("KBH-8", "Medlemmer: én fra hver af SOF Voksen, SOF BBU, BUF, BIF, ØKF, TMF og KFF og hver "
                       "boligorganisation med en afdeling i en af bydelens helhedsplaner; Boligsocialt Sekretariat "
                       "København skriver referat; oplægsholdere kan inviteres til enkelte punkter.",
              "The seven administrations and the housing organisations of its plans; the secretariat "
              "writes the minutes.", tenant_file),
            r("KBH-10", "Der er én strategisk samarbejdsaftale pr. bevilling: hver helhedsplan har præcis én bevilling.",
              "One strategic agreement per grant: every plan has exactly one grant."),
        ]
    if body.kind == "local_group":
        return [r("KBH-9", "Den lokale styre-/følgegruppe følger planens implementering, mødes så ofte den selv "
                           "beslutter og indstiller til bydelsbestyrelsen i sin bydel.",
                  "Follows the plan locally, meets as often as it decides, recommends to its district board.")]
    return []
