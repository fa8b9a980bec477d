"""Shared column helpers for the models of every feature."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    """The columns' default time: the platform's one clock (core/clock.py)."""
    from core import clock

    return clock.now()


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column storing the member's value, with a named CHECK constraint."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def new_version() -> str:
    """A fresh, never repeated version token (a random UUID's hex): what a row's
    ``situation_version`` is set to whenever something the rules read from it changes.
    Random rather than counted, so a database emptied and filled again (tests, a restore)
    never hands out a token an earlier state had."""
    return uuid.uuid4().hex


def situation_version_column():
    """``situation_version``: changes with every write that changes what the rules see of
    the row (docs/decisions/0034-a-vote-reads-what-voting-opened-with.md)."""
    return mapped_column(sa.String(32), nullable=False, default=new_version,
                         server_default="")
