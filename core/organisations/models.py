"""Organisations: global, because one housing organisation takes part in many tenants."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import enum_column


class OrganisationKind(enum.Enum):
    HOUSING_ORGANISATION = "housing_organisation"
    ADMINISTRATION_COMPANY = "administration_company"
    MUNICIPALITY = "municipality"
    MUNICIPAL_ADMINISTRATION = "municipal_administration"
    INTEREST_ORGANISATION = "interest_organisation"
    #: The residents' own representation (afdelingsbestyrelse, beboerrepræsentation).
    RESIDENTS_REPRESENTATION = "residents_representation"
    SECRETARIAT = "secretariat"
    POLICE = "police"


class Organisation(db.Model):
    """A housing organisation, municipality, administration or secretariat (global table)."""

    __tablename__ = "organisations"

    #: Primary key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code used in tenant files and vote explanations, e.g. ``AKB``.
    code: Mapped[str] = mapped_column(sa.String(32), nullable=False, unique=True)
    #: Full name.
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: What kind of organisation it is.
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind"), nullable=False
    )
    #: The organisation that administers this one (AKB is administered by KAB), if any.
    administered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=True, index=True
    )

    administered_by = relationship("Organisation", remote_side=[id])

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"
