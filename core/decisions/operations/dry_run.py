"""The dry run: what the outcome would be if these units attended and voted so, by the same
rules as a real motion, with nothing stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date


from core import clock
from core.bodies.models import Body
from core.decisions.explain import (
    BY_CONSENSUS,
    BY_NO_OBJECTION,
    BY_VOTE,
    Cast,
    compute_outcome,
    verdict_dict,
)
from core.decisions.operations.access import is_visible
from core.decisions.operations.situation import follow_ups_for, matter_for, situation
from core.errors import refuse
from core.meetings import operations as meetings
from core.meetings.attendees import attendees as meeting_attendees
from core.meetings.models import AgendaItem
from core.rules.types import Attendee, Choice, Matter, Procedure


def _dry_attendees(body: Body, on: date, present: Iterable[str] | None,
                   actual: Sequence[Attendee] | None) -> list[Attendee]:
    """Attendance for a dry run: the given seat keys or organisation codes are present
    (their holders, or a stand-in name for a vacant seat); without a list, the meeting's
    recorded attendance, or else every seat."""
    if present is None and actual is not None:
        return list(actual)
    wanted = None if present is None else set(present)
    out = []
    for seat in body.seats:
        if not seat.is_valid_on(on):
            continue
        here = wanted is None or seat.key in wanted or seat.organisation.code in wanted
        holder = seat.holder_on(on)
        person = (holder.email if holder is not None else f"{seat.key}@dry-run") \
            if here else None
        out.append(Attendee(seat.key, seat.organisation.code, seat.role.value, seat.is_voting,
                            person))
    return out


def dry_run(
    body: Body, *, hooks, tenant, matter: Matter, item: AgendaItem | None = None,
    present: Sequence[str] | None = None, votes: Mapping[str, str] | None = None,
    objections: Sequence[str] = (), secret: bool = False, weighted: bool = False,
) -> dict:
    """What would the outcome be if these units attended and voted so? The same rules as a
    real motion, and nothing is stored.

    :param present: seat keys or organisation codes present (default: the item's recorded
        attendance, or every seat).
    :param votes: choice per unit (by unit key, e.g. ``org:VA``, or label, e.g. ``VA``).
    :param objections: units (key or label) that object to consensus or to the conclusion.
    """
    on = item.meeting.starts_at.date() if item is not None else clock.today()
    actual = meeting_attendees(item.meeting) if item is not None else None
    sit = situation(hooks, tenant, body, matter, _dry_attendees(body, on, present, actual),
                    weighted=weighted, day=on,
                    disqualified=meetings.disqualified_on(item) if item is not None else frozenset())
    by_ref = {}
    for u in sit.units:
        by_ref.setdefault(u.key, u)
        by_ref.setdefault(u.label, u)
    # A seat (or an organisation) that sits without a vote is refused as a live vote is,
    # citing the rule that says who votes (e.g. one vote per voting organisation).
    units_clause = next((u.clause for u in sit.units if u.clause), "CORE-UNITS")
    voting_orgs = {a.organisation for a in sit.attendees if a.is_voting}
    without_vote = {a.seat_key for a in sit.attendees if not a.is_voting} | {
        a.organisation for a in sit.attendees if not a.is_voting and a.organisation not in voting_orgs}
    problems = {}
    casts = []
    for ref, choice in (votes or {}).items():
        unit = by_ref.get(ref)
        bare = ref.partition(":")[2] or ref
        if unit is None and bare in without_vote:
            problems[ref] = [f"{bare} har ikke stemmeret i {sit.body.name} ({units_clause})."]
        elif unit is None:
            problems[ref] = ["Ukendt stemmeberettiget; se 'units' for nøglerne."]
        elif not unit.eligible:
            problems[ref] = [unit.reason or "Har ikke stemmeret i denne sag."]
        elif not unit.present:
            problems[ref] = ["Er ikke til stede og kan ikke stemme."]
        else:
            casts.append(Cast(unit.key, Choice(choice), unit.weight))
    objecting = []
    for ref in objections:
        unit = by_ref.get(ref)
        if unit is None or not unit.present:
            problems[ref] = ["Ukendt eller ikke til stede; kan ikke gøre indsigelse."]
        else:
            objecting.append(sit.names.get(unit.key, unit.label))
    if problems:
        refuse(422, message="The input is invalid; see errors for each field.",
              errors={"json": {"votes": problems}})

    competence = hooks.body_competence(body=sit.body, matter=matter)
    procedure = hooks.decision_procedure(body=sit.body, matter=matter)
    quorum = hooks.quorum(body=sit.body, units=list(sit.units), matter=matter)
    result = {"stored": False, "competence": verdict_dict(competence)}
    if not competence.ok:
        return result | {
            "result": "refused", "passed": False, "decided_by": None,
            "units": [], "counts": None, "votes": None,
            "quorum": {"at_close": verdict_dict(quorum)},
            "provenance": [{"rule": "body_competence", "clause": competence.clause,
                            "source": competence.source}],
            "explanation": {"da": f"Kan ikke afgøres her: {competence.reason}",
                            "en": f"Cannot be decided here: {competence.reason_en or competence.reason}"},
        }
    if procedure.procedure is Procedure.VOTE or casts or objecting:
        decided_by = BY_VOTE
    elif procedure.procedure is Procedure.CONSENSUS_THEN_MAJORITY:
        decided_by = BY_CONSENSUS
    else:
        decided_by = BY_NO_OBJECTION
    casts_secret = [Cast(None, c.choice, c.weight) for c in casts] if secret else casts
    outcome = compute_outcome(
        hooks, body=sit.body, matter=matter, units=sit.units, names=sit.names,
        procedure=procedure, decided_by=decided_by, casts=casts_secret,
        participants=[c.unit for c in casts], quorum=quorum, objections=objecting,
        secret=secret, weighted=weighted, weights_clause=sit.weights_clause,
        competence=competence, disqualifications=sit.disqualifications,
    )
    ups = follow_ups_for(hooks, sit.body, sit.matter, outcome["passed"])
    return result | outcome | {"follow_ups": ups}


def dry_run_for_input(body: Body, data: Mapping, *, user, hooks, tenant) -> dict:
    """A dry run asked for with ``DryRunSchema``'s input (the API and the page): the matter
    from the agenda item ``item_id`` (visible to ``user`` and in ``body``), else from
    ``matter``. Stores nothing; the caller rolls back whatever the rules touched."""
    item = None
    majority = data["majority"]
    if data.get("item_id") is not None:
        item = meetings.get_item(None, data["item_id"])
        if not is_visible(item, user) or item.meeting.body_id != body.id:
            refuse(404, message="Not found.")  # as an unknown item: nothing is told of it
        matter = matter_for(item, majority)
    else:
        m = data.get("matter") or {}
        matter = Matter(
            title=m.get("title") or "Prøveafstemning", topics=frozenset(m.get("topics", ())),
            plan=m.get("plan"), district=m.get("district"), majority=majority,
        )
    return dry_run(
        body, hooks=hooks, tenant=tenant, matter=matter, item=item, present=data.get("present"),
        votes=data.get("votes"), objections=data.get("objections", ()),
        secret=data.get("secret", False), weighted=data.get("weighted", False),
    )
