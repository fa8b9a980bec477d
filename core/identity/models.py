"""Users and the organisations they act for: global, so one login spans every tenant."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column, utcnow
from core.tenancy import TenantScoped


#: The languages of the platform's mails, Danish first (the pages' languages, core/web/i18n.py).
MAIL_LANGUAGES = ("da", "en")


class User(UserMixin, db.Model):
    """A person who logs in (global table)."""

    __tablename__ = "users"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login and contact address, stored lower-case.
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, unique=True)
    #: Full name as shown to other members.
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: argon2 hash of the password; ``None`` for users who log in only through their IdP.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    #: Whether the user may log in at all.
    is_enabled: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    #: Whether the user administers the whole platform.
    is_platform_admin: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: When the user was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: Sessions carry the version they were issued under; bumping it (logout, a new
    #: password, disabling, erasure) ends every session of the user at once (core/identity/auth.py).
    session_version: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=1, server_default="1"
    )
    #: The language of the mails the platform sends the person (``da`` or ``en``, the
    #: pages' languages, core/web/i18n.py), chosen on their account page.
    language: Mapped[str] = mapped_column(
        sa.String(2), nullable=False, default="da", server_default="da"
    )
    #: Whether the person takes the day's mails as one daily digest instead of one by one
    #: (core/notifications/digest.py).
    has_daily_digest: Mapped[bool] = mapped_column(
        sa.Boolean, nullable=False, default=False, server_default=sa.false()
    )
    #: When the user's personal data was erased (GDPR); the row stays, pseudonymised.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: A keyed hash (HMAC-SHA256 with the secret key) of the e-mail address an erased user
    #: had: the address itself is gone, but a tenant file that still lists it is refused
    #: instead of re-creating the person (see ``core.identity.operations.erasure_digest``).
    erased_email_digest: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)

    #: The organisations the person acts for today: an affiliation ended from a day
    #: (``Affiliation.ended_on``) no longer counts from that day, read against the
    #: platform's clock when the collection is loaded (:func:`_affiliation_today`). Every
    #: reader of ``user.affiliations`` (the rules, hearings, access) so sees today's.
    affiliations = relationship(
        "Affiliation", back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        primaryjoin=lambda: sa.and_(
            Affiliation.user_id == User.id,
            sa.or_(Affiliation.valid_from.is_(None), Affiliation.valid_from <= _TODAY),
            sa.or_(Affiliation.ended_on.is_(None), Affiliation.ended_on > _TODAY)),
    )
    #: Every affiliation of the person, ended ones too (their history; the secretariat's
    #: page and the erasure read it).
    affiliation_history = relationship(
        "Affiliation", viewonly=True, lazy="select", order_by="Affiliation.id",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled

    @property
    def organisations(self):
        return [a.organisation for a in self.affiliations]

    def __repr__(self) -> str:
        return f"<User {self.id}>"


def _affiliation_today() -> date:
    """The day an affiliation is read on: the platform's clock (core/clock.py), in the
    request's tenant's time zone, evaluated each time a user's affiliations are loaded."""
    from core import clock

    return clock.today()


#: The bound value of "today" in ``User.affiliations``: computed at each execution, so a
#: cached statement still reads the day it runs on.
_TODAY = sa.bindparam("affiliation_today", callable_=_affiliation_today, type_=sa.Date)


class Affiliation(db.Model):
    """A user acts for an organisation (global table), from a day to the day before
    ``ended_on``. Ending one keeps the row: who acted for whom when is history
    (docs/decisions/0043-people-administration.md). At most one open affiliation per
    person and organisation (a database constraint); an ended one may be followed by a new
    one."""

    __tablename__ = "affiliations"
    __table_args__ = (
        sa.Index("uq_affiliations_open", "user_id", "organisation_id", unique=True,
                 sqlite_where=sa.text("ended_on IS NULL"),
                 postgresql_where=sa.text("ended_on IS NULL")),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The organisation the person acts for.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The first day the person acts for the organisation (``None``: since before the
    #: platform knew; a tenant file's affiliations have none).
    valid_from: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The first day the person no longer acts for it (``None``: while it lasts).
    ended_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    user = relationship("User", back_populates="affiliations")
    organisation = relationship("Organisation", lazy="joined")

    def is_current_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.ended_on is None or self.ended_on > day))

    @classmethod
    def current_sql(cls, day: date | None = None):
        """:meth:`is_current_on` as an SQL condition (today's, by the platform's clock,
        where no day is given)."""
        day = day or _affiliation_today()
        return sa.and_(sa.or_(cls.valid_from.is_(None), cls.valid_from <= day),
                       sa.or_(cls.ended_on.is_(None), cls.ended_on > day))


class TokenScope(enum.Enum):
    #: GET (and HEAD/OPTIONS) only.
    READ = "read"
    #: Every method the user may use.
    WRITE = "write"


class ApiToken(db.Model):
    """A personal API token for programs (global table): only its sha256 is stored."""

    __tablename__ = "api_tokens"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The user the token acts as.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The owner's label, e.g. "Rapport-script".
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: Hex sha256 of the token (the token itself is shown once and never stored).
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    #: The token's first characters, so the owner can recognise it in a list.
    prefix: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    #: Read or write.
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, "token_scope"), nullable=False)
    #: When the token was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When the token was last accepted.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When the owner revoked it; a revoked token is refused.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")


class PasswordReset(db.Model):
    """A single-use, expiring password-reset link (global table): only its sha256 is stored."""

    __tablename__ = "password_resets"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The user whose password may be reset.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Hex sha256 of the token mailed in the link.
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    #: When the link was mailed.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: After this the link is refused.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: When the link was used; a used link is refused.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")


class IdentityProvider(db.Model):
    """An OpenID Connect provider that logs in the people of an organisation or a tenant
    (global table: login happens before any tenant is chosen)."""

    __tablename__ = "identity_providers"
    __table_args__ = (
        sa.CheckConstraint(
            "organisation_id IS NOT NULL OR tenant_id IS NOT NULL", name="owner_given"
        ),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Key in the login URL, e.g. ``kab``.
    key: Mapped[str] = mapped_column(sa.String(40), nullable=False, unique=True)
    #: Shown on the login button, e.g. "KAB (Microsoft Entra ID)".
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: The issuer URL; discovery is read from ``<issuer>/.well-known/openid-configuration``.
    issuer: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    #: The client id registered with the provider.
    client_id: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    #: Name of the environment variable holding the client secret (never the secret itself).
    client_secret_env: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: Space-separated scopes to ask for; must include ``openid``.
    scopes: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="openid email profile")
    #: The organisation whose people log in through it, if configured per organisation.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The tenant whose people log in through it, if configured per tenant.
    tenant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: Whether the provider is offered.
    is_enabled: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)


class ExternalIdentity(db.Model):
    """A user's account at an identity provider, linked by (issuer, subject) (global table)."""

    __tablename__ = "external_identities"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The local user.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The provider it came through.
    provider_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("identity_providers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The id_token's ``iss``.
    issuer: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    #: The id_token's ``sub``: stable per user at that issuer.
    subject: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    #: When it was linked.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: Last login through it.
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")


class CalendarFeed(db.Model):
    """A person's secret calendar address, for a calendar program that subscribes without a
    login (global table: the feed spans tenants). Only the secret's sha256 is stored; at
    most one address per person (a new one replaces the old)."""

    __tablename__ = "calendar_feeds"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person whose meetings the feed shows; one address per person.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    #: Hex sha256 of the secret in the address (the address is shown once, never stored).
    secret_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    #: When the address was made (a new address resets it).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: When a calendar program last fetched the feed, to the hour (not written on every fetch).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")


class Invitation(TenantScoped, db.Model):
    """A tenant's secretariat invited a person to act for an organisation there: the
    invitation mail (core/notifications/mails.py) carries a link to set a password, or to
    log in with the identity provider of the organisation or the tenant where one is
    configured. The link's token is never stored: it is an HMAC of ``nonce`` under the
    platform's secret key, so the mail is worded when it is delivered; a password link is
    a ``PasswordReset`` row holding its SHA-256 (docs/decisions/0043-people-administration.md).
    One invitation per person and organisation in a tenant: inviting again sends nothing new."""

    __tablename__ = "invitations"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "user_id", "organisation_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person invited.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The organisation they were invited to act for.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Who invited them (a user id; kept as a number, as the audit log keeps its actors).
    invited_by_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: Random; the link's token is HMAC-SHA256(secret key, nonce).
    nonce: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: Whether the mail offers a password link (the person has no password and no identity
    #: provider serves them) rather than a login.
    has_password_link: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: When the invitation was made.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user = relationship("User")
    organisation = relationship("Organisation")
