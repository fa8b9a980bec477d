"""The administration's history as a tenant's secretariat reads it: the entries of the
tenant's hash-chained audit log that record changes of people, seats, bodies,
organisations and the tenant's administration (who
changed what, from what, to what), newest first, a page at a time. Other entries (votes,
motions, minutes) stay out: a secret ballot's log is not the secretariat's to browse.

The log names people by id (``user:12``); :func:`names` reads their names now, so an
erased person reads as their pseudonym, as everywhere else.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.audit.models import AuditEntry
from core.extensions import db

#: The actions of the administration's history (their prefix): the secretariat's changes
#: (core/identity/people.py, core/bodies/seats.py, core/bodies/creating.py) and the tenant
#: file's sync (core/tenants/operations.py).
ACTIONS = ("person.", "seat.", "body.", "organisation.", "party.", "admin.", "tenant.")
#: Entries on one page.
PER_PAGE = 25


def _of_administration():
    return sa.or_(*(AuditEntry.action.startswith(prefix) for prefix in ACTIONS))


def page(number: int = 1, per_page: int = PER_PAGE) -> dict:
    """Page ``number`` (from 1) of the current tenant's administration history: its
    entries newest first, the total and the number of pages (a page past the last is
    empty)."""
    total = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(_of_administration()))
    entries = db.session.scalars(
        sa.select(AuditEntry).where(_of_administration()).order_by(AuditEntry.seq.desc())
        .offset((number - 1) * per_page).limit(per_page)).all()
    return {"entries": entries, "total": total, "page": number,
            "pages": max(1, -(-total // per_page))}


def _user_refs(value, found: set[int]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _user_refs(v, found)
    elif isinstance(value, list):
        for v in value:
            _user_refs(v, found)
    elif isinstance(value, str) and value.startswith("user:") and value[5:].isdigit():
        found.add(int(value[5:]))


def names(entries) -> dict[str, str]:
    """``user:<id>`` → the person's name today, for every person the entries name (their
    actors too)."""
    from core.identity.models import User

    ids: set[int] = {e.actor_id for e in entries if e.actor_id is not None}
    for e in entries:
        _user_refs([e.subject, e.payload], ids)
    if not ids:
        return {}
    return {f"user:{uid}": name for uid, name in
            db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids)))}
