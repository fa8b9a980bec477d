"""Ishøj (example) — a boligsocial board with weighted votes and two thirds for budgets.

ISH-1 weighted votes per organisation; ISH-2 two thirds of the weighted votes cast for
budget items; ISH-3 quorate with half the voting weight present; ISH-4 only the chair's
organisation may send a substitute. Facts (who sits where, the weights) are in tenant.toml.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from core import hookimpl
from core.rules import Rulebook, Verdict, VoteUnit, share_of_votes_cast

NAME = "ishoj"
rule = Rulebook(NAME)

#: The example tenant file shipped with the plugin.
TENANT_FILE = Path(__file__).with_name("tenant.toml")


def _weights(body) -> dict[str, int]:
    return {org: int(w) for org, w in body.extra.get("weights", {}).items()}


@hookimpl
def vote_units(body, attendees, matter):
    weights = _weights(body)
    if not weights:
        return None
    units = []
    for org, weight in weights.items():
        casters = frozenset(a.person for a in attendees if a.organisation == org and a.is_voting and a.person)
        units.append(VoteUnit(
            key=f"org:{org}", label=org, weight=weight, casters=casters, clause="ISH-1", source=NAME,
            reason=f"{org} vejer {weight} (antal husstande i planen).",
        ))
    return units


@hookimpl
def quorum(body, units, matter):
    if not _weights(body):
        return None
    total = sum(u.weight for u in units if u.eligible)
    present = sum(u.weight for u in units if u.eligible and u.present)
    ok = present * 2 >= total
    word, word_en = ("Beslutningsdygtig", "Quorate") if ok else ("Ikke beslutningsdygtig", "Not quorate")
    return Verdict(
        ok,
        f"{word}: {present} af {total} stemmevægte var til stede (mindst halvdelen kræves, ISH-3).",
        "ISH-3", NAME,
        f"{word_en}: {present} of {total} voting weight present (half is required, ISH-3).",
    )


@hookimpl
def tally(body, matter, units, ballots):
    if "budget" not in matter.topics:
        return None
    return share_of_votes_cast(
        units, ballots, share=Fraction(2, 3), clause="ISH-2", source=NAME,
        label="to tredjedele af de afgivne stemmevægte", label_en="two thirds of the weighted votes cast",
    )


@hookimpl
def substitute_allowed(body, seat, substitute_organisations):
    chair_orgs = {s.organisation for s in body.seats if s.role == "chair"}
    if seat.organisation in chair_orgs and seat.organisation in substitute_organisations:
        return rule.allow("ISH-4", "Formandens organisation kan sende en suppleant.",
                          "The chair's organisation may send a substitute.")
    return rule.refuse("ISH-4", "Kun formandens organisation kan sende en suppleant.",
                       "Only the chair's organisation may send a substitute.")
