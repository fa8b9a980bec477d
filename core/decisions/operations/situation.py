"""The situation the rules see for one item at one moment: the matter, the attendance, the
vote units (weighted where the body's tenant file says so), the units' display names, the
quorum, the procedure chosen when the motion opened, and the follow-ups a decision sets
off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa

from core.bodies.facts import body_facts
from core.bodies.models import Body
from core.decisions.models import Motion
from core.errors import refuse
from core.extensions import db
from core.meetings.attendees import attendees as meeting_attendees
from core.meetings.models import AgendaItem
from core.organisations.models import Organisation, OrganisationKind
from core.rules.types import (
    Attendee,
    BodyFacts,
    Matter,
    Procedure,
    ProcedureChoice,
    Verdict,
    VoteUnit,
)
from core.rules.types import ItemKind as RuleItemKind


def matter_for(item: AgendaItem, majority: str = "simple") -> Matter:
    """The item as the rules see it."""
    return Matter(
        title=item.title,
        kind=RuleItemKind(item.kind.value),
        topics=frozenset(item.topics or ()),
        plan=item.plan,
        district=item.district,
        majority=majority,
    )


@dataclass(frozen=True)
class Situation:
    """What the rules see of one item at one moment, and the names to explain it with."""

    body: BodyFacts
    matter: Matter
    attendees: tuple[Attendee, ...]
    units: tuple[VoteUnit, ...]
    names: Mapping[str, str]
    weights_clause: str | None = None


def _display_names(facts: BodyFacts, units: Sequence[VoteUnit]) -> dict[str, str]:
    """Units are named by organisation code, as members know them (VA, AKB); a
    municipality by its name (Albertslund Kommune), since its code is an internal key;
    a seat unit by its organisation's code, or else the seat's title."""
    codes = {u.key.partition(":")[2] for u in units} | {u.label for u in units}
    orgs = {o.code: o for o in db.session.scalars(
        sa.select(Organisation).where(Organisation.code.in_(codes)))} if codes else {}
    seats = {s.key: s for s in facts.seats}

    def org_name(code: str) -> str:
        org = orgs.get(code)
        return org.name if org is not None and org.kind is OrganisationKind.MUNICIPALITY else code

    names = {}
    for u in units:
        kind, _, ref = u.key.partition(":")
        if kind == "org":
            names[u.key] = org_name(ref)
        elif u.label in orgs:
            names[u.key] = org_name(u.label)
        elif kind == "seat" and ref in seats:
            names[u.key] = seats[ref].title
        else:
            names[u.key] = u.label
    return names


def _apply_weights(units: list[VoteUnit], facts: BodyFacts) -> tuple[list[VoteUnit], str]:
    """Weighted units, a core option: the tenant file's ``[bodies.extra] vote_weights``
    (weight by organisation code, seat key or unit key), citing
    ``[bodies.extra] vote_weights_clause``."""
    weights = facts.extra.get("vote_weights")
    clause = facts.extra.get("vote_weights_clause") or "CORE-WEIGHTS"
    if not weights:
        refuse(422, f"{facts.name} har ingen stemmevægte i sit kommissorium; der kan ikke "
               "stemmes med vægtede stemmer.", clause="CORE-WEIGHTS", rule="vote_weights")
    out = []
    for u in units:
        ref = u.key.partition(":")[2]
        weight = weights.get(u.key, weights.get(ref, weights.get(u.label, u.weight)))
        out.append(replace(u, weight=int(weight)))
    return out, clause


def situation(
    hooks, tenant, body: Body, matter: Matter, attendees: Sequence[Attendee], *,
    weighted: bool = False,
) -> Situation:
    facts = body_facts(body, tenant.slug)
    units = list(hooks.vote_units(body=facts, attendees=list(attendees), matter=matter))
    weights_clause = None
    if weighted:
        units, weights_clause = _apply_weights(units, facts)
    return Situation(facts, matter, tuple(attendees), tuple(units),
                     _display_names(facts, units), weights_clause)


def _motion_situation(hooks, tenant, motion: Motion) -> Situation:
    item = motion.item
    return situation(
        hooks, tenant, item.meeting.body, matter_for(item, motion.majority.value),
        meeting_attendees(item.meeting), weighted=motion.is_weighted,
    )


def _procedure_choice(motion: Motion) -> ProcedureChoice:
    r = motion.procedure_rule
    return ProcedureChoice(Procedure(motion.procedure.value), r["reason"], r["clause"], r["source"])


def _check_quorum(hooks, sit: Situation) -> Verdict:
    verdict = hooks.quorum(body=sit.body, units=list(sit.units), matter=sit.matter)
    if not verdict.ok:
        refuse(409, verdict.reason, clause=verdict.clause, rule="quorum")
    return verdict


def follow_ups_for(hooks, body, matter, passed: bool) -> list[dict]:
    """CORE-FOLLOW-UPS: the tasks a decision on ``matter`` by ``body`` (its facts) sets off, from the
    ``follow_ups`` hook: computed once per decision, stored with a closed motion's outcome
    and taken from there by the proposal the motion decides (core/proposals/operations/
    route.py), computed here too for a decision a secretary records by hand."""
    return [
        {"assignee_kind": f.assignee_kind, "assignee": f.assignee, "title": f.title,
         "clause": f.clause, "source": f.source}
        for f in hooks.collect("follow_ups", body=body, matter=matter, passed=passed)
    ]
