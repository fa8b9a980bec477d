"""Loading tenant files into the database: ``kommissorium tenants sync`` (removing what
has no history, ``kommissorium tenants prune``, is core/tenants/history.py).

A sync is idempotent: it compares the file with the database and changes only what
differs, reporting each change and writing each to the tenant's audit log. A file with any
problem changes nothing. A sync never deletes a body or a seat: what the file no longer
names is *ended* (``ended_on``), its meetings, votes and minutes kept, and a later file
that names it again re-opens it. Only :func:`prune_tenant`, confirmed, deletes ended rows,
and only those without history (docs/decisions/0019-sync-ends-never-deletes.md). The
caller commits (one commit at the edge); on any error it rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from core import clock
from core.bodies.models import (
    ApprovalMode,
    Body,
    BodyKind,
    BodyRecipient,
    Competence,
    Seat,
    SeatHolding,
    SeatRole,
)
from core.bodies.seats import SeatRefused, hold
from core.audit import operations as audit
from core.extensions import db
from core.identity.models import Affiliation, User
from core.identity.operations import erased_on
from core.organisations.models import Organisation, OrganisationKind
from core.rules.types import Problem
from core.tenancy import all_tenants, tenant_scope
from core.tenants.filespec import TenantFile, TenantFileError, read_tenant_file
from core.tenants.history import _plain, body_history, describe_history, seat_history
from core.tenants.models import Participation, Tenant, TenantAdmin


@dataclass
class _Event:
    """One change for the audit log; the subject's id is read when it is written (after
    the flush that gives a new row its id)."""

    action: str
    subject: Callable[[], str]
    payload: dict


@dataclass
class SyncReport:
    tenant: str
    created: bool = False
    changes: list[str] = field(default_factory=list)
    #: What the file no longer names and the database keeps ended, with its history.
    ended: list[str] = field(default_factory=list)
    events: list[_Event] = field(default_factory=list, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def note(self, text: str, action: str, subject: Callable[[], str], **payload) -> None:
        """Report one change and queue its audit entry."""
        self.changes.append(text)
        self.events.append(_Event(action, subject, payload))

    def summary(self) -> str:
        """One line: how many of each kind were created, changed or ended
        (``albertslund: created organisation: 7, created person: 37, … created seat: 76``)."""
        if not self.changes and not self.ended:
            return f"{self.tenant}: up to date, nothing changed"
        counts: dict[str, int] = {}
        for change in self.changes:
            words = change.split()
            # "created seat bestyrelse/va-formand" → "created seat"; "affiliated a@b …" → "affiliated"
            noun = words[1] if len(words) > 1 and words[1].isalpha() and words[1].islower() else ""
            what = f"{words[0]} {noun}".strip()
            counts[what] = counts.get(what, 0) + 1
        parts = [f"{what}: {n}" for what, n in counts.items()]
        if self.ended:
            parts.append(f"{len(self.ended)} ended")
        return f"{self.tenant}: " + ", ".join(parts)

    def __str__(self) -> str:
        if not self.changes:
            lines = [f"{self.tenant}: up to date, nothing changed"]
        else:
            lines = [f"{self.tenant}: {len(self.changes)} change(s)",
                     *(f"  {c}" for c in self.changes)]
        if self.ended:
            lines.append(f"  ended, not in the file ({len(self.ended)}; "
                         "'kommissorium tenants prune' lists what has no history):")
            lines += [f"    {e}" for e in self.ended]
        return "\n".join(lines)


def _subject(kind: str, obj) -> Callable[[], str]:
    return lambda: f"{kind}:{obj.id}"


def _diff(obj, values: dict, *, same=lambda have, want: have == want) -> dict:
    """Set attributes that differ; return ``{name: {"from": old, "to": new}}``."""
    changed = {}
    for name, value in values.items():
        have = getattr(obj, name)
        if not same(have, value):
            changed[name] = {"from": have, "to": value}
            setattr(obj, name, value)
    return changed


def _check_globals(tf: TenantFile) -> None:
    """Organisations and people are shared by every tenant: a file may not silently
    redefine one that another tenant uses."""
    problems: list[Problem] = []
    slug = tf.slug
    with all_tenants():
        for o in tf.data["organisations"]:
            org = db.session.scalar(sa.select(Organisation).filter_by(code=o["code"]))
            if org is None:
                continue
            admin = org.administered_by.code if org.administered_by else None
            differs = [
                f
                for f, have, want in (
                    ("name", org.name, o["name"]),
                    ("kind", org.kind.value, o["kind"]),
                    ("administered_by", admin, o["administered_by"]),
                )
                if have != want
            ]
            if not differs:
                continue
            others = db.session.scalars(
                sa.select(Tenant.slug)
                .join(Participation, Participation.tenant_id == Tenant.id)
                .where(Participation.organisation_id == org.id, Tenant.slug != slug)
            ).all()
            if others:
                for f in differs:
                    problems.append(Problem(
                        f"organisations[{o['code']}]", f,
                        f"differs from the organisation shared with tenant(s) {', '.join(others)}",
                    ))
        for p in tf.data["people"]:
            erased = erased_on(p["email"])
            if erased is not None:
                problems.append(Problem(
                    f"people[{p['email']}]", "email",
                    f"this person's personal data was erased on {erased:%Y-%m-%d} at their "
                    "request; remove them from the tenant file (and their seats)",
                ))
                continue
            user = db.session.scalar(sa.select(User).filter_by(email=p["email"]))
            if user is not None and user.name != p["name"]:
                problems.append(Problem(
                    f"people[{p['email']}]", "name",
                    f"the platform already knows this person as {user.name!r}",
                ))
    if problems:
        raise TenantFileError(tf.path, problems)


def sync_tenant_file(path: Path | str, host, *, today: date | None = None,
                     prefer_file: bool = False) -> SyncReport:
    """Load one tenant file; raise :class:`TenantFileError` if it has any problem, and
    ``SyncConflict`` if it would undo a browser change since the last sync, unless
    ``prefer_file`` (docs/decisions/0047). ``today``: the day what the file no longer names
    is ended on (default: today)."""
    from core.tenants import sync_state

    tf = read_tenant_file(path, host)
    _check_globals(tf)
    if not prefer_file:
        sync_state.refuse_conflicts(tf)
    report = _apply(tf, today or clock.today())
    sync_state.record(tf.slug, tf.path.name)
    return report


def _apply(tf: TenantFile, today: date) -> SyncReport:
    data = tf.data
    t = data["tenant"]
    report = SyncReport(t["slug"])
    note = report.note

    # Global rows first: organisations, people, the tenant itself.
    orgs: dict[str, Organisation] = {}
    created_orgs: set[str] = set()
    with all_tenants():
        for o in data["organisations"]:
            org = db.session.scalar(sa.select(Organisation).filter_by(code=o["code"]))
            if org is None:
                org = Organisation(code=o["code"], name=o["name"], kind=OrganisationKind(o["kind"]))
                db.session.add(org)
                created_orgs.add(o["code"])
                note(f"created organisation {o['code']}", "organisation.created",
                     _subject("organisation", org), code=o["code"], name=o["name"],
                     kind=o["kind"], administered_by=o["administered_by"])
            else:
                changed = _diff(org, {"name": o["name"], "kind": OrganisationKind(o["kind"])})
                if changed:
                    note(f"updated organisation {o['code']}: {', '.join(changed)}",
                         "organisation.changed", _subject("organisation", org),
                         code=o["code"], changes=changed)
            orgs[o["code"]] = org
        for o in data["organisations"]:
            admin = orgs[o["administered_by"]] if o["administered_by"] else None
            org = orgs[o["code"]]
            if org.administered_by is not admin:
                before = org.administered_by
                org.administered_by = admin
                if o["code"] not in created_orgs:
                    note(f"updated organisation {o['code']}: administered_by",
                         "organisation.changed", _subject("organisation", org), code=o["code"],
                         changes={"administered_by": {"from": before, "to": admin}})

        users: dict[str, User] = {}
        for p in data["people"]:
            user = db.session.scalar(sa.select(User).filter_by(email=p["email"]))
            if user is None:
                user = User(email=p["email"], name=p["name"])
                db.session.add(user)
                note(f"created person {p['email']}", "person.created", _subject("user", user))
            # open ones: an ended one is added anew only if the file wins (sync_state.py)
            have = {a.organisation.code for a in user.affiliation_history
                    if a.organisation is not None and a.ended_on is None}
            for code in p["organisations"]:
                if code not in have:
                    user.affiliations.append(Affiliation(organisation=orgs[code]))
                    note(f"affiliated {p['email']} with {code}", "person.affiliated",
                         _subject("user", user), organisation=code)
            users[p["email"]] = user

        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=t["slug"]))
        values = {
            "name": t["name"],
            "plan": t["plan"],
            "plugins": list(t["plugins"]),
            "organisation": orgs[t["organisation"]],
            "period_start": t["period_start"],
            "period_end": t["period_end"],
            "timezone": t["timezone"],
        }
        if tenant is None:
            tenant = Tenant(slug=t["slug"], **values)
            db.session.add(tenant)
            report.created = True
            note(f"created tenant {t['slug']}", "tenant.created", _subject("tenant", tenant),
                 slug=t["slug"], **values)
        else:
            changed = _diff(tenant, values)
            if changed:
                note(f"updated tenant {t['slug']}: {', '.join(changed)}", "tenant.changed",
                     _subject("tenant", tenant), changes=changed)
        db.session.flush()

    with tenant_scope(tenant.id):
        _sync_participations(tenant, orgs, note)
        _sync_hearing_contacts(data, note)
        _sync_admins(tenant, data, users, note)
        try:
            _sync_bodies(tenant, data, orgs, users, report, today)
        except _HoldingRefused as exc:
            raise TenantFileError(tf.path, [Problem(exc.entry, "holder", str(exc.refusal))]) from None
        if report.changes or tenant.synced_at is None:
            tenant.synced_at = clock.now()
        db.session.flush()
        # Every change in the tenant's audit chain, in the same transaction: the caller's
        # commit keeps both or neither. A sync that changes nothing writes nothing.
        for e in report.events:
            audit.record(e.action, e.subject(), {"file": tf.path.name, **_plain(e.payload)})
    return report


def _sync_participations(tenant, orgs, note) -> None:
    """Parties are a present-tense link that nothing refers to: a party the file no longer
    names stops being one (audited); its organisation and everything it did stay."""
    have = {p.organisation.code: p for p in db.session.scalars(sa.select(Participation))}
    for code, org in orgs.items():
        if code not in have:
            p = Participation(tenant_id=tenant.id, organisation=org)
            db.session.add(p)
            note(f"added party {code}", "party.added", _subject("organisation", org),
                 organisation=code)
    for code, p in have.items():
        if code not in orgs:
            db.session.delete(p)
            note(f"removed party {code}", "party.removed", _subject("organisation", p.organisation),
                 organisation=code)


def _sync_hearing_contacts(data, note) -> None:
    """A party's hearing contact is a present-tense setting of its participation: the file
    says who it is now (audited when it changes); hearings already opened keep the links
    they sent."""
    want = {c["organisation"]: c for c in data["hearing_contacts"]}
    db.session.flush()
    for p in db.session.scalars(sa.select(Participation)):
        c = want.get(p.organisation.code)
        email, name = (c["email"], c["name"] or None) if c else (None, None)
        if (p.hearing_contact_email, p.hearing_contact_name) != (email, name):
            before = p.hearing_contact_email
            p.hearing_contact_email, p.hearing_contact_name = email, name
            note(f"hearing contact of {p.organisation.code}: {email or 'none'}", "party.hearing_contact",
                 _subject("organisation", p.organisation), organisation=p.organisation.code,
                 changes={"email": {"from": before, "to": email}})


def _sync_admins(tenant, data, users, note) -> None:
    """Administration is a present-tense right, not history: withdrawn when the file no
    longer grants it (audited)."""
    want = {p["email"] for p in data["people"] if p["tenant_admin"]}
    have = {a.user.email: a for a in db.session.scalars(sa.select(TenantAdmin))}
    for email in sorted(want - have.keys()):
        db.session.add(TenantAdmin(tenant_id=tenant.id, user=users[email]))
        note(f"made {email} tenant administrator", "admin.added", _subject("user", users[email]))
    for email in sorted(have.keys() - want):
        user = have[email].user
        db.session.delete(have[email])
        note(f"removed {email} as tenant administrator", "admin.removed", _subject("user", user))


def _sync_bodies(tenant, data, orgs, users, report: SyncReport, today: date) -> None:
    note = report.note
    existing = {b.key: b for b in db.session.scalars(sa.select(Body))}
    bodies: dict[str, Body] = {}
    for entry in data["bodies"]:
        values = {
            "name": entry["name"],
            "kind": BodyKind(entry["kind"]),
            "competence": Competence(entry["competence"]),
            "competence_note": entry["competence_note"],
            "period_start": entry["period_start"] or tenant.period_start,
            "period_end": entry["period_end"] or tenant.period_end,
            "meetings_per_year": entry["meetings_per_year"],
            "notice_days": entry["notice_days"],
            "minutes_due_days": entry["minutes_due_days"],
            "approval_mode": ApprovalMode(entry["approval_mode"]),
            "approval_due_days": entry["approval_due_days"],
            "submission_deadline_days": entry["submission_deadline_days"],
            "meeting_duration_minutes": entry["meeting_duration_minutes"],
            "clauses": list(entry["clauses"]),
            "sources": dict(entry["sources"]),
            "extra": dict(entry["extra"]),
            "rules": dict(entry["rules"]),
        }
        body = existing.get(entry["key"])
        if body is None:
            body = Body(tenant_id=tenant.id, key=entry["key"], **values)
            db.session.add(body)
            note(f"created body {entry['key']}", "body.created", _subject("body", body),
                 key=entry["key"], **values)
        else:
            if body.ended_on is not None:
                note(f"re-opened body {entry['key']} (ended on {body.ended_on:%Y-%m-%d})",
                     "body.reopened", _subject("body", body), key=entry["key"],
                     ended_on=body.ended_on)
                body.ended_on = None
            changed = _diff(body, values)
            if changed:
                note(f"updated body {entry['key']}: {', '.join(changed)}", "body.changed",
                     _subject("body", body), key=entry["key"], changes=changed)
        bodies[entry["key"]] = body

    for entry in data["bodies"]:
        body = bodies[entry["key"]]
        parent = bodies[entry["parent"]] if entry["parent"] else None
        if body.parent is not parent:
            before = body.parent
            body.parent = parent
            if entry["key"] in existing:
                note(f"updated body {entry['key']}: parent", "body.changed",
                     _subject("body", body), key=entry["key"],
                     changes={"parent": {"from": before, "to": parent}})
        _sync_recipients(tenant, body, entry, orgs, note)
        _sync_seats(tenant, body, entry, orgs, users, report, today)

    for key, body in existing.items():
        if key in bodies:
            continue
        if body.ended_on is None:
            _end_body(body, report, today)
        report.ended.append(f"body {key} (ended on {body.ended_on:%Y-%m-%d}; "
                            f"{describe_history(body_history(body))})")


def _end_body(body: Body, report: SyncReport, today: date) -> None:
    """End a body the file no longer names, and its seats that are still open, with the
    same day: nothing is deleted, its meetings, votes and minutes stay as they were."""
    history = body_history(body)
    body.ended_on = today
    report.note(f"ended body {body.key} ({describe_history(history)})", "body.ended",
                _subject("body", body), key=body.key, ended_on=today, history=history)
    for seat in body.seats:
        if seat.ended_on is None:
            _end_seat(body, seat, report, today)


def _end_seat(body: Body, seat: Seat, report: SyncReport, today: date) -> None:
    seat.ended_on = today
    history = seat_history(seat)  # as ended: the meetings it sat in, not those to come
    report.note(f"ended seat {body.key}/{seat.key} ({describe_history(history)})",
                "seat.ended", _subject("seat", seat), body=body.key, key=seat.key,
                holder=seat.current_holder, ended_on=today, history=history)


def _sync_recipients(tenant, body, entry, orgs, note) -> None:
    """Receiving a body's material is a present-tense right: withdrawn when the file no
    longer grants it (audited)."""
    have = {r.organisation.code: r for r in body.information_recipients}
    for code in entry["information_recipients"]:
        if code not in have:
            body.information_recipients.append(
                BodyRecipient(tenant_id=tenant.id, organisation=orgs[code])
            )
            note(f"added information recipient {code} to {entry['key']}",
                 "body.recipient_added", _subject("body", body), key=entry["key"],
                 organisation=code)
    for code, r in have.items():
        if code not in entry["information_recipients"]:
            body.information_recipients.remove(r)
            note(f"removed information recipient {code} from {entry['key']}",
                 "body.recipient_removed", _subject("body", body), key=entry["key"],
                 organisation=code)


class _HoldingRefused(Exception):
    """A holder the file changes where the seat's history does not allow it (a holding the
    browser entered from the sync's day or later): the file is refused, nothing changed."""

    def __init__(self, entry: str, refusal: SeatRefused):
        super().__init__(entry)
        self.entry, self.refusal = entry, refusal


def _sync_seats(tenant, body, entry, orgs, users, report: SyncReport, today: date) -> None:
    note = report.note
    have = {s.key: s for s in body.seats}
    wanted = set()
    for position, s in enumerate(entry["seats"]):
        wanted.add(s["key"])
        values = {
            "position": position,
            "title": s["title"],
            "organisation": orgs[s["organisation"]],
            "role": SeatRole(s["role"]),
            "is_voting": s["voting"],
            "valid_from": s["valid_from"],
            "valid_to": s["valid_to"],
        }
        holder = users[s["holder"]] if s["holder"] else None
        seat = have.get(s["key"])
        if seat is None:
            seat = Seat(tenant_id=tenant.id, key=s["key"], **values)
            if holder is not None:  # held since the seat began (docs/decisions/0038)
                seat.holdings.append(SeatHolding(tenant_id=tenant.id, holder=holder))
            body.seats.append(seat)
            note(f"created seat {entry['key']}/{s['key']}", "seat.created", _subject("seat", seat),
                 body=entry["key"], key=s["key"], holder=holder,
                 **{k: v for k, v in values.items() if k != "position"})
        else:
            if seat.ended_on is not None:
                note(f"re-opened seat {entry['key']}/{s['key']} (ended on "
                     f"{seat.ended_on:%Y-%m-%d})", "seat.reopened", _subject("seat", seat),
                     body=entry["key"], key=s["key"], ended_on=seat.ended_on)
                seat.ended_on = None
            changed = _diff(seat, values, same=lambda have, want: (
                have is want if isinstance(want, Organisation) or want is None else have == want))
            changed.pop("position", None)  # the order follows the file quietly
            held = seat.holder_on(today)
            # a seat an erased person held reads as vacant in a file (tenants export)
            if not ((held is None or held.erased_at is not None) if holder is None
                    else held is holder):
                # a new holder from the sync's day: the meetings before keep who sat then
                try:
                    hold(seat, holder, today)
                except SeatRefused as exc:
                    raise _HoldingRefused(f"bodies[{entry['key']}].seats[{s['key']}]", exc) from None
                changed["holder"] = {"from": held, "to": holder, "valid_from": today}
            if changed:
                note(f"updated seat {entry['key']}/{s['key']}: {', '.join(changed)}",
                     "seat.changed", _subject("seat", seat), body=entry["key"], key=s["key"],
                     changes=changed)
    for key, seat in have.items():
        if key in wanted:
            continue
        if seat.ended_on is None:
            _end_seat(body, seat, report, today)
        if body.ended_on is None:  # an ended body's seats are listed with the body
            report.ended.append(f"seat {entry['key']}/{key} (ended on {seat.ended_on:%Y-%m-%d}; "
                                f"{describe_history(seat_history(seat))})")
