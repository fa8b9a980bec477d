from marshmallow import Schema, fields, validate


class LoginSchema(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024), load_only=True)


class MeSeatSchema(Schema):
    key = fields.String()
    title = fields.String()
    role = fields.String()
    is_voting = fields.Boolean()
    organisation = fields.String()


class MeBodySchema(Schema):
    key = fields.String()
    name = fields.String()
    seats = fields.List(fields.Nested(MeSeatSchema))


class MeTenantSchema(Schema):
    slug = fields.String()
    name = fields.String()
    is_admin = fields.Boolean()
    bodies = fields.List(fields.Nested(MeBodySchema))


class MeSchema(Schema):
    email = fields.String()
    name = fields.String()
    organisations = fields.List(fields.String())
    tenants = fields.List(fields.Nested(MeTenantSchema))
