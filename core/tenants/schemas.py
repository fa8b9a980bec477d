from marshmallow import Schema, fields


class OrganisationSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.Function(lambda o: o.kind.value)
    administered_by = fields.Function(
        lambda o: o.administered_by.code if o.administered_by is not None else None
    )


class TenantSchema(Schema):
    slug = fields.String()
    name = fields.String()
    plan = fields.String()
    plugins = fields.List(fields.String())
    organisation = fields.Function(lambda t: t.organisation.code if t.organisation else None)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    timezone = fields.String()
