from marshmallow import Schema, fields, validate

from core.openapi import Boolean


class LoginSchema(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024), load_only=True)


class PendingItemSchema(Schema):
    kind = fields.String()
    title = fields.String()
    title_en = fields.String()
    body = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    due = fields.Date(allow_none=True)
    clause = fields.String(allow_none=True)
    #: The page where a person does it (``url`` is the API path, or a plugin's own link);
    #: when the hook gave none: ``url`` if it is a page, else the body's or tenant's page.
    page_url = fields.String()
    #: The tenant's slug (the item is also listed under its tenant).
    tenant = fields.String()


class MeSeatSchema(Schema):
    key = fields.String()
    title = fields.String()
    role = fields.String()
    is_voting = Boolean()
    organisation = fields.String()


class MeBodySchema(Schema):
    key = fields.String()
    name = fields.String()
    seats = fields.List(fields.Nested(MeSeatSchema))


class MeTenantSchema(Schema):
    slug = fields.String()
    name = fields.String()
    is_admin = Boolean()
    bodies = fields.List(fields.Nested(MeBodySchema))
    #: The user's organisations that take part in the tenant's plan or receive a body's
    #: material there (KBH-2): why a tenant without a seat of theirs is listed.
    organisations = fields.List(fields.String())
    #: What waits for the user in this tenant (the ``pending_for_user`` hook).
    pending = fields.List(fields.Nested(PendingItemSchema))


class MeSchema(Schema):
    email = fields.String()
    name = fields.String()
    organisations = fields.List(fields.String())
    tenants = fields.List(fields.Nested(MeTenantSchema))


class PasswordResetRequestSchema(Schema):
    email = fields.Email(required=True)


class PasswordResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=200), load_only=True)
    password = fields.String(
        required=True, validate=validate.Length(min=10, max=1024), load_only=True
    )


class TokenCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scope = fields.String(load_default="read", validate=validate.OneOf(["read", "write"]))


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    scope = fields.Function(lambda t: t.scope.value)
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    #: The token itself: shown this once, never again.
    token = fields.String()


class ProviderSchema(Schema):
    key = fields.String()
    name = fields.String()
    login_url = fields.String()


class EraseSchema(Schema):
    confirm = Boolean(required=True, validate=validate.Equal(True))


class ContactSchema(Schema):
    seat = fields.String()
    title = fields.String()
    organisation = fields.String()
    name = fields.String()
    email = fields.String()


class PersonSchema(Schema):
    name = fields.String()
    email = fields.String()
    is_admin = Boolean()
    organisations = fields.List(fields.String())
    seats = fields.List(fields.String())
