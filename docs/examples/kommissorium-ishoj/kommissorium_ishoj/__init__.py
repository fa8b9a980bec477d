"""Ishøj (example) — a boligsocial board with weighted votes and two thirds for budgets.

ISH-1 weighted votes per organisation; ISH-2 two thirds of the weighted votes cast for
budget items; ISH-3 quorate with more than half the voting weight present; ISH-4 only the
chair's organisation may send a substitute, ISH-5 and only with a power of attorney
registered before the meeting starts; ISH-6 never quorate without the municipality; ISH-7
a mandate is delegated for at most a year, to a named person, registered before the
meeting it is used at; ISH-8 on a tie the chair's vote decides (not in a secret ballot);
ISH-9 an organisation whose representative is disqualified on an item does not vote on it;
ISH-10 a written procedure is decided by two thirds of the voting weight with no objection.
ISH-11 (the minutes approved tacitly within 5 days of their sending) is in tenant.toml.
Facts (who sits where, the weights) are in tenant.toml.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from core import hookimpl
from core.rules import (
    Choice,
    Rulebook,
    Tally,
    Verdict,
    VoteUnit,
    WrittenOutcome,
    no_vote_when_disqualified,
    share_of_votes_cast,
)

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
    # ISH-6: the municipality (the tenant's own, as the platform knows it) must be present.
    municipality = next((u for u in units if u.key == f"org:{body.municipality}"), None)
    if municipality is not None and not municipality.present:
        return Verdict(
            False, f"Ikke beslutningsdygtig: {body.municipality} var ikke til stede; kommunen skal "
            "være til stede (ISH-6).", "ISH-6", NAME,
            f"Not quorate: {body.municipality} was not present; the municipality must be (ISH-6).")
    total = sum(u.weight for u in units if u.eligible)
    present = sum(u.weight for u in units if u.eligible and u.present)
    ok = present * 2 > total
    word, word_en = ("Beslutningsdygtig", "Quorate") if ok else ("Ikke beslutningsdygtig", "Not quorate")
    return Verdict(
        ok,
        f"{word}: {present} af {total} stemmevægte var til stede (mere end halvdelen kræves, ISH-3).",
        "ISH-3", NAME,
        f"{word_en}: {present} of {total} voting weight present (more than half is required, ISH-3).",
    )


@hookimpl
def tally(body, matter, units, ballots):
    if "budget" in matter.topics:
        return share_of_votes_cast(
            units, ballots, share=Fraction(2, 3), clause="ISH-2", source=NAME,
            label="to tredjedele af de afgivne stemmevægte", label_en="two thirds of the weighted votes cast",
        )
    return _casting_vote(body, matter, units, ballots)


def _casting_vote(body, matter, units, ballots):
    """ISH-8: on a tie the chair's organisation's vote decides. The rule sees whose ballot
    is whose only in an open vote; in a secret ballot the units are anonymous (``ballot:<n>``),
    so there is no casting vote and the core's count answers (a tie fails)."""
    if not _weights(body) or matter.majority != "simple":
        return None
    counted = share_of_votes_cast(units, ballots, clause="ISH-8", source=NAME)
    yes, no = counted.counts.get("yes", 0), counted.counts.get("no", 0)
    chair = next((s.organisation for s in body.seats if s.role == "chair"), None)
    casting = next((b for b in ballots if b.unit == f"org:{chair}"), None)
    if yes != no or yes == 0 or casting is None or casting.choice is Choice.ABSTAIN:
        return None
    passed = casting.choice is Choice.YES
    word, word_en = ("for", "for") if passed else ("imod", "against")
    return Tally(
        passed, counted.counts,
        f"Stemmelighed ({yes} mod {no}): formandens organisation, {chair}, stemte {word}, og "
        "formandens stemme er afgørende (ISH-8).", "ISH-8", NAME,
        f"A tie ({yes} to {no}): the chair's organisation, {chair}, voted {word_en}, and the "
        "chair's vote decides (ISH-8).")


@hookimpl
def substitute_allowed(body, seat, substitute_organisations, meeting, requested_at):
    chair_orgs = {s.organisation for s in body.seats if s.role == "chair"}
    if seat.organisation not in chair_orgs or seat.organisation not in substitute_organisations:
        return rule.refuse("ISH-4", "Kun formandens organisation kan sende en suppleant.",
                           "Only the chair's organisation may send a substitute.")
    # ISH-5: registering the substitute is the power of attorney; it must come first.
    if meeting is not None and requested_at is not None and requested_at >= meeting.starts_at:
        return rule.refuse(
            "ISH-5", "En suppleant kan kun møde med en fuldmagt, der er registreret, før mødet "
            f"begynder ({meeting.starts_at:%d.%m.%Y %H:%M} UTC).",
            "A substitute may attend only with a power of attorney registered before the "
            f"meeting starts ({meeting.starts_at:%Y-%m-%d %H:%M} UTC).")
    return rule.allow("ISH-4", "Formandens organisation kan sende en suppleant med fuldmagt.",
                      "The chair's organisation may send a substitute with a power of attorney.")


@hookimpl
def delegation_allowed(body, seat, delegation, meeting):
    # ISH-7: for at most a year, to a named person, registered before the meeting it is used at.
    if delegation.to_person is None:
        return rule.refuse("ISH-7", "Et mandat lægges hos en navngiven person.",
                           "A mandate is delegated to a named person.")
    if (delegation.ends_on - delegation.starts_on).days > 365:
        return rule.refuse("ISH-7", "Et mandat lægges for højst et år ad gangen.",
                           "A mandate is delegated for a year at most.")
    if (meeting is not None and delegation.registered_at is not None
            and delegation.registered_at >= meeting.starts_at):
        return rule.refuse(
            "ISH-7", f"Mandatet blev registreret {delegation.registered_at:%d.%m.%Y %H:%M} UTC, "
            "efter mødets begyndelse; det gælder fra næste møde.",
            f"The mandate was registered at {delegation.registered_at:%Y-%m-%d %H:%M} UTC, after "
            "the meeting began; it holds from the next meeting.")
    return rule.allow("ISH-7", f"{delegation.from_organisation}s mandat er lagt hos "
                      f"{delegation.to_person} ({delegation.to_organisation}).",
                      f"{delegation.from_organisation}'s mandate lies with {delegation.to_person} "
                      f"({delegation.to_organisation}).")


@hookimpl
def written_procedure_outcome(body, matter, units, answers, deadline_passed):
    """ISH-10: a written procedure is decided when the units that agree hold at least two
    thirds of the voting weight and nobody objects; it is settled at the deadline, or sooner
    once every unit has answered (an objection waits for the others too, as in the core)."""
    if not _weights(body):
        return None
    eligible = [u for u in units if u.eligible]
    total = sum(u.weight for u in eligible)
    choice = {a.unit: a.choice for a in answers}
    agree = sum(u.weight for u in eligible if choice.get(u.key) == "agree")
    objecting = [u.label for u in eligible if choice.get(u.key) == "object"]
    everyone = all(u.key in choice for u in eligible)
    if not (deadline_passed or everyone):
        return WrittenOutcome(
            False, False, f"{agree} af {total} stemmevægte har erklæret sig enige; fristen afventes (ISH-10).",
            "ISH-10", NAME, f"{agree} of {total} voting weight agreed; the deadline is awaited (ISH-10).")
    if objecting:
        return WrittenOutcome(
            True, False, f"Ikke besluttet: {', '.join(objecting)} gjorde indsigelse (ISH-10).", "ISH-10", NAME,
            f"Not decided: {', '.join(objecting)} objected (ISH-10).")
    decided = agree * 3 >= total * 2
    verb, verb_en = ("Besluttet", "Decided") if decided else ("Ikke besluttet", "Not decided")
    return WrittenOutcome(
        True, decided,
        f"{verb}: {agree} af {total} stemmevægte erklærede sig enige, og to tredjedele kræves (ISH-10).",
        "ISH-10", NAME,
        f"{verb_en}: {agree} of {total} voting weight agreed, and two thirds are required (ISH-10).")


@hookimpl
def disqualification_effect(body, matter, unit):
    """ISH-9: an organisation whose representative is disqualified (inhabil) on an item does
    not vote on it, not even through its other representative; the core would let the other
    one vote (CORE-DISQUALIFIED)."""
    if not _weights(body):
        return None
    return no_vote_when_disqualified(
        unit, clause="ISH-9", source=NAME,
        reason=f"{unit.label}s repræsentant er inhabil, og organisationen stemmer ikke om punktet (ISH-9).",
        reason_en=f"{unit.label}'s representative is disqualified, and the organisation does not vote "
                  "on the item (ISH-9).")
