"""Users and the organisations they act for: global, so one login spans every tenant."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, utcnow


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

    affiliations = relationship(
        "Affiliation", back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled

    @property
    def organisations(self):
        return [a.organisation for a in self.affiliations]

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class Affiliation(db.Model):
    """A user acts for an organisation (global table)."""

    __tablename__ = "affiliations"
    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)

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

    user = relationship("User", back_populates="affiliations")
    organisation = relationship("Organisation", lazy="joined")
