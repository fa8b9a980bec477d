"""People as a tenant's secretariat keeps them, in the browser and the API: a person invited
by e-mail to act for one of the tenant's organisations, their name edited, an affiliation
added, and an affiliation ended from a day (docs/decisions/0043-people-administration.md).

A person is one account on the platform: inviting an address someone already has
affiliates that person, never a second account. What the secretariat sees of a person is
what the tenant needs: name, e-mail, the affiliations with the tenant's own organisations
and the tenant's seats; never their other tenants or organisations. Ending an affiliation
keeps its row (who acted for whom when is history). Every change is refused with the field
it is about and nothing written, and audited in the tenant's hash-chained log (who, what,
from, to; people by id, a name by a keyed hash: an erasure must leave no name in an
append-only log). Operations flush, never commit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from core import clock
from core.audit import operations as audit
from core.bodies.models import Seat, SeatHolding
from core.errors import refuse
from core.extensions import db
from core.identity.models import Affiliation, IdentityProvider, Invitation, PasswordReset, User
from core.identity.operations import RESET_TOKEN_PREFIX, erased_on, find_user
from core.organisations.models import Organisation
from core.tenants.models import TenantAdmin

#: The outbox kind of an invitation mail (worded when delivered, core/notifications/mails.py).
INVITATION_KIND = "person_invited"


def _invalid(field: str, message: str, status: int = 422):
    refuse(status, message="The input is invalid; see errors for each field.",
           errors={"json": {field: [message]}})


def tenant_organisations(tenant) -> list[Organisation]:
    """The organisations a person may act for in the tenant: those taking part in it and
    those its seats represent (as a seat's organisation, core/bodies/seats.py)."""
    from core.bodies.seats import seat_organisations

    return seat_organisations(tenant)


def _organisation(tenant, code: str | None) -> Organisation:
    org = next((o for o in tenant_organisations(tenant) if o.code == code), None)
    if org is None:
        _invalid("organisation", "Organisationen deltager ikke i kommunen.")
    return org


def name_digest(name: str) -> str:
    """A name as the audit log keeps it: a keyed hash (HMAC-SHA256 with the secret key),
    enough to check a name against, not to read it back."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"person-name:{name}".encode(), hashlib.sha256).hexdigest()


def _audit(action: str, person: User, by: User | None, **payload) -> None:
    from core.tenants.history import _plain

    db.session.flush()
    audit.record(action, f"user:{person.id}", _plain({"by": by, **payload}),
                 actor_id=by.id if by is not None else None)


# --------------------------------------------------------------------------- who is here


def people_ids(tenant) -> set[int]:
    """The people of the tenant's people pages: holding (or having held) one of its seats,
    its secretariat, or invited by it."""
    # the tenant named in the subqueries: the scope's filter applies to the statement's own
    # entities, not to those of a subquery
    holders = sa.select(SeatHolding.holder_id).where(SeatHolding.tenant_id == tenant.id)
    admins = sa.select(TenantAdmin.user_id).where(TenantAdmin.tenant_id == tenant.id)
    invited = sa.select(Invitation.user_id).where(Invitation.tenant_id == tenant.id)
    return set(db.session.scalars(
        sa.select(User.id).where(User.erased_at.is_(None), sa.or_(
            User.id.in_(holders), User.id.in_(admins), User.id.in_(invited)))))


def get_person(tenant, user_id: int) -> User:
    """A person of the tenant; anyone else answers 404, as if nobody had the id."""
    if user_id not in people_ids(tenant):
        refuse(404, message="Not found.")
    return db.session.get(User, user_id)


def affiliations_here(tenant, user: User) -> list[Affiliation]:
    """The person's affiliations with the tenant's organisations, ended ones too, oldest
    first; their other organisations are not the tenant's business."""
    codes = {o.id for o in tenant_organisations(tenant)}
    return [a for a in user.affiliation_history if a.organisation_id in codes]


def describe(tenant, user: User) -> dict:
    """What the secretariat sees of a person: name, e-mail, the affiliations here, today's
    seats here, whether they are of the secretariat and when they were invited here."""
    today = clock.today()
    seats = db.session.scalars(
        sa.select(Seat).join(SeatHolding, SeatHolding.seat_id == Seat.id)
        .where(SeatHolding.holder_id == user.id, SeatHolding.valid_on_sql(today),
               Seat.not_ended_sql(today))
        .order_by(Seat.body_id, Seat.position)).all()
    invited = db.session.scalar(sa.select(sa.func.min(Invitation.created_at))
                                .where(Invitation.user_id == user.id))
    return {
        "id": user.id, "name": user.name, "email": user.email,
        "is_admin": db.session.scalar(sa.select(TenantAdmin.id).filter_by(user_id=user.id)) is not None,
        "affiliations": [
            {"id": a.id, "organisation": a.organisation.code, "organisation_name": a.organisation.name,
             "valid_from": a.valid_from, "ended_on": a.ended_on, "is_current": a.is_current_on(today)}
            for a in affiliations_here(tenant, user)],
        "seats": [{"body": s.body.key, "body_name": s.body.name, "key": s.key, "title": s.title}
                  for s in seats],
        "invited_at": invited,
    }


# --------------------------------------------------------------------------- invitations


def invitation_token(invitation: Invitation) -> str:
    """The password link's token of ``invitation``, for the mail that carries it (never
    stored; the ``PasswordReset`` row holds its SHA-256)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"invitation:{invitation.nonce}".encode(), hashlib.sha256).digest()
    return RESET_TOKEN_PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def provider_for(tenant, organisation: Organisation) -> IdentityProvider | None:
    """The identity provider the invited person logs in with: the organisation's, else the
    tenant's; ``None`` where neither has one."""
    providers = db.session.scalars(sa.select(IdentityProvider).where(
        IdentityProvider.is_enabled.is_(True),
        sa.or_(IdentityProvider.organisation_id == organisation.id,
               IdentityProvider.tenant_id == tenant.id))).all()
    return next((p for p in providers if p.organisation_id == organisation.id),
                providers[0] if providers else None)


def invite(tenant, data: dict, by: User) -> tuple[User, bool]:
    """Invite the person with ``email`` to act for ``organisation`` in the tenant: a new
    account (named ``name``) where nobody has the address, else the person who has it
    (their name stays theirs); an affiliation from today where they have none; an
    invitation mail. The same invitation again changes nothing and mails nothing
    (``False``). Refused: an organisation not of the tenant, an erased person's address,
    a disabled person, a new person without a name."""
    from core.notifications.outbox import write_notifications

    email = data["email"].strip().lower()
    org = _organisation(tenant, data.get("organisation"))
    if erased_on(email) is not None:
        _invalid("email", "Adressen tilhørte en person, hvis data er slettet; den kan ikke inviteres igen.")
    user = find_user(email)
    created = user is None
    if created:
        name = (data.get("name") or "").strip()
        if not name:
            _invalid("name", "Skriv personens navn.")
        user = User(email=email, name=name, language=data.get("language") or "da")
        db.session.add(user)
        db.session.flush()
    elif not user.is_enabled or user.erased_at is not None:
        _invalid("email", "Personen kan ikke logge ind (spærret); platformens administrator kan åbne for adgangen.")
    today = clock.today()
    affiliation = None
    # open or still running (ended from a later day): acting for it already
    if not any(a.organisation_id == org.id and (a.ended_on is None or a.ended_on > today)
               for a in ([] if created else user.affiliation_history)):
        affiliation = Affiliation(organisation=org, valid_from=today)
        user.affiliations.append(affiliation)
    invitation = db.session.scalar(sa.select(Invitation).filter_by(user_id=user.id, organisation_id=org.id))
    if invitation is not None and affiliation is None:
        return user, False  # invited already, still acting for the organisation
    provider = provider_for(tenant, org)
    if invitation is None:
        invitation = Invitation(tenant_id=tenant.id, user=user, organisation=org, invited_by_id=by.id,
                                nonce=secrets.token_hex(16),
                                has_password_link=provider is None and user.password_hash is None)
        db.session.add(invitation)
        db.session.flush()
        if invitation.has_password_link:
            db.session.add(PasswordReset(
                user_id=user.id, token_hash=hashlib.sha256(invitation_token(invitation).encode()).hexdigest(),
                expires_at=clock.now() + timedelta(days=current_app.config["INVITATION_DAYS"])))
        write_notifications(tenant.id, INVITATION_KIND, f"invitation:{invitation.id}", [user.email])
    _audit("person.invited", user, by, organisation=org, account_created=created,
           affiliation={"from": None, "to": {"organisation": org, "valid_from": today}} if affiliation else None,
           login="password_link" if invitation.has_password_link else ("provider" if provider else "login"))
    return user, True


# --------------------------------------------------------------------------- changes


def rename(tenant, user: User, name: str, by: User) -> User:
    """The person's name as the platform shows it; the same name again changes nothing."""
    name = (name or "").strip()
    if not name:
        _invalid("name", "Skriv personens navn.")
    if len(name) > 200:
        _invalid("name", "Højst 200 tegn.")
    if name == user.name:
        return user
    before = user.name
    user.name = name
    _audit("person.renamed", user, by, name={"from": name_digest(before), "to": name_digest(name)})
    return user


def add_affiliation(tenant, user: User, data: dict, by: User) -> Affiliation | None:
    """The person acts for ``organisation`` (one of the tenant's) from ``valid_from``
    (today where not given); ``None`` where they do already."""
    org = _organisation(tenant, data.get("organisation"))
    start = data.get("valid_from") or clock.today()
    if any(a.organisation_id == org.id and a.ended_on is None for a in user.affiliation_history):
        return None
    later = [a for a in user.affiliation_history if a.organisation_id == org.id and a.ended_on > start]
    if later:
        _invalid("valid_from", f"Personen handlede for {org.name} til {later[-1].ended_on:%d.%m.%Y}; "
                               "en ny tilknytning kan tidligst gælde fra den dag.")
    affiliation = Affiliation(user_id=user.id, organisation=org, valid_from=start)
    db.session.add(affiliation)
    db.session.flush()
    db.session.expire(user, ["affiliations", "affiliation_history"])
    _audit("person.affiliated", user, by, organisation=org,
           affiliation={"from": None, "to": {"organisation": org, "valid_from": start}})
    return affiliation


def _held_seat_from(tenant, user: User, org: Organisation, day: date) -> tuple[Seat, SeatHolding] | None:
    """A seat of ``org`` in the tenant that the person holds on ``day`` or later."""
    row = db.session.execute(
        sa.select(Seat, SeatHolding).join(SeatHolding, SeatHolding.seat_id == Seat.id)
        .where(SeatHolding.holder_id == user.id, Seat.organisation_id == org.id,
               sa.or_(SeatHolding.valid_to.is_(None), SeatHolding.valid_to >= day),
               sa.or_(Seat.ended_on.is_(None), Seat.ended_on > day),
               sa.or_(Seat.valid_to.is_(None), Seat.valid_to >= day))
        .order_by(Seat.id).limit(1)).first()
    return tuple(row) if row else None


def end_affiliation(tenant, user: User, affiliation_id: int, data: dict, by: User) -> Affiliation:
    """The person no longer acts for the affiliation's organisation from ``ended_on``; the
    row stays. Refused while they hold a seat of that organisation in the tenant on that
    day or later (the seat is given a new holder first)."""
    affiliation = next((a for a in affiliations_here(tenant, user) if a.id == affiliation_id), None)
    if affiliation is None:
        refuse(404, message="Not found.")
    day = data["ended_on"]
    if affiliation.ended_on is not None:
        if affiliation.ended_on == day:
            return affiliation  # ended already, on that day
        _invalid("ended_on", f"Tilknytningen er allerede afsluttet fra {affiliation.ended_on:%d.%m.%Y}.")
    if affiliation.valid_from is not None and day <= affiliation.valid_from:
        _invalid("ended_on", f"Tilknytningen gælder fra {affiliation.valid_from:%d.%m.%Y}; den kan "
                             "tidligst afsluttes dagen efter.")
    held = _held_seat_from(tenant, user, affiliation.organisation, day)
    if held is not None:
        seat, _holding = held
        _invalid("ended_on", f"{user.name} har pladsen «{seat.title}» i {seat.body.name} for "
                             f"{affiliation.organisation.name} på den dag eller senere; giv pladsen en ny "
                             "indehaver først.")
    affiliation.ended_on = day
    db.session.flush()
    db.session.expire(user, ["affiliations"])
    _audit("person.affiliation_ended", user, by, organisation=affiliation.organisation,
           ended_on={"from": None, "to": day})
    return affiliation
