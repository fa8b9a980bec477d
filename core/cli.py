"""The ``kommissorium`` command: database, tenants, users and the demo.

``kommissorium db upgrade`` migrates (Flask-Migrate); ``kommissorium tenants sync``
loads tenant files; ``kommissorium demo`` sets up and serves the four demo tenants.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from core import create_app

DEMO_PASSWORD = "demo"


def _create_app():
    return create_app(check_schema=False)


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main():
    """Kommissorium: governance of social-housing master plans."""


# ---------------------------------------------------------------------------- tenants


@main.group()
def tenants():
    """Tenant files: load and check them."""


def _paths(path: str | None) -> list[Path]:
    from core.tenants.filespec import tenant_files

    target = Path(path or current_app.config["TENANTS_DIR"])
    if target.is_dir():
        files = tenant_files(target)
        if not files:
            raise click.ClickException(f"no tenant files (*.toml) in {target}")
        return files
    return [target]


@tenants.command("sync")
@click.argument("path", required=False)
@with_appcontext
def tenants_sync(path: str | None):
    """Load tenant files (a file, or every *.toml in a folder; default: tenants/).

    Idempotent: a second run changes nothing. A file with problems changes nothing. What a
    file no longer names (a body, a seat) is ended, never deleted, and listed; every change
    is written to the tenant's audit log. ``tenants prune`` removes ended rows without
    history."""
    from core.extensions import db
    from core.schema import ensure_migrated
    from core.tenants.filespec import TenantFileError
    from core.tenants.operations import sync_tenant_file

    ensure_migrated()
    host = current_app.extensions["kommissorium.host"]
    failed = False
    for file in _paths(path):
        try:
            report = sync_tenant_file(file, host)
            db.session.commit()
        except TenantFileError as exc:
            db.session.rollback()
            click.echo(str(exc), err=True)
            failed = True
            continue
        except Exception:
            db.session.rollback()
            raise
        click.echo(str(report))
    if failed:
        sys.exit(1)


@tenants.command("prune")
@click.argument("slug")
@click.option("--confirm", is_flag=True,
              help="Remove what is listed; without it, nothing is removed.")
@with_appcontext
def tenants_prune(slug: str, confirm: bool):
    """List the ended bodies and seats of tenant SLUG that have no history (no meetings,
    attendance, proposals …); with --confirm, remove them, each removal audited.

    Rows with history are never removed: they stay ended."""
    from core.extensions import db
    from core.schema import ensure_migrated
    from core.tenants.operations import prune_tenant

    ensure_migrated()
    try:
        report = prune_tenant(slug, confirm=confirm)
        if confirm:
            db.session.commit()
        else:
            db.session.rollback()  # a listing writes nothing
    except LookupError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except Exception:
        db.session.rollback()
        raise
    click.echo(str(report))


@tenants.command("check")
@click.argument("path", required=False)
@with_appcontext
def tenants_check(path: str | None):
    """Check tenant files without loading them."""
    from core.tenants.filespec import TenantFileError, read_tenant_file

    host = current_app.extensions["kommissorium.host"]
    failed = False
    for file in _paths(path):
        try:
            read_tenant_file(file, host)
            click.echo(f"{file}: ok")
        except TenantFileError as exc:
            click.echo(str(exc), err=True)
            failed = True
    if failed:
        sys.exit(1)


# ---------------------------------------------------------------------------- users


@main.group()
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


@main.group()
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


# ---------------------------------------------------------------------------- audit


@main.group()
def audit():
    """The audit log of votes, outcomes and changes."""


def _tenant_slugs() -> dict[int, str]:
    import sqlalchemy as sa

    from core.extensions import db
    from core.schema import ensure_migrated
    from core.tenants.models import Tenant

    ensure_migrated()
    return dict(db.session.execute(sa.select(Tenant.id, Tenant.slug)).all())


@audit.command("head")
@with_appcontext
def audit_head():
    """Print each tenant's latest audit entry as ``SLUG SEQ HASH``.

    Keep the output outside the database (an operator's log, a mail, a ticket): a later
    ``audit verify --anchor FILE`` then also detects a chain rewritten as a whole, hashes
    recomputed, which the chain alone cannot."""
    from core.audit.operations import heads

    slugs = _tenant_slugs()
    for a in heads():
        click.echo(f"{slugs.get(a.tenant_id, a.tenant_id)} {a.seq} {a.hash}")


def _read_anchors(path: str, slugs: dict[int, str]):
    from core.audit.operations import Anchor

    ids = {s: i for i, s in slugs.items()}
    anchors = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 3 or not parts[1].isdigit() or len(parts[2]) != 64:
                raise click.ClickException(f"{path}:{n}: expected 'SLUG SEQ HASH' as printed by 'audit head'")
            if parts[0] not in ids:
                raise click.ClickException(f"{path}:{n}: no tenant {parts[0]}")
            anchors.append(Anchor(ids[parts[0]], int(parts[1]), parts[2]))
    return anchors


@audit.command("verify")
@click.option("--tenant", "slug", help="Verify one tenant's chain only (its slug).")
@click.option("--anchor", "anchor_file", type=click.Path(exists=True, dir_okay=False),
              help="A file of 'SLUG SEQ HASH' lines printed earlier by 'audit head'.")
@with_appcontext
def audit_verify(slug: str | None, anchor_file: str | None):
    """Recompute every tenant's hash chain and report the first broken link of each;
    compare every stored vote and every closed motion's result and outcome with the audit
    log and name each row that differs (table, id, field, the table's and the log's value);
    with ``--anchor``, also check that each recorded head is still in the chain.

    Exit status 1 if any chain is broken, any row differs or any anchor does not match."""
    from core.audit.operations import check_anchor, verify
    from core.decisions.operations import audit_mismatches

    slugs = _tenant_slugs()
    ids = None
    if slug is not None:
        ids = [i for i, s in slugs.items() if s == slug]
        if not ids:
            raise click.ClickException(f"no tenant {slug}")
    reports = verify(ids)
    if not reports:
        click.echo("no audit entries")
    failed = False
    checked = {r.tenant_id for r in reports}
    for tenant_id in sorted(checked | set(ids or slugs)):
        name = slugs.get(tenant_id, str(tenant_id))
        r = next((r for r in reports if r.tenant_id == tenant_id), None)
        if r is not None and r.ok:
            click.echo(f"{name}: {r.entries} entries, chain intact")
        elif r is not None:
            failed = True
            click.echo(f"{name}: chain broken at entry {r.broken_at_seq} (id {r.entry_id}): "
                       f"{r.problem}", err=True)
        mismatches = audit_mismatches(tenant_id)
        for m in mismatches:
            click.echo(f"{name}: differs from the audit log: {m}", err=True)
        if mismatches:
            failed = True
        elif r is not None:
            click.echo(f"{name}: votes and outcomes agree with the audit log")
    for a in _read_anchors(anchor_file, slugs) if anchor_file else []:
        if slug is not None and slugs[a.tenant_id] != slug:
            continue
        problem = check_anchor(a)
        if problem:
            failed = True
            click.echo(f"{slugs[a.tenant_id]}: {problem}", err=True)
        else:
            click.echo(f"{slugs[a.tenant_id]}: anchor at entry {a.seq} matches")
    if failed:
        sys.exit(1)


# ---------------------------------------------------------------------------- demo


def demo_logins() -> list[tuple[str, str, str]]:
    """(tenant, name, email) of each tenant's demo secretary."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.identity.models import User
    from core.tenancy import all_tenants
    from core.tenants.models import Tenant, TenantAdmin

    with all_tenants():
        rows = db.session.execute(
            sa.select(Tenant.name, User.name, User.email)
            .join(TenantAdmin, TenantAdmin.tenant_id == Tenant.id)
            .join(User, User.id == TenantAdmin.user_id)
            .order_by(Tenant.name)
        ).all()
    return [tuple(r) for r in rows]


@main.command("demo")
@click.option("--host", "bind", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Set up the demo data, do not serve.")
@with_appcontext
def demo(bind: str, port: int, no_serve: bool):
    """Migrate the database, load the four demo tenants, and serve."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from core.extensions import db
    from core.identity.models import User
    from core.identity.passwords import hash_password

    Path(current_app.config["TENANTS_DIR"]).mkdir(parents=True, exist_ok=True)
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade(revision="heads")
    ctx = click.get_current_context()
    ctx.invoke(tenants_sync, path=None)
    hashed = hash_password(DEMO_PASSWORD)
    for user in db.session.scalars(sa.select(User).where(User.password_hash.is_(None))):
        user.password_hash = hashed
    db.session.commit()
    from core.demo import seed_demo_year

    for slug, what in seed_demo_year().items():
        click.echo(f"  demo year {slug}: {what}")

    click.echo("\nDemo logins (password: %s):" % DEMO_PASSWORD)
    for tenant, name, email in demo_logins():
        click.echo(f"  {tenant:<24} {email:<44} ({name}, secretariat)")
    if no_serve:
        return
    click.echo(f"\nServing on http://{bind}:{port}  (API docs: http://{bind}:{port}/api/v1/docs)\n")
    _serve(create_app(), bind, port)


def _serve(app, bind: str, port: int) -> None:
    # app.run() is a no-op inside a Flask CLI command; serve with werkzeug directly.
    from werkzeug.serving import run_simple

    run_simple(bind, port, app, threaded=True, use_reloader=False, use_debugger=False)


@main.command("serve")
@click.option("--host", "bind", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(bind: str, port: int):
    """Serve the application (development server; use gunicorn in production)."""
    from core.schema import SchemaNotMigrated

    try:
        app = create_app()
    except SchemaNotMigrated as exc:  # names the command to run
        raise click.ClickException(str(exc)) from None
    _serve(app, bind, port)


@main.command("tick")
@click.option("--now", "at", default=None, help="Pretend it is this ISO time (UTC), e.g. for a dry run.")
@with_appcontext
def tick(at: str | None):
    """Find what is due (agendas, reminders, minutes, approvals), write it to the outbox and
    hand it to delivery. Run it every few minutes (cron, a Kubernetes CronJob); repeating it
    sends nothing twice."""
    from datetime import datetime, timezone

    from core.notifications.operations import tick as run_tick
    from core.schema import ensure_migrated

    ensure_migrated()
    now = None
    if at:
        now = datetime.fromisoformat(at)
        now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    # Hearing reminders (VEJ-6) go to the outbox first, so this tick delivers them too.
    from core.proposals.tasks import write_due_hearing_reminders

    reminders = write_due_hearing_reminders(now.isoformat() if now else None)
    click.echo(f"hearing reminders: {reminders}")
    click.echo(str(run_tick(now)))
    # Answers to Idempotency-Keys past their replay window are replayed no more: drop them.
    from core import transactions
    from core.extensions import db

    forgotten = transactions.forget_expired(current_app.config["IDEMPOTENCY_KEY_HOURS"])
    db.session.commit()
    click.echo(f"expired idempotency keys removed: {forgotten}")


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool):
    """Run an rq worker for the background jobs (needs REDIS_URL)."""
    from rq import Worker

    from core.jobs import queue

    q = queue()
    if q is None:
        raise click.ClickException("REDIS_URL is not set: jobs run in-process, no worker is needed")
    Worker([q], connection=q.connection).work(burst=burst, with_scheduler=True)


# ---------------------------------------------------------------------------- ops


@main.group()
def ops():
    """Operator tooling (deploy/, docs/operations.md)."""


@ops.command("citus-plan")
@with_appcontext
def ops_citus_plan():
    """Print the SQL that distributes the tenant-scoped tables by tenant_id on Citus.

    Generated from the models: every table with a tenant_id column is distributed, every
    other table becomes a reference table (deploy/citus/README.md)."""
    from core.extensions import db
    from core.ops.citus import CitusPlanError, plan
    from core.schema import heads

    try:
        result = plan(db.metadata)
    except CitusPlanError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(result.sql(header=f"for migration head {', '.join(sorted(heads()))}"), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
