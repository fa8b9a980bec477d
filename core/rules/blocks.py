"""Rule building blocks: small pure functions a plugin composes instead of rewriting.

One vote per organisation is a common rule of kommissorier (the plugins cite their own clause): each
plugin calls :func:`one_vote_per_organisation` with its own clause.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

from core.rules.types import (
    Attendee,
    Ballot,
    Choice,
    DisqualificationEffect,
    Matter,
    Tally,
    Verdict,
    VoteUnit,
)


def one_vote_per_seat(
    attendees: Sequence[Attendee], *, clause: str | None = "CORE-UNITS", source: str = "core"
) -> list[VoteUnit]:
    """One unit per voting seat, cast by whoever fills the seat."""
    return [
        VoteUnit(
            key=f"seat:{a.seat_key}",
            label=a.seat_key,
            weight=a.weight,
            casters=frozenset([a.person]) if a.person else frozenset(),
            clause=clause,
            reason="Én stemme pr. stemmeberettiget plads.",
            source=source,
        )
        for a in attendees
        if a.is_voting
    ]


def one_vote_per_organisation(
    attendees: Sequence[Attendee],
    *,
    clause: str,
    voting_organisations: Iterable[str] | None = None,
    eligible_organisations: Iterable[str] | None = None,
    eligibility_clause: str | None = None,
    source: str = "core",
) -> list[VoteUnit]:
    """One unit per organisation however many of its members are present.

    :param voting_organisations: the organisations that hold a vote; by default those
        with at least one voting seat.
    :param eligible_organisations: when given, only these may vote on the matter (a
        plan's grant); the others are listed as ineligible units.
    :param source: the plugin giving the units (its name), for the outcome's provenance.
    """
    if voting_organisations is None:
        voting = list(dict.fromkeys(a.organisation for a in attendees if a.is_voting))
    else:
        voting = list(voting_organisations)
    eligible = None if eligible_organisations is None else set(eligible_organisations)
    units = []
    for org in voting:
        casters = frozenset(
            a.person for a in attendees if a.organisation == org and a.is_voting and a.person
        )
        is_eligible = eligible is None or org in eligible
        units.append(
            VoteUnit(
                key=f"org:{org}",
                label=org,
                eligible=is_eligible,
                casters=casters,
                clause=clause if is_eligible else (eligibility_clause or clause),
                reason=(
                    "Én stemme pr. organisation, uanset antal fremmødte."
                    if is_eligible
                    else "Organisationen indgår ikke i bevillingen og har ikke beslutningskompetence."
                ),
                source=source,
            )
        )
    return units


def _eligible(units: Sequence[VoteUnit]) -> list[VoteUnit]:
    return [u for u in units if u.eligible]


def majority_of_units_present(
    units: Sequence[VoteUnit], *, clause: str | None = "CORE-QUORUM", source: str = "core"
) -> Verdict:
    """Quorate when more than half of the eligible units are present."""
    eligible = _eligible(units)
    present = [u for u in eligible if u.present]
    ok = len(present) * 2 > len(eligible)
    word = "Beslutningsdygtig" if ok else "Ikke beslutningsdygtig"
    word_en = "Quorate" if ok else "Not quorate"
    return Verdict(
        ok,
        f"{word}: {len(present)} af {len(eligible)} stemmeberettigede var til stede "
        f"(flertal kræves).",
        clause,
        source,
        f"{word_en}: {len(present)} of {len(eligible)} voting units present (a majority is "
        f"required).",
    )


def all_units_present(units: Sequence[VoteUnit], *, clause: str, source: str) -> Verdict:
    """Quorate only when every eligible unit is represented (CORE-QUORUM)."""
    eligible = _eligible(units)
    missing = [u.label for u in eligible if not u.present]
    if not missing:
        return Verdict(
            True,
            f"Beslutningsdygtig: alle {len(eligible)} stemmeberettigede organisationer var "
            f"repræsenteret ({clause}).",
            clause,
            source,
            f"Quorate: all {len(eligible)} voting organisations were represented ({clause}).",
        )
    return Verdict(
        False,
        f"Ikke beslutningsdygtig: {', '.join(missing)} var ikke repræsenteret; alle "
        f"{len(eligible)} stemmeberettigede organisationer skal være til stede ({clause}).",
        clause,
        source,
        f"Not quorate: {', '.join(missing)} not represented; all {len(eligible)} voting "
        f"organisations must be present ({clause}).",
    )


def share_of_votes_cast(
    units: Sequence[VoteUnit],
    ballots: Sequence[Ballot],
    *,
    share: Fraction = Fraction(1, 2),
    clause: str | None = "CORE-MAJORITY",
    source: str = "core",
    label: str = "simpelt flertal",
    label_en: str = "a simple majority",
) -> Tally:
    """Passed when the weighted yes votes are more than ``share`` of the weighted yes and
    no votes cast (abstentions do not count). ``share=1/2`` is a simple majority, where a
    tie fails; ``share=2/3`` needs at least two thirds (``>=``)."""
    weight = {u.key: u.weight for u in units if u.eligible}
    counts = {c.value: 0 for c in Choice}
    for b in ballots:
        if b.unit in weight:
            counts[b.choice.value] += weight[b.unit]
    yes, no = counts["yes"], counts["no"]
    cast = yes + no
    if share == Fraction(1, 2):
        passed = yes > no
    else:
        passed = cast > 0 and Fraction(yes, cast) >= share
    verb, verb_en = ("Vedtaget", "Adopted") if passed else ("Forkastet", "Rejected")
    return Tally(
        passed,
        counts,
        f"{verb}: {yes} for, {no} imod, {counts['abstain']} undlod at stemme ({label}).",
        clause,
        source,
        f"{verb_en}: {yes} for, {no} against, {counts['abstain']} abstained ({label_en}).",
    )


#: The shares a motion may require (a core option on the motion, read from ``Matter.majority``).
MAJORITIES = {
    "simple": (Fraction(1, 2), "simpelt flertal", "a simple majority"),
    "two_thirds": (Fraction(2, 3), "kvalificeret flertal (2/3)", "a two-thirds majority"),
}


def required_share(matter: Matter) -> dict:
    """The keyword arguments for :func:`share_of_votes_cast` that the matter's required
    majority gives: ``share``, ``label`` and ``label_en``."""
    share, label, label_en = MAJORITIES.get(matter.majority, MAJORITIES["simple"])
    return {"share": share, "label": label, "label_en": label_en}


def _unit_organisations(unit: VoteUnit, attendees: Sequence[Attendee]) -> set[str]:
    """The organisations a unit stands for: its own (``org:<code>``), its seat's
    (``seat:<key>``), or else those of the seats its casters fill."""
    kind, _, ref = unit.key.partition(":")
    if kind == "org":
        return {ref}
    own = [a for a in attendees if kind == "seat" and a.seat_key == ref]
    own = own or [a for a in attendees if a.person in unit.casters]
    return {a.organisation for a in own}


def vote_through_another_representative(
    unit: VoteUnit, attendees: Sequence[Attendee], disqualified: Iterable[str], *,
    clause: str | None = "CORE-DISQUALIFIED", source: str = "core",
) -> DisqualificationEffect:
    """A unit whose representative is disqualified (inhabil) on the matter votes through
    another representative of the same organisation who is present on a voting seat and not
    disqualified; with none, it does not vote on the matter, and the disqualified member
    does not count as present for its quorum (the unit stays among the eligible)."""
    disqualified = frozenset(disqualified)
    orgs = _unit_organisations(unit, attendees)
    others = frozenset(p for p in unit.casters if p not in disqualified) | frozenset(
        a.person for a in attendees
        if a.organisation in orgs and a.is_voting and a.person and a.person not in disqualified)
    if others:
        return DisqualificationEffect(
            others,
            "Stemmen afgives af en anden fremmødt repræsentant for samme organisation, som ikke "
            "er inhabil.",
            clause, source,
            "The vote is cast by another representative of the same organisation who is present "
            "and not disqualified.",
        )
    return DisqualificationEffect(
        frozenset(),
        "Ingen anden fremmødt repræsentant for organisationen er habil, så der stemmes ikke for "
        "den om punktet, og den inhabile tæller ikke som til stede.",
        clause, source,
        "No other representative of the organisation present is free of disqualification, so it "
        "does not vote on the item, and the disqualified member does not count as present.",
    )


def no_vote_when_disqualified(
    unit: VoteUnit, *, clause: str, source: str, reason: str, reason_en: str,
) -> DisqualificationEffect:
    """The unit does not vote on the matter at all once a representative of it is
    disqualified (a plugin's rule, e.g. an organisation may not vote through another
    representative); it is not present for the matter's quorum either."""
    return DisqualificationEffect(frozenset(), reason, clause, source, reason_en)
