"""Who a user is across tenants, and how they prove it: passwords, reset links, ending
every session of a user (the session version), disabling a user, OpenID Connect identities, personal API tokens, and GDPR export and erasure.

Operations change state and flush; the API commits (one commit per request).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from core import clock
from core.bodies.models import Seat, SeatHolding
from core.extensions import db
from core.identity.models import (
    Affiliation,
    ApiToken,
    CalendarFeed,
    ExternalIdentity,
    IdentityProvider,
    PasswordReset,
    TokenScope,
    User,
)
from core.identity.passwords import hash_password, verify_password
from core.tenancy import all_tenants
from core.tenants.models import TenantAdmin

log = logging.getLogger(__name__)

#: Prefixes make our secrets recognisable (to the owner, to secret scanners, to the log filter).
API_TOKEN_PREFIX = "kmt_"
RESET_TOKEN_PREFIX = "kmr_"
CALENDAR_FEED_PREFIX = "kmc_"
#: A feed's ``last_used_at`` is written at most this often (calendar programs poll).
CALENDAR_FEED_USE_RESOLUTION = timedelta(hours=1)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).filter_by(email=email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with this e-mail and password, or ``None``. An unknown e-mail costs
    the same work as a known one; wrong passwords are throttled by the caller
    (core/identity/throttle.py), not counted on the user's row."""
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_enabled:
        return None
    return user


# --- sessions ----------------------------------------------------------------------------


def end_sessions(user: User) -> None:
    """End every session of ``user`` at once: sessions carry the version they were issued
    under, and a session whose version is not the user's is not logged in
    (core/identity/auth.py). Flushes; the caller commits."""
    user.session_version = User.session_version + 1  # in SQL: concurrent bumps both count
    db.session.flush()
    db.session.refresh(user, ["session_version"])
    log.info("sessions of user %s ended", user.id)


def set_password(user: User, new_password: str) -> None:
    """A new password for ``user``; every session of theirs ends (whoever knew the old one
    may hold one)."""
    user.password_hash = hash_password(new_password)
    end_sessions(user)


def disable_user(user: User) -> None:
    """Stop ``user`` logging in: every session ends and every personal API token is revoked
    (so enabling them again brings no old token back)."""
    user.is_enabled = False
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    end_sessions(user)


def enable_user(user: User) -> None:
    """Let a disabled user log in again (with a new login; old sessions and tokens stay ended)."""
    user.is_enabled = True
    db.session.flush()


# --- password reset ----------------------------------------------------------------------


def start_password_reset(email: str) -> tuple[User, str] | None:
    """Make a single-use reset token for the user with ``email``; ``None`` if there is none.

    Only the token's sha256 is stored; the token goes into the mailed link. Older unused
    links of the user stop working.
    """
    user = find_user(email)
    if user is None or not user.is_enabled or user.erased_at is not None:
        return None
    now = clock.now()
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = RESET_TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(PasswordReset(
        user_id=user.id,
        token_hash=_sha256(token),
        expires_at=now + timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"]),
    ))
    db.session.flush()
    return user, token


def finish_password_reset(token: str, new_password: str) -> User | None:
    """Set a new password with a reset token; ``None`` if unknown, used or expired."""
    reset = db.session.scalar(
        sa.select(PasswordReset).filter_by(token_hash=_sha256(token)).with_for_update()
    )
    now = clock.now()
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    reset.used_at = now
    user = reset.user
    set_password(user, new_password)
    return user


# --- personal API tokens -----------------------------------------------------------------


def create_token(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token, which is shown once."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, name=name, scope=TokenScope(scope),
        token_hash=_sha256(token), prefix=token[:10],
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def list_tokens(user: User) -> list[ApiToken]:
    return db.session.scalars(
        sa.select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.id)
    ).all()


def get_own_token(user: User, token_id: int) -> ApiToken | None:
    """One of the user's own tokens (another user's token is as if it did not exist)."""
    return db.session.scalar(sa.select(ApiToken).filter_by(id=token_id, user_id=user.id))


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
    db.session.flush()


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret, or ``None`` (unknown, revoked, or user disabled)."""
    row = db.session.scalar(sa.select(ApiToken).filter_by(token_hash=_sha256(secret)))
    if row is None or row.revoked_at is not None or not row.user.is_enabled:
        return None
    return row


def mark_token_used(token_id: int) -> None:
    """Record the use on its own connection, outside the request's transaction."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=clock.now())
        )


# --- the calendar subscription address ------------------------------------------------


def calendar_feed(user: User) -> CalendarFeed | None:
    """The user's calendar address (its dates, never its secret), or ``None``."""
    return db.session.scalar(sa.select(CalendarFeed).filter_by(user_id=user.id))


def create_calendar_feed(user: User) -> tuple[CalendarFeed, str]:
    """A new secret calendar address for ``user``; an old one stops working at once (one
    address per person). Returns the row and the secret, which is shown once."""
    secret = CALENDAR_FEED_PREFIX + secrets.token_urlsafe(32)
    fresh = {"secret_hash": _sha256(secret), "created_at": clock.now(), "last_used_at": None}
    row = calendar_feed(user)
    if row is None:
        try:
            with db.session.begin_nested():
                row = CalendarFeed(user_id=user.id, **fresh)
                db.session.add(row)
            return row, secret
        except IntegrityError:  # made by a request at the same moment: replace that one
            row = calendar_feed(user)
    for name, value in fresh.items():
        setattr(row, name, value)
    db.session.flush()
    return row, secret


def delete_calendar_feed(user: User) -> bool:
    """Switch the user's calendar address off; ``False`` if there was none."""
    deleted = db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.flush()
    return deleted.rowcount > 0


def calendar_feed_for(secret: str) -> CalendarFeed | None:
    """The live calendar address with this secret, or ``None`` (unknown, replaced, switched
    off, or its user disabled or erased)."""
    row = db.session.scalar(sa.select(CalendarFeed).filter_by(secret_hash=_sha256(secret)))
    if row is None or not row.user.is_enabled or row.user.erased_at is not None:
        return None
    return row


def mark_calendar_feed_used(feed: CalendarFeed) -> None:
    """Record a fetch, at most once an hour: calendar programs poll often, and a write on
    every poll would cost more than knowing the minute is worth."""
    now = clock.now()
    if feed.last_used_at is None or now - feed.last_used_at >= CALENDAR_FEED_USE_RESOLUTION:
        feed.last_used_at = now
        db.session.flush()


# --- OpenID Connect ----------------------------------------------------------------------


class OidcRefused(Exception):
    """The provider's answer does not identify a user we may log in."""


def enabled_provider(key: str) -> IdentityProvider | None:
    return db.session.scalar(sa.select(IdentityProvider).filter_by(key=key, is_enabled=True))


def user_for_oidc_claims(provider: IdentityProvider, claims: dict) -> User:
    """The local user for a verified id_token's claims, linking on first login.

    A known (issuer, subject) logs its user in. Otherwise a user is matched by e-mail, but
    only when the provider says the e-mail is verified, and then the identity is linked so
    later logins go by (issuer, subject) even if the e-mail changes. No user is created:
    people get accounts from their tenant files.
    """
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not issuer or not subject or issuer.rstrip("/") != provider.issuer.rstrip("/"):
        raise OidcRefused("the id_token names no subject of this issuer")
    link = db.session.scalar(
        sa.select(ExternalIdentity).filter_by(issuer=issuer, subject=str(subject))
    )
    if link is None:
        email = (claims.get("email") or "").strip().lower()
        if not email or claims.get("email_verified") is not True:
            raise OidcRefused("the provider did not vouch for an e-mail address")
        user = find_user(email)
        if user is None:
            raise OidcRefused("no user has this e-mail address")
        link = ExternalIdentity(user=user, provider_id=provider.id, issuer=issuer,
                                subject=str(subject))
        db.session.add(link)
    user = link.user
    if not user.is_enabled:
        raise OidcRefused("the user may not log in")
    link.last_login_at = clock.now()
    db.session.flush()
    return user


# --- GDPR --------------------------------------------------------------------------------


def set_mail_settings(user: User, language: str | None = None, daily_digest: bool | None = None) -> User:
    """The person's choices for the mails the platform sends them: the language (``da``,
    ``en``), and one daily digest instead of single mails (core/notifications/digest.py).
    What is not given stays as it is."""
    if language is not None:
        user.language = language
    if daily_digest is not None:
        user.has_daily_digest = daily_digest
    db.session.flush()
    return user


#: What the features built on identity hold about a person, by the name its export gives
#: it: ``(export(user) -> data, erase(user))``. A feature registers its part with
#: :func:`personal_data_part` (the notes and comments, core/annotations/operations.py), so
#: identity imports none of them; the export and the erasure call every part.
PERSONAL_DATA_PARTS: dict[str, tuple[Callable, Callable]] = {}


def personal_data_part(name: str, export: Callable, erase: Callable) -> None:
    """Register a feature's personal data: ``export(user)`` gives it for the export (under
    ``name``), ``erase(user)`` deletes or empties it with the erasure (it flushes)."""
    PERSONAL_DATA_PARTS[name] = (export, erase)


def export_personal_data(user: User) -> dict:
    """Everything personal the platform holds about ``user`` (GDPR art. 15 and 20)."""
    data = {
        "user": {
            "id": user.id, "email": user.email, "name": user.name,
            "created_at": user.created_at.isoformat(),
            "is_platform_admin": user.is_platform_admin,
            "language": user.language, "has_daily_digest": user.has_daily_digest,
            "erased_at": user.erased_at.isoformat() if user.erased_at else None,
        },
        "organisations": [
            {"code": a.organisation.code, "name": a.organisation.name} for a in user.affiliations
        ],
        "identities": [
            {"issuer": i.issuer, "subject": i.subject, "created_at": i.created_at.isoformat(),
             "last_login_at": i.last_login_at.isoformat() if i.last_login_at else None}
            for i in db.session.scalars(sa.select(ExternalIdentity).filter_by(user_id=user.id))
        ],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "scope": t.scope.value,
             "created_at": t.created_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
             "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}
            for t in list_tokens(user)
        ],
        "calendar_feed": _feed_export(calendar_feed(user)),
    }
    from core.dashboard.operations import overview  # the dashboard builds on identity

    data["tenants"] = overview(user)["tenants"]
    for name, (export, _erase) in PERSONAL_DATA_PARTS.items():
        data[name] = export(user)
    return data


def _feed_export(feed: CalendarFeed | None) -> dict | None:
    """Whether the user has a calendar address and its dates; never the secret."""
    if feed is None:
        return None
    return {"created_at": feed.created_at.isoformat(),
            "last_used_at": feed.last_used_at.isoformat() if feed.last_used_at else None}


def erasure_digest(email: str) -> str:
    """The keyed hash an erased user's e-mail address is remembered by (HMAC-SHA256 with
    ``SECRET_KEY``): enough to recognise the address in a tenant file, not to recover it.
    Rotating the secret key forgets which addresses were erased."""
    import hashlib
    import hmac

    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def erased_on(email: str):
    """When the person who had ``email`` was erased, or ``None``."""
    return db.session.scalar(
        sa.select(User.erased_at).where(User.erased_email_digest == erasure_digest(email))
    )


def erase_user(user: User) -> User:
    """Pseudonymise ``user`` (GDPR art. 17) while the record of what they did stays.

    Name and e-mail are replaced, login is disabled (every session ended; password,
    identities, tokens, reset links and the calendar address removed), affiliations and tenant administration are
    removed, and each registered feature's part erased (:data:`PERSONAL_DATA_PARTS`: notes
    deleted, comments emptied). Seats, attendance, votes and minutes keep pointing at the same row, which now
    reads as a pseudonym, so decisions stay explainable and audit chains intact.
    """
    from core.tenants.models import TenantAdmin

    user.erased_email_digest = erasure_digest(user.email)
    user.name = f"Slettet bruger {user.id}"
    user.email = f"erased-{user.id}@invalid"
    user.password_hash = None
    user.is_enabled = False
    user.is_platform_admin = False
    user.erased_at = clock.now()
    user.affiliations.clear()
    for model in (Affiliation, ApiToken, PasswordReset, ExternalIdentity, CalendarFeed):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    with all_tenants():
        db.session.execute(sa.delete(TenantAdmin).where(TenantAdmin.user_id == user.id))
    for _export, erase in PERSONAL_DATA_PARTS.values():
        erase(user)
    end_sessions(user)
    return user


def list_providers() -> list[IdentityProvider]:
    return db.session.scalars(
        sa.select(IdentityProvider).filter_by(is_enabled=True).order_by(IdentityProvider.name)
    ).all()


# --- contact details within a tenant -------------------------------------------------------


def body_contacts(body) -> list[dict]:
    """The people holding the body's seats today, with the e-mail their fellow members may
    use (personal data: shown to the body's members and the secretariat only)."""
    today = clock.today()
    return [
        {"seat": s.key, "title": s.title, "organisation": s.organisation.code,
         "name": holder.name, "email": holder.email}
        for s in sorted(body.seats, key=lambda s: s.position)
        if (holder := s.holder_on(today)) is not None and s.is_valid_on(today)
        and holder.erased_at is None
    ]


def tenant_person(tenant_id: int, email: str) -> User | None:
    """The person with ``email`` if they are one of the tenant's own people: holding (or
    having held) a seat in one of its bodies, administering it, or acting for an
    organisation that holds a seat there, takes part in its plan or receives a body's
    material. ``None`` alike for an address nobody has, an erased person and a platform
    user with no tie to the tenant: a tenant's secretariat looking a person up (a substitute,
    a delegate) learns nothing about who else has an account on the platform."""
    from core.bodies.models import BodyRecipient
    from core.tenants.models import Participation

    user = find_user(email)
    if user is None or user.erased_at is not None:
        return None
    ties = [
        # holding or having held: any holding, of any day
        sa.select(SeatHolding.id).where(SeatHolding.tenant_id == tenant_id,
                                        SeatHolding.holder_id == user.id),
        sa.select(TenantAdmin.id).where(TenantAdmin.tenant_id == tenant_id,
                                        TenantAdmin.user_id == user.id),
    ]
    org_ids = [a.organisation_id for a in user.affiliations]
    if org_ids:
        ties += [
            sa.select(Seat.id).where(Seat.tenant_id == tenant_id, Seat.organisation_id.in_(org_ids)),
            sa.select(Participation.id).where(Participation.tenant_id == tenant_id,
                                              Participation.organisation_id.in_(org_ids)),
            sa.select(BodyRecipient.id).where(BodyRecipient.tenant_id == tenant_id,
                                              BodyRecipient.organisation_id.in_(org_ids)),
        ]
    return user if db.session.scalar(sa.select(sa.or_(*(t.exists() for t in ties)))) else None


def tenant_people(tenant) -> list[dict]:
    """Everyone with a seat or the administration in the current tenant, or invited by its
    secretariat (core/identity/people.py): name, e-mail, the organisations they act for
    among the tenant's own, and seats. A person's other organisations and tenants are not
    the tenant's business."""
    from core.identity.models import Invitation
    from core.tenants.models import Participation

    today = clock.today()
    seats = db.session.scalars(
        sa.select(Seat).where(Seat.not_ended_sql(today))
        .order_by(Seat.body_id, Seat.position)
    ).all()
    admins = db.session.scalars(sa.select(TenantAdmin)).all()
    invited = db.session.scalars(sa.select(Invitation)).all()
    # the tenant's organisations: taking part in it, or represented by one of its seats
    here = set(db.session.scalars(sa.select(Participation.organisation_id)
                                  .where(Participation.tenant_id == tenant.id)))
    here |= set(db.session.scalars(sa.select(Seat.organisation_id).where(Seat.tenant_id == tenant.id)))
    people: dict[int, dict] = {}

    def entry(user):
        return people.setdefault(user.id, {
            "id": user.id, "name": user.name, "email": user.email, "is_admin": False, "seats": [],
            "organisations": sorted(a.organisation.code for a in user.affiliations
                                    if a.organisation_id in here),
        })

    for admin in admins:
        entry(admin.user)["is_admin"] = True
    for seat in seats:
        if (holder := seat.holder_on(today)) is not None:
            entry(holder)["seats"].append(f"{seat.body.key}/{seat.key}")
    for invitation in invited:
        if invitation.user.erased_at is None:
            entry(invitation.user)
    return sorted(people.values(), key=lambda p: (p["name"], p["id"]))
