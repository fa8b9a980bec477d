"""Outcomes and their explanations, computed from rule answers alone (no database).

The same function explains a closed motion and a dry run, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.rules import blocks
from core.rules.types import (
    Ballot,
    BodyFacts,
    Choice,
    Matter,
    Procedure,
    ProcedureChoice,
    Verdict,
    VoteUnit,
)

#: How a motion was decided.
BY_VOTE, BY_CONSENSUS, BY_NO_OBJECTION = "vote", "consensus", "no_objection"


@dataclass(frozen=True)
class Cast:
    """A ballot as the outcome sees it: the unit (None in a secret ballot), choice, weight."""

    unit: str | None
    choice: Choice
    weight: int = 1
    cast_by: str | None = None


def join_da(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def join_en(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def verdict_dict(v: Verdict | None) -> dict | None:
    return None if v is None else v.as_dict()


def _nouns(units: Sequence[VoteUnit]) -> tuple[str, str]:
    if units and all(u.key.startswith("org:") for u in units):
        return "organisationer", "organisations"
    return "stemmeberettigede", "voting members"


def unit_rows(units: Sequence[VoteUnit], names: Mapping[str, str], casts: Sequence[Cast],
              secret: bool, participants: set[str]) -> list[dict]:
    by_unit = {c.unit: c for c in casts if c.unit is not None}
    voted = participants
    rows = []
    for u in units:
        cast = by_unit.get(u.key)
        rows.append({
            "key": u.key,
            "label": u.label,
            "name": names.get(u.key, u.label),
            "weight": u.weight,
            "eligible": u.eligible,
            "present": u.present,
            "casters": sorted(u.casters),
            "voted": u.key in voted,
            "choice": None if secret or cast is None else cast.choice.value,
            "clause": u.clause,
            "reason": u.reason,
        })
    return rows


def disqualification_sentences(disqualifications: Sequence[Mapping]) -> tuple[str, str]:
    """The explanation's sentences on disqualification (CORE-DISQUALIFIED): who took no part
    in the item, and what the rule made of each unit they would have cast, with its clause."""
    da, en = [], []
    for d in disqualifications:
        people = list(d.get("people") or ())
        if not people:
            continue
        cite = f" ({d['clause']})" if d.get("clause") else ""
        verb_da, verb_en = ("var inhabile", "were disqualified") if len(people) > 1 else \
            ("var inhabil", "was disqualified")
        da.append(f"{join_da(people)} {verb_da} og deltog ikke i behandlingen af punktet; "
                  f"{d.get('name') or d['unit']}: {d['reason']}{cite}")
        en.append(f"{join_en(people)} {verb_en} and took no part in the item; "
                  f"{d.get('name') or d['unit']}: {d.get('reason_en') or d['reason']}{cite}")
    return " ".join(da), " ".join(en)


def compute_outcome(
    hooks,
    *,
    body: BodyFacts,
    matter: Matter,
    units: Sequence[VoteUnit],
    names: Mapping[str, str],
    procedure: ProcedureChoice,
    decided_by: str,
    casts: Sequence[Cast],
    quorum: Verdict,
    quorum_at_open: dict | None = None,
    quorum_at_voting: dict | None = None,
    objections: Sequence[str] = (),
    secret: bool = False,
    weighted: bool = False,
    weights_clause: str | None = None,
    competence: Verdict | None = None,
    participants: Sequence[str] | None = None,
    disqualifications: Sequence[Mapping] = (),
) -> dict:
    """The explained outcome: result, counts, how each unit voted, quorum, provenance and
    the explanation in Danish and English.

    :param units: the vote units at the close (with weights applied).
    :param names: display name per unit key.
    :param casts: the ballots; in a secret ballot their ``unit`` is None.
    :param quorum: the quorum rule's answer at the close.
    :param objections: display names of the units that objected (CORE-PROCEDURE).
    :param participants: the keys of the units that voted (needed for a secret ballot,
        whose casts name no unit).
    :param disqualifications: what disqualification did to the units it touched
        (``Situation.disqualifications``): said in the explanation, with the rule's clause
        (CORE-DISQUALIFIED).
    """
    if participants is None:
        participants = [c.unit for c in casts if c.unit is not None]
    participants = set(participants)
    eligible = [u for u in units if u.eligible]
    noun_da, noun_en = _nouns(eligible)
    provenance = [
        {"rule": "decision_procedure", "clause": procedure.clause, "source": procedure.source},
        {"rule": "vote_units", "clause": ", ".join(sorted({u.clause for u in units if u.clause})) or None,
         "source": ", ".join(sorted({u.source for u in units if u.source})) or None},
        {"rule": "quorum", "clause": quorum.clause, "source": quorum.source},
    ]
    if competence is not None:
        provenance.insert(0, {"rule": "body_competence", "clause": competence.clause,
                              "source": competence.source})
    if weighted:
        provenance.append({"rule": "vote_weights", "clause": weights_clause, "source": "tenant"})
    if disqualifications:
        provenance.append({
            "rule": "disqualification_effect",
            "clause": ", ".join(sorted({d["clause"] for d in disqualifications if d.get("clause")})) or None,
            "source": ", ".join(sorted({d["source"] for d in disqualifications if d.get("source")})) or None})
    dq_da, dq_en = disqualification_sentences(disqualifications)
    outcome = {
        "decided_by": decided_by,
        "procedure": {
            "procedure": procedure.procedure.value, "reason": procedure.reason,
            "clause": procedure.clause, "source": procedure.source,
        },
        "options": {"secret": secret, "weighted": weighted, "majority": matter.majority},
        "units": unit_rows(units, names, casts, secret, participants),
        "counts": None,
        "votes": None,
        "tally": None,
        "objections": list(objections),
        "quorum": {"at_open": quorum_at_open, "at_voting": quorum_at_voting,
                   "at_close": verdict_dict(quorum)},
        "provenance": provenance,
        "disqualifications": [dict(d) for d in disqualifications],
    }
    q_da, q_en = quorum.reason, quorum.reason_en or quorum.reason
    if dq_da:  # who took no part, and what it did to their units, before the quorum
        q_da, q_en = f"{dq_da} {q_da}", f"{dq_en} {q_en}"

    if not quorum.ok:
        outcome.update(result="not_quorate", passed=False, explanation={
            "da": f"Ikke afgjort: mødet var ikke beslutningsdygtigt, da forslaget blev afsluttet. {q_da}",
            "en": f"Not decided: the meeting was not quorate when the motion closed. {q_en}",
        })
        return outcome

    if decided_by in (BY_CONSENSUS, BY_NO_OBJECTION):
        present = [u for u in eligible if u.present]
        if decided_by == BY_CONSENSUS:
            da = (f"Vedtaget i konsensus: ingen af de {len(present)} fremmødte {noun_da} gjorde "
                  f"indsigelse ({procedure.clause}).")
            en = (f"Adopted by consensus: none of the {len(present)} {noun_en} present objected "
                  f"({procedure.clause}).")
        else:
            da = (f"Afgjort uden indsigelser: ingen gjorde indsigelse mod mødelederens konklusion "
                  f"({procedure.clause}).")
            en = (f"Decided without objection: nobody objected to the meeting leader's conclusion "
                  f"({procedure.clause}).")
        outcome.update(result="adopted", passed=True, explanation={"da": f"{da} {q_da}", "en": f"{en} {q_en}"})
        return outcome

    # A vote. In a secret ballot the tally sees one anonymous unit per ballot (with its
    # weight) beside the eligible units that did not vote, so it still knows how many could.
    if secret:
        voted_keys = participants
        tally_units = [VoteUnit(f"ballot:{i}", "hemmelig stemme", weight=c.weight)
                       for i, c in enumerate(casts)]
        tally_ballots = [Ballot(f"ballot:{i}", c.choice) for i, c in enumerate(casts)]
        tally_units += [u for u in eligible if u.key not in participants]
    else:
        voted_keys = {c.unit for c in casts}
        tally_units = list(units)
        tally_ballots = [Ballot(c.unit, c.choice, c.cast_by) for c in casts]
    tally = hooks.tally(body=body, matter=matter, units=tally_units, ballots=tally_ballots)
    provenance.append({"rule": "tally", "clause": tally.clause, "source": tally.source})
    counts = {k: int(v) for k, v in tally.counts.items()}
    yes, no, abstain = counts.get("yes", 0), counts.get("no", 0), counts.get("abstain", 0)
    outcome.update(
        result="adopted" if tally.passed else "rejected",
        passed=bool(tally.passed),
        counts=counts,
        tally={"passed": bool(tally.passed), "reason": tally.reason,
               "reason_en": tally.reason_en or tally.reason, "clause": tally.clause,
               "source": tally.source},
    )
    verb_da, verb_en = ("Vedtaget", "Adopted") if tally.passed else ("Forkastet", "Rejected")
    n = len(eligible)
    lead_da, lead_en = "", ""
    if objections:
        lead_da = f"Afstemning efter indsigelse fra {join_da(objections)} ({procedure.clause}). "
        lead_en = f"Put to a vote after an objection from {join_en(objections)} ({procedure.clause}). "
    elif procedure.procedure is Procedure.CONSENSUS_THEN_MAJORITY:
        lead_da = f"Der var ikke konsensus, så forslaget blev afgjort ved flertal ({procedure.clause}). "
        lead_en = f"There was no consensus, so the motion was decided by majority ({procedure.clause}). "

    if secret:
        voters = [u for u in eligible if u.key in participants]
        voter_names = [names.get(u.key, u.label) for u in voters]
        da = (f"{verb_da} ved hemmelig afstemning: {yes} for, {no} imod, {abstain} undlod at "
              f"stemme; {len(voters)} af {n} {noun_da} stemte"
              + (f" ({', '.join(voter_names)})." if voter_names else "."))
        en = (f"{verb_en} by secret ballot: {yes} for, {no} against, {abstain} abstained; "
              f"{len(voters)} of {n} {noun_en} voted"
              + (f" ({', '.join(voter_names)})." if voter_names else "."))
    else:
        choice_of = {c.unit: c.choice for c in casts}
        groups = {ch: [names.get(u.key, u.label) for u in eligible if choice_of.get(u.key) is ch]
                  for ch in Choice}
        not_voted = [names.get(u.key, u.label) for u in eligible if u.key not in voted_keys]
        outcome["votes"] = {ch.value: groups[ch] for ch in Choice} | {"none": not_voted}
        ys = groups[Choice.YES]
        da = f"{verb_da}: {len(ys)} af {n} {noun_da} stemte for" + (f" ({', '.join(ys)})" if ys else "")
        en = f"{verb_en}: {len(ys)} of {n} {noun_en} voted for" + (f" ({', '.join(ys)})" if ys else "")
        rest_da, rest_en = [], []
        if groups[Choice.NO]:
            rest_da.append(f"{join_da(groups[Choice.NO])} stemte imod")
            rest_en.append(f"{join_en(groups[Choice.NO])} voted against")
        if groups[Choice.ABSTAIN]:
            rest_da.append(f"{join_da(groups[Choice.ABSTAIN])} undlod at stemme")
            rest_en.append(f"{join_en(groups[Choice.ABSTAIN])} abstained")
        if not_voted:
            rest_da.append(f"{join_da(not_voted)} stemte ikke")
            rest_en.append(f"{join_en(not_voted)} did not vote")
        da += "".join(f"; {r}" for r in rest_da) + "."
        en += "".join(f"; {r}" for r in rest_en) + "."

    label_da, label_en = blocks.MAJORITIES.get(matter.majority, blocks.MAJORITIES["simple"])[1:]
    if weighted or matter.majority != "simple":
        kind_da, kind_en = ("Vægtet optælling", "Weighted count") if weighted else ("Optælling", "Count")
        da += (f" {kind_da}: {yes} for, {no} imod, {abstain} undlod at stemme; der kræves "
               f"{label_da} ({tally.clause}).")
        en += (f" {kind_en}: {yes} for, {no} against, {abstain} abstained; {label_en} is "
               f"required ({tally.clause}).")
    elif not tally.passed and yes == no and yes > 0:
        da += f" Stemmelighed: forslaget er ikke vedtaget ({tally.clause})."
        en += f" A tie: the motion is not adopted ({tally.clause})."
    # A rule's own reason (a special majority, a chair's casting vote …) reaches the
    # explanation members read, with its clause, wherever it says more than the counts.
    standard = blocks.share_of_votes_cast(tally_units, tally_ballots, clause=tally.clause,
                                          source=tally.source, **blocks.required_share(matter))
    if (tally.reason, bool(tally.passed)) != (standard.reason, bool(standard.passed)):
        cite = f" ({tally.clause})" if tally.clause and tally.clause not in tally.reason else ""
        reason_en = tally.reason_en or tally.reason
        cite_en = f" ({tally.clause})" if tally.clause and tally.clause not in reason_en else ""
        da += f" {tally.reason}{cite}"
        en += f" {reason_en}{cite_en}"
    outcome["explanation"] = {"da": f"{lead_da}{da} {q_da}", "en": f"{lead_en}{en} {q_en}"}
    return outcome
