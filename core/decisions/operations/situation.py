"""The situation the rules see for one item at one moment: the matter, the attendance, the
vote units (weighted where the body's tenant file says so), the units' display names, the
quorum, the procedure chosen when the motion opened, and the follow-ups a decision sets
off.

A motion's situation is kept once computed (when the motion opens, when voting opens, or
by the first vote after a change) and used again while nothing it was computed from has
changed: every write to what it reads (attendance, the meeting's body or day, the body,
its seats and information recipients, an organisation, a person's e-mail, the tenant)
gives the row it belongs to a new ``situation_version`` in the same flush, and the kept
situation carries the versions it was computed under
(docs/decisions/0034-a-vote-reads-what-voting-opened-with.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core import clock
from core.kept import Kept, kept

from core.bodies.facts import body_facts
from core.bodies.models import Body, BodyRecipient, Seat, SeatHolding
from core.decisions.models import Motion
from core.errors import refuse
from core.extensions import db
from core.identity.models import User
from core.meetings import operations as meetings
from core.meetings.attendees import attendees as meeting_attendees
from core.meetings.models import AgendaItem, Attendance, Disqualification, Meeting
from core.models import new_version
from core.organisations.models import Organisation, OrganisationKind
from core.tenants.models import Tenant
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
    #: What disqualification (CORE-DISQUALIFIED) did to each unit it touched: ``unit``,
    #: ``name``, ``people`` (the disqualified members' names) and the rule's answer.
    disqualifications: tuple[dict, ...] = ()


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
    weighted: bool = False, day: date | None = None, disqualified: frozenset[str] = frozenset(),
) -> Situation:
    """The rules' situation of a vote: the body as on ``day`` (a meeting's day: its seats'
    holders then; default today), the matter, the attendees and the units; with the
    members ``disqualified`` on the matter (e-mails), each unit one of them would cast as
    the ``disqualification_effect`` rule says (CORE-DISQUALIFIED)."""
    facts = body_facts(body, tenant.slug, day)
    units = list(hooks.vote_units(body=facts, attendees=list(attendees), matter=matter))
    weights_clause = None
    if weighted:
        units, weights_clause = _apply_weights(units, facts)
    effects = []
    if disqualified:
        units, effects = _disqualify(hooks, facts, matter, units, attendees, disqualified)
    names = _display_names(facts, units)
    return Situation(facts, matter, tuple(attendees), tuple(units), names, weights_clause,
                     tuple(dict(e, name=names.get(e["unit"], e["unit"])) for e in effects))


def _disqualify(hooks, facts: BodyFacts, matter: Matter, units: list[VoteUnit],
                attendees: Sequence[Attendee], disqualified: frozenset[str]):
    """The units once the ``disqualification_effect`` rule has answered for each unit a
    disqualified member would cast: its casters (never a disqualified member) and
    eligibility; and what it did, for the explanation."""
    people = dict(db.session.execute(
        sa.select(User.email, User.name).where(User.email.in_(disqualified))).all())
    out, effects = [], []
    for u in units:
        touched = u.casters & disqualified
        if not touched:
            out.append(u)
            continue
        effect = hooks.disqualification_effect(body=facts, matter=matter, unit=u,
                                               attendees=list(attendees),
                                               disqualified=disqualified)
        changes = {"casters": frozenset(effect.casters) - disqualified}
        if not effect.eligible:
            changes.update(eligible=False, clause=effect.clause, reason=effect.reason)
        out.append(replace(u, **changes))
        effects.append({"unit": u.key, "people": sorted(people.get(p, p) for p in touched),
                        "emails": sorted(touched),
                        **effect.as_dict(), "casters": sorted(changes["casters"])})
    return out, effects


def _motion_situation(hooks, tenant, motion: Motion) -> Situation:
    """The motion's situation: the one kept for it while nothing it was computed from has
    changed, else computed now (and kept)."""
    item = motion.item
    matter = matter_for(item, motion.majority.value)
    stamp = _stamp(hooks, tenant, motion, matter)
    sit = _kept().get(motion.id, stamp) if stamp is not None else None
    if sit is None:
        sit = situation(hooks, tenant, item.meeting.body, matter, meeting_attendees(item.meeting),
                        weighted=motion.is_weighted, day=item.meeting.starts_at.date(),
                        disqualified=meetings.disqualified_on(item))
        _keep(hooks, tenant, motion, sit, stamp)
    return sit


# ------------------------------------------------------------------ the kept situation

#: Motions whose situation a process keeps (the least recently used go first).
_KEPT_MOTIONS = 64


def _kept() -> Kept:
    return kept("situations", _KEPT_MOTIONS)


def _stamp(hooks, tenant, motion: Motion, matter: Matter) -> tuple | None:
    """What the motion's situation is computed from, as versions: the tenant's, the body's
    and the meeting's ``situation_version`` (read with their rows, before anything the
    situation reads), the hooks, the matter, the options and the day (a seat ends on a
    day). ``None`` (nothing kept, nothing used) while the session holds unflushed changes,
    which a kept situation could not show."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return None
    meeting = motion.item.meeting
    body = meeting.body
    versions = (getattr(tenant, "situation_version", None), body.situation_version,
                meeting.situation_version)
    if not all(versions):
        return None
    return (hooks, tenant.id, body.id, meeting.id, *versions, matter, motion.is_weighted,
            clock.today())


def _keep(hooks, tenant, motion: Motion, sit: Situation, stamp: tuple | None = None) -> None:
    """Keep ``sit`` as the motion's situation (voting opens with it: its votes use it)."""
    stamp = stamp or _stamp(hooks, tenant, motion, sit.matter)
    if stamp is not None:
        _kept().put(motion.id, stamp, sit)


def _changed(obj, *names: str) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[n].history.has_changes() for n in names)


def _columns_changed(obj) -> bool:
    state = sa.inspect(obj)
    return any(a.history.has_changes() for a in state.attrs if a.key != "situation_version")


def _row(session: Session, model, obj, relation: str, column: str):
    """The ``model`` row ``obj`` belongs to (through ``relation`` if loaded, else by its
    ``column``), or ``None``."""
    loaded = sa.inspect(obj).dict.get(relation)
    if loaded is not None:
        return loaded
    key = getattr(obj, column)
    return session.get(model, key) if key is not None else None


@sa.event.listens_for(Session, "before_flush")
def _new_situation_versions(session: Session, flush_context, instances) -> None:
    """Give every row whose situation changes in this flush a new ``situation_version``:
    a meeting whose attendance, disqualifications, body or day changes; a body whose row, seats or
    information recipients change; every tenant when an organisation or a person's
    e-mail changes (shared by all tenants). Rows made in this flush have a new one."""
    changed = [o for o in (*session.new, *session.dirty, *session.deleted)
               if o in session.new or o in session.deleted or session.is_modified(o)]
    if not changed:
        return
    rows, everyone = set(), False
    with session.no_autoflush:
        for obj in changed:
            if isinstance(obj, (Attendance, Disqualification)):
                rows.add(_row(session, Meeting, obj, "meeting", "meeting_id"))
            elif isinstance(obj, Meeting) and obj not in session.new:
                if obj in session.deleted or _changed(obj, "body_id", "body", "starts_at"):
                    rows.add(obj)
            elif isinstance(obj, (Seat, BodyRecipient)):
                rows.add(_row(session, Body, obj, "body", "body_id"))
            elif isinstance(obj, SeatHolding):  # who holds a seat: the body's situation
                seat = _row(session, Seat, obj, "seat", "seat_id")
                rows.add(_row(session, Body, seat, "body", "body_id") if seat is not None else None)
            elif isinstance(obj, (Body, Tenant)) and obj not in session.new:
                if obj in session.deleted or _columns_changed(obj):
                    rows.add(obj)
            elif isinstance(obj, Organisation) and (
                    obj in session.new or obj in session.deleted
                    or _changed(obj, "code", "name", "kind")):
                everyone = True  # what names a unit (and codes an attendee's organisation)
            elif isinstance(obj, User) and obj not in session.new and _changed(obj, "email"):
                everyone = True
        if everyone:
            rows.update(session.scalars(sa.select(Tenant)))
    for row in rows:
        if row is not None and row not in session.new and row not in session.deleted:
            row.situation_version = new_version()


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
