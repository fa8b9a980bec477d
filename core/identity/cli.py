"""``kommissorium users …`` and ``kommissorium idp …``: a user's password, disabling,
GDPR export and erasure; the OpenID Connect providers (registered by core/cli.py)."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext


@click.group()
def users():
    """Users: passwords, disabling, GDPR export and erasure."""


@users.command("set-password")
@click.argument("email")
@click.password_option()
@with_appcontext
def users_set_password(email: str, password: str):
    """Set a user's password; every session of theirs ends."""
    from core.extensions import db
    from core.identity.operations import set_password

    set_password(_user_by_email(email), password)
    db.session.commit()
    click.echo(f"password set for {email}; their sessions have ended")


@users.command("disable")
@click.argument("email")
@with_appcontext
def users_disable(email: str):
    """Stop a user logging in: every session ends and every API token is revoked."""
    from core.extensions import db
    from core.identity.operations import disable_user

    user = _user_by_email(email)
    disable_user(user)
    db.session.commit()
    click.echo(f"user {user.id} disabled; their sessions have ended and their API tokens are revoked")


@users.command("enable")
@click.argument("email")
@with_appcontext
def users_enable(email: str):
    """Let a disabled user log in again (old sessions and tokens stay ended)."""
    from core.extensions import db
    from core.identity.operations import enable_user

    user = _user_by_email(email)
    if user.erased_at is not None:
        raise click.ClickException(f"user {user.id} was erased and cannot log in again")
    enable_user(user)
    db.session.commit()
    click.echo(f"user {user.id} enabled")


def _user_by_email(email: str):
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import User

    user = db.session.scalar(sa.select(User).filter_by(email=email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    return user


@users.command("export")
@click.argument("email")
@with_appcontext
def users_export(email: str):
    """Print a user's personal data as JSON (GDPR art. 15/20)."""
    import json

    from core.identity.operations import export_personal_data

    click.echo(json.dumps(export_personal_data(_user_by_email(email)), indent=2, ensure_ascii=False))


@users.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def users_erase(email: str, yes: bool):
    """Pseudonymise a user (GDPR art. 17); seats, votes and minutes keep the pseudonym."""
    from core.extensions import db
    from core.identity.operations import erase_user

    user = _user_by_email(email)
    if not yes:
        click.confirm(f"Erase the personal data of user {user.id}?", abort=True)
    erase_user(user)
    db.session.commit()
    click.echo(f"user {user.id} erased: now {user.name!r}")


# ---------------------------------------------------------------------------- identity providers


@click.group()
def idp():
    """OpenID Connect identity providers (per organisation or per tenant)."""


@idp.command("add")
@click.argument("key")
@click.option("--name", required=True, help="Shown on the login button.")
@click.option("--issuer", required=True, help="Issuer URL (discovery is read from it).")
@click.option("--client-id", required=True)
@click.option("--secret-env", required=True,
              help="Name of the environment variable holding the client secret.")
@click.option("--scopes", default="openid email profile", show_default=True)
@click.option("--organisation", "organisation_code", help="Organisation code, e.g. KAB.")
@click.option("--tenant", "tenant_slug", help="Tenant slug, e.g. albertslund.")
@with_appcontext
def idp_add(key, name, issuer, client_id, secret_env, scopes, organisation_code, tenant_slug):
    """Add (or update) an identity provider; the secret stays in the environment."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import IdentityProvider
    from core.organisations.models import Organisation
    from core.tenants.models import Tenant

    if not (organisation_code or tenant_slug):
        raise click.UsageError("give --organisation or --tenant (or both)")
    if "openid" not in scopes.split():
        raise click.UsageError("--scopes must include openid")
    org = tenant = None
    if organisation_code:
        org = db.session.scalar(sa.select(Organisation).filter_by(code=organisation_code))
        if org is None:
            raise click.ClickException(f"no organisation {organisation_code}")
    if tenant_slug:
        tenant = db.session.scalar(sa.select(Tenant).filter_by(slug=tenant_slug))
        if tenant is None:
            raise click.ClickException(f"no tenant {tenant_slug}")
    provider = db.session.scalar(sa.select(IdentityProvider).filter_by(key=key))
    if provider is None:
        provider = IdentityProvider(key=key)
        db.session.add(provider)
    provider.name, provider.issuer, provider.client_id = name, issuer.rstrip("/"), client_id
    provider.client_secret_env, provider.scopes = secret_env, scopes
    provider.organisation_id = org.id if org else None
    provider.tenant_id = tenant.id if tenant else None
    provider.is_enabled = True
    db.session.commit()
    if not os.environ.get(secret_env):
        click.echo(f"warning: {secret_env} is not set in this environment", err=True)
    click.echo(f"identity provider {key}: login at /api/v1/auth/oidc/{key}/login")


@idp.command("list")
@with_appcontext
def idp_list():
    """List the identity providers."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import IdentityProvider

    for p in db.session.scalars(sa.select(IdentityProvider).order_by(IdentityProvider.key)):
        state = "enabled" if p.is_enabled else "disabled"
        click.echo(f"{p.key}\t{p.issuer}\t{p.client_id}\t${p.client_secret_env}\t{state}")
