"""Vejle — BolivVejle (seed 004).

Theme groups and FKU prepare, BPU decides (VEJ-6); FKU has at most 8 seats besides the
head of the joint secretariat (VEJ-2); a proposal goes theme group → hearing → theme
group → FKU → BPU, and a decision of principle then to the city council and the
organisations' boards (VEJ-6, VEJ-1). An area group informs FKU and sends its minutes to
the joint secretariat; its proposal goes to the relevant theme group (or straight to FKU)
and on to BPU (VEJ-7). Every body sets goals and success criteria in year 1 and evaluates
them yearly (VEJ-9).
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
            f"organet har {len(counted)}",
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


def _forum_of(body, bodies):
    """The forum a body's proposal goes to: the body it reports to where that is a forum
    (its ``parent``, which the secretariat may change), else FKU."""
    parent = next((b for b in bodies if b.key == body.parent), None)
    if parent is not None and parent.kind == "forum":
        return parent.key
    return next((b.key for b in bodies if b.key == "fku"), _key_of_kind(bodies, "forum"))


def _committee_of(forum, bodies):
    """The committee that decides: the one the forum reports to, else the tenant's
    political committee (BPU)."""
    f = next((b for b in bodies if b.key == forum), None)
    parent = next((b for b in bodies if f is not None and b.key == f.parent), None)
    if parent is not None and parent.kind == "political_committee":
        return parent.key
    return _key_of_kind(bodies, "political_committee")


def _area_group_route(body, matter, bodies):
    """VEJ-7: an area group coordinates locally and keeps FKU informed; what it proposes
    goes to the theme group whose field it touches (a topic naming the group, e.g.
    ``boligsocial``), otherwise straight to FKU, and from FKU to BPU, which decides."""
    fku = _forum_of(body, bodies)
    bpu = _committee_of(fku, bodies)
    theme = next(
        (b for b in bodies if b.kind == "theme_group"
         and (b.key in matter.topics or b.key.removeprefix("temagruppe-") in matter.topics)),
        None,
    )
    steps = []
    if theme is not None:
        steps.append(RouteStep("body", theme.key, "forward", clause="VEJ-7"))
    steps += [RouteStep("body", fku, "forward", clause="VEJ-7"),
              RouteStep("body", bpu, "decide", clause="VEJ-6")]
    via = f"{theme.name} og derfra til FKU" if theme is not None else "FKU"
    return Route(
        tuple(steps),
        f"{body.name} koordinerer lokalt og holder FKU orienteret; et forslag fra gruppen "
        f"går til {via}, som lægger det frem for Boligpolitisk udvalg, der beslutter.",
        "VEJ-7",
        NAME,
    )


@hookimpl
def proposal_route(body, matter, bodies):
    if body.kind == "area_group":
        return _area_group_route(body, matter, bodies)
    if body.kind != "theme_group":
        return None
    # VEJ-6: the group's proposal goes to the forum it reports to (FKU) and on to the
    # committee that forum reports to (BPU): the bodies of the route are the tenant's facts.
    fku = _forum_of(body, bodies)
    bpu = _committee_of(fku, bodies)
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


@hookimpl
def standing_items(body, meeting_number, year):
    # VEJ-9: every body sets its goals and success criteria in year 1 of the plan period and
    # evaluates them every year after, at its first meeting of the year.
    from core.rules.types import ItemKind, StandingItem

    if meeting_number != 1 or body.period_start is None or year < body.period_start.year:
        return []
    if year == body.period_start.year:
        return [StandingItem(f"Mål og succeskriterier for {body.name}", ItemKind.DECISION, "VEJ-9", NAME)]
    return [StandingItem(
        f"Årlig evaluering af mål og succeskriterier ({year - 1})", ItemKind.DISCUSSION, "VEJ-9", NAME,
    )]


@hookimpl
def describe_rules(body):
    """The kommissorium page: what this plugin (and the tenant file) enforce for the body."""
    from core.rules.types import RuleDescription

    tenant_file = f"tenants/{body.tenant}.toml"

    def r(clause, da, en, source=NAME):
        return RuleDescription(clause, da, en, source)

    out = []
    if body.kind == "political_committee":
        out += [
            r("VEJ-1", "Boligpolitisk udvalg har det overordnede strategiske ansvar og beslutter; en principiel "
                       "beslutning behandles derefter i byrådet og i boligorganisationernes bestyrelser.",
              "BPU decides; a decision of principle goes on to the city council and the boards."),
            r("VEJ-3", "Fællessekretariatet betjener udvalget med mødeindkaldelser og referater.",
              "The joint secretariat serves the committee.", tenant_file),
        ]
    if body.kind == "forum":
        out += [
            r("VEJ-2", f"FKU har højst {FKU_MAX_SEATS} pladser ud over fællessekretariatets leder, ligeligt fordelt "
                       "mellem boligorganisationer og kommune plus én fra hver temagruppe; kommunen er formand.",
              "At most 8 seats besides the head of the secretariat; the Kommune chairs."),
            r("VEJ-6", "FKU forbereder og lægger temagruppernes forslag frem for Boligpolitisk udvalg; FKU "
                       "beslutter ikke selv.",
              "FKU prepares and forwards to BPU; it does not decide."),
        ]
    if body.kind in ("secretariat", "executive_committee"):
        out.append(r("VEJ-3", "Fællessekretariatet betjener BPU og temagrupperne, holder en årlig konference og har "
                              "et forretningsudvalg med 2 fra boligorganisationerne og 1 fra kommunen.",
                     "The joint secretariat serves BPU and the theme groups; an executive committee of 2 + 1.",
                     tenant_file))
    if body.kind == "theme_group":
        out += [
            r("VEJ-4", "Medlemmerne vælges af deres organisationer, og formandsposten kan gå på skift.",
              "Members are chosen by their organisations; the chair may rotate.", tenant_file),
            r("VEJ-5", "Alle i BolivVejle kan rejse et emne i temagruppen, også uden at være medlem.",
              "Anyone in BolivVejle may raise a topic, member or not."),
            r("VEJ-6", "Temagruppen udarbejder forslag, som sendes i høring i boligorganisationerne og kommunen, "
                       "behandles igen i gruppen, går til FKU og derfra til Boligpolitisk udvalg, som beslutter.",
              "Proposal → hearing → theme group → FKU → BPU, which decides."),
        ]
    if body.kind == "area_group":
        out.append(r("VEJ-7", "Områdegruppen koordinerer lokalt, sender sine referater til Fællessekretariatet og "
                              "holder FKU orienteret; et forslag går via den relevante temagruppe eller FKU til "
                              "Boligpolitisk udvalg.",
                     "Coordinates locally, sends minutes to the joint secretariat, informs FKU; proposals go "
                     "via a theme group or FKU to BPU."))
    if body.kind in ("steering_group", "sub_group"):
        out.append(r("VEJ-8", "Løget har én fælles styregruppe med en social og en fysisk undergruppe; hvert møde "
                              "har en fælles del og derefter undergrupperne; referater af alle tre går til alle.",
                     "One joint steering group with two sub-groups; minutes of all three go to all members.",
                     tenant_file))
    out.append(r("VEJ-9", "Organet fastsætter sine mål og succeskriterier i år 1 og evaluerer dem hvert år; "
                          "punktet kommer på årets første møde.",
                 "Goals and success criteria in year 1, evaluated yearly, at the year's first meeting."))
    return out
