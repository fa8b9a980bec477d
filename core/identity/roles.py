"""The roles a person has in a body or tenant, least to most (docs/permissions.md).

Its own module, importing nothing, so the OpenAPI document (core/openapi.py), which the
extensions build, can read a route's role without reaching the permission checks, which
read the bodies' seats. Everyone else imports it from :mod:`core.identity.permissions`.
"""

from __future__ import annotations

import enum


class Role(enum.IntEnum):
    """Roles from least to most; a higher role may do what a lower one may."""

    PUBLIC = 0
    #: Logged in, whatever their seats.
    AUTHENTICATED = 1
    #: Receives a body's material without a seat (CORE-INFORMATION-RECIPIENTS).
    INFORMATION_RECIPIENT = 2
    #: Holds a seat in the body.
    MEMBER = 3
    #: Holds the body's secretary seat.
    BODY_SECRETARY = 4
    #: Administers the tenant (the secretariat).
    TENANT_ADMIN = 5
    #: Administers the platform.
    PLATFORM_ADMIN = 6
