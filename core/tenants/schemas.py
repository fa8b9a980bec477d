from marshmallow import Schema, fields
from core.fields import Text


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
