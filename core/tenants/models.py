"""The tenants: one municipality's governance set-up, loaded from its tenant file."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, situation_version_column, utcnow
from core.tenancy import TenantScoped


class Tenant(db.Model):
    """A municipality and its helhedsplan: the unit of isolation (global table)."""

    __tablename__ = "tenants"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The tenant's key in URLs, e.g. ``albertslund``.
    slug: Mapped[str] = mapped_column(sa.String(40), nullable=False, unique=True)
    #: Display name, e.g. "Albertslund Kommune".
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: The plan governed, e.g. "ABC helhedsplan 2017-2020".
    plan: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: Entry-point names of the rule plugins that apply, in the tenant file's order.
    plugins: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: The municipality as an organisation.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=True, index=True
    )
    #: First day of the plan period.
    period_start: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Last day of the plan period.
    period_end: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: IANA time zone of the municipality's meetings.
    timezone: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="Europe/Copenhagen")
    #: When the tenant file was last loaded.
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: What the last ``tenants sync`` left (``at``, ``file``, ``state``: every fact a tenant
    #: file holds, one value per path), so the next one sees what the browser changed since
    #: (core/tenants/sync_state.py); ``None`` before the first sync that kept it.
    synced_state: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    #: When the tenant was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: Changes whenever a platform row the rules' situation reads changes (an
    #: organisation, a person's e-mail): votes check it (core/decisions/operations/situation.py).
    situation_version: Mapped[str] = situation_version_column()

    organisation = relationship("Organisation", lazy="joined")

    def facts(self):
        """The tenant as hooks see it (``TenantFacts``), with its municipality's code."""
        from core.rules.types import TenantFacts

        return TenantFacts(id=self.id, slug=self.slug, name=self.name,
                           municipality=self.organisation.code if self.organisation else None)

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class Participation(TenantScoped, db.Model):
    """An organisation taking part in a tenant's plan (a party to it)."""

    __tablename__ = "participations"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "organisation_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organisation taking part.
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=False, index=True
    )
    #: Where the organisation's hearings go in this tenant (a person or a shared address,
    #: the tenant file's ``hearing_contacts``): it answers through a personal link.
    hearing_contact_email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    #: The hearing contact's name, if given.
    hearing_contact_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)

    organisation = relationship("Organisation", lazy="joined")


class TenantAdmin(TenantScoped, db.Model):
    """A user who administers a tenant (its secretariat)."""

    __tablename__ = "tenant_admins"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "user_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The administering user.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )

    user = relationship("User")
