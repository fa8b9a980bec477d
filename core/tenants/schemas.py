from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate

from core.fields import Text
from core.identity.models import MAIL_LANGUAGES
from core.organisations.models import OrganisationKind


class OrganisationSchema(Schema):
    code = Text()
    name = Text()
    kind = fields.Function(lambda o: o.kind.value)
    administered_by = fields.Function(
        lambda o: o.administered_by.code if o.administered_by is not None else None
    )


class TenantSchema(Schema):
    slug = Text()
    name = Text()
    plan = Text()
    plugins = fields.List(Text())
    organisation = fields.Function(lambda t: t.organisation.code if t.organisation else None)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    timezone = Text()


def _zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError("Not a valid IANA time zone, e.g. Europe/Copenhagen.")


class TenantCreateSchema(Schema):
    """A new tenant (core/tenants/onboarding.py): the municipality by its organisation's
    code (an existing organisation is found; ``organisation_name`` names a new one) and the
    first secretariat person, invited by mail."""

    name = Text(required=True, validate=validate.Length(min=1, max=200))
    slug = Text(required=True, validate=validate.Length(min=1, max=40))
    plan = Text(load_default="", validate=validate.Length(max=200))
    period_start = fields.Date(load_default=None, allow_none=True)
    period_end = fields.Date(load_default=None, allow_none=True)
    plugins = fields.List(Text(validate=validate.Length(min=1, max=100)), load_default=list)
    timezone = Text(load_default="Europe/Copenhagen", validate=_zone)
    organisation = Text(required=True, validate=validate.Length(min=1, max=32))
    organisation_name = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    secretary_email = fields.Email(required=True, validate=validate.Length(max=254))
    secretary_name = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    secretary_language = Text(load_default="da", validate=validate.OneOf(MAIL_LANGUAGES))


class OrganisationAddSchema(Schema):
    """An organisation takes part in the tenant: found by ``code`` where the platform knows
    it, else created from ``name``, ``kind`` and ``administered_by``."""

    code = Text(required=True, validate=validate.Length(min=1, max=32))
    name = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    kind = Text(load_default=None, allow_none=True,
                validate=validate.OneOf([k.value for k in OrganisationKind]))
    administered_by = Text(load_default=None, allow_none=True, validate=validate.Length(max=32))


class PluginSchema(Schema):
    """A rule plugin installed on the platform."""

    name = Text()


class TenantFileUploadSchema(Schema):
    """A tenant file's text (TOML, docs/tenant-files.md) and the name it is known by."""

    filename = Text(load_default="kommune.toml", validate=validate.Length(min=1, max=200))
    content = Text(required=True, validate=validate.Length(min=1, max=1_000_000))


class FileProblemSchema(Schema):
    """A problem of a tenant file: the entry and field it is about, and the clause."""

    entry = Text()
    field = Text(allow_none=True)
    message = Text()
    clause = Text(allow_none=True)


class TenantFilePreviewSchema(Schema):
    """What a tenant file does (or would do): the tenant's slug, each change, and, where it
    cannot be applied, every problem."""

    filename = Text()
    slug = Text(allow_none=True)
    ok = fields.Boolean()
    changes = fields.List(Text())
    problems = fields.List(fields.Nested(FileProblemSchema))
