from marshmallow import Schema, fields, validate

from core.fields import Text, VisibleText
from core.identity.models import MAIL_LANGUAGES
from core.openapi import Boolean


class LoginSchema(Schema):
    email = fields.Email(required=True)
    password = Text(required=True, validate=validate.Length(min=1, max=1024), load_only=True)


class PendingItemSchema(Schema):
    kind = Text()
    title = Text()
    title_en = Text()
    body = Text(allow_none=True)
    url = Text(allow_none=True)
    due = fields.Date(allow_none=True)
    clause = Text(allow_none=True)
    #: The page where a person does it (``url`` is the API path, or a plugin's own link);
    #: when the hook gave none: ``url`` if it is a page, else the body's or tenant's page.
    page_url = Text()
    #: The tenant's slug (the item is also listed under its tenant).
    tenant = Text()


class MeSeatSchema(Schema):
    key = Text()
    title = Text()
    role = Text()
    is_voting = Boolean()
    organisation = Text()


class MeBodySchema(Schema):
    key = Text()
    name = Text()
    seats = fields.List(fields.Nested(MeSeatSchema))


class MeTenantSchema(Schema):
    slug = Text()
    name = Text()
    is_admin = Boolean()
    bodies = fields.List(fields.Nested(MeBodySchema))
    #: The user's organisations that take part in the tenant's plan or receive a body's
    #: material there (CORE-INFORMATION-RECIPIENTS): why a tenant without a seat of theirs is
    #: listed.
    organisations = fields.List(Text())
    #: What waits for the user in this tenant (the ``pending_for_user`` hook).
    pending = fields.List(fields.Nested(PendingItemSchema))


class MeSchema(Schema):
    email = Text()
    name = Text()
    organisations = fields.List(Text())
    tenants = fields.List(fields.Nested(MeTenantSchema))


class MailSettingsSchema(Schema):
    """The person's choices for the mails they get (their account page says the same)."""

    #: The language of their mails: Danish or English.
    language = Text(validate=validate.OneOf(MAIL_LANGUAGES), metadata={"example": "en"})
    #: One mail a day with the day's news, grouped by municipality and body, instead of
    #: single mails.
    daily_digest = Boolean(attribute="has_daily_digest", data_key="daily_digest")


class PasswordResetRequestSchema(Schema):
    email = fields.Email(required=True)


class PasswordResetSchema(Schema):
    token = Text(required=True, validate=validate.Length(min=10, max=200), load_only=True)
    password = Text(
        required=True, validate=validate.Length(min=10, max=1024), load_only=True
    )


class TokenCreateSchema(Schema):
    name = VisibleText(required=True, validate=validate.Length(min=1, max=100))
    scope = Text(load_default="read", validate=validate.OneOf(["read", "write"]))


class TokenSchema(Schema):
    id = fields.Integer()
    name = Text()
    prefix = Text()
    scope = fields.Function(lambda t: t.scope.value)
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    #: The token itself: shown this once, never again.
    token = Text()


class ProviderSchema(Schema):
    key = Text()
    name = Text()
    login_url = Text()


class EraseSchema(Schema):
    confirm = Boolean(required=True, validate=validate.Equal(True))


class ContactSchema(Schema):
    seat = Text()
    title = Text()
    organisation = Text()
    name = Text()
    email = Text()


class PersonSchema(Schema):
    id = fields.Integer()
    name = Text()
    email = Text()
    is_admin = Boolean()
    organisations = fields.List(Text())
    seats = fields.List(Text())


# --- the secretariat's people (core/identity/people.py) ----------------------------------


class InvitationSchema(Schema):
    """Invite a person by e-mail to act for one of the tenant's organisations: a new
    account named ``name`` where nobody has the address, else the person who has it."""

    email = fields.Email(required=True)
    name = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    organisation = Text(required=True, validate=validate.Length(min=1, max=64))
    language = Text(load_default="da", validate=validate.OneOf(MAIL_LANGUAGES))


class PersonNameSchema(Schema):
    """A person's name as the platform shows it."""

    name = Text(required=True, validate=validate.Length(min=1, max=200))


class AffiliationCreateSchema(Schema):
    """The person acts for ``organisation`` from ``valid_from`` (today where not given)."""

    organisation = Text(required=True, validate=validate.Length(min=1, max=64))
    valid_from = fields.Date(load_default=None, allow_none=True)


class AffiliationEndSchema(Schema):
    """The person no longer acts for the organisation from ``ended_on`` (the first day)."""

    ended_on = fields.Date(required=True)


class AffiliationSchema(Schema):
    id = fields.Integer()
    organisation = Text()
    organisation_name = Text()
    valid_from = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    is_current = Boolean()


class PersonSeatSchema(Schema):
    body = Text()
    body_name = Text()
    key = Text()
    title = Text()


class PersonDetailSchema(Schema):
    """What the secretariat sees of a person: this tenant's part only."""

    id = fields.Integer()
    name = Text()
    email = Text()
    is_admin = Boolean()
    affiliations = fields.List(fields.Nested(AffiliationSchema))
    seats = fields.List(fields.Nested(PersonSeatSchema))
    invited_at = fields.DateTime(allow_none=True)


class ProviderCreateSchema(Schema):
    """An OpenID Connect provider (the checks of ``kommissorium idp add``): the client
    secret stays in the environment variable ``client_secret_env`` names, never here. The
    platform administrator names its ``organisation`` and/or ``tenant``; under a tenant it
    is the tenant's own."""

    key = Text(required=True, validate=validate.Length(min=1, max=40))
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    issuer = fields.URL(required=True, require_tld=False, schemes={"https", "http"},
                        validate=validate.Length(max=500))
    client_id = Text(required=True, validate=validate.Length(min=1, max=255))
    client_secret_env = Text(required=True, validate=validate.Length(min=1, max=100))
    scopes = Text(load_default="openid email profile", validate=validate.Length(min=1, max=300))
    organisation = Text(load_default=None, allow_none=True, validate=validate.Length(max=32))
    tenant = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))
    is_enabled = Boolean(load_default=True)


class ProviderChangeSchema(Schema):
    """A provider's fields to change (``is_enabled`` false: disabled, no longer offered)."""

    name = Text(validate=validate.Length(min=1, max=200))
    issuer = fields.URL(require_tld=False, schemes={"https", "http"}, validate=validate.Length(max=500))
    client_id = Text(validate=validate.Length(min=1, max=255))
    client_secret_env = Text(validate=validate.Length(min=1, max=100))
    scopes = Text(validate=validate.Length(min=1, max=300))
    organisation = Text(allow_none=True, validate=validate.Length(max=32))
    tenant = Text(allow_none=True, validate=validate.Length(max=40))
    is_enabled = Boolean()


class ProviderDetailSchema(Schema):
    """A provider as its administrators see it: never the secret, only whether the
    environment variable holding it is set."""

    key = Text()
    name = Text()
    issuer = Text()
    client_id = Text()
    client_secret_env = Text()
    secret_is_set = Boolean()
    scopes = Text()
    organisation = Text(allow_none=True)
    organisation_name = Text(allow_none=True)
    tenant = Text(allow_none=True)
    is_enabled = Boolean()
    login_url = Text()
