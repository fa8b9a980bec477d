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
from core.audit import cli as audit_cli
from core.identity import cli as identity_cli
from core.search import cli as search_cli

DEMO_PASSWORD = "demo"


def _create_app():
    return create_app(check_schema=False)


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main():
    """Kommissorium: governance of social-housing master plans."""


# A feature's own commands live beside it (core/<feature>/cli.py).
main.add_command(identity_cli.users)
main.add_command(identity_cli.idp)
main.add_command(audit_cli.audit)
main.add_command(search_cli.search)


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
@click.option("--yes", "-y", is_flag=True, help="Apply the changes without asking (for scripts).")
@click.option("--prefer-file", is_flag=True,
              help="Let the file win over changes made in the browser since the last sync.")
@with_appcontext
def tenants_sync(path: str | None, yes: bool, prefer_file: bool):
    """Load tenant files (a file, or every *.toml in a folder; default: tenants/).

    Shows each file's changes and asks before applying them (--yes: without asking). Refuses
    a file that would undo a change made in the browser since the last sync, naming each
    conflict (--prefer-file: the file wins). Idempotent: a second run changes nothing. A
    file with problems changes nothing. What a file no longer names (a body, a seat) is
    ended, never deleted, and listed; every change is written to the tenant's audit log.
    ``tenants prune`` removes ended rows without history."""
    from core.extensions import db
    from core.schema import ensure_migrated
    from core.tenants.filespec import TenantFileError
    from core.tenants.operations import sync_tenant_file
    from core.tenants.sync_state import SyncConflict

    ensure_migrated()
    host = current_app.extensions["kommissorium.host"]
    failed = False
    for file in _paths(path):
        try:
            report = sync_tenant_file(file, host, prefer_file=prefer_file)
        except (TenantFileError, SyncConflict) as exc:
            db.session.rollback()
            click.echo(str(exc), err=True)
            failed = True
            continue
        except Exception:
            db.session.rollback()
            raise
        click.echo(str(report))
        if report.changed and not yes and not _confirmed(f"Apply these changes to {report.tenant}?"):
            db.session.rollback()
            click.echo(f"{report.tenant}: not applied, nothing changed (--yes applies without asking)")
            failed = True
            continue
        db.session.commit()
    if failed:
        sys.exit(1)


def _confirmed(question: str) -> bool:
    try:
        return click.confirm(question, default=False)
    except click.Abort:  # no answer (no terminal): not applied
        click.echo()
        return False


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
    from core.tenants.history import prune_tenant

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


@tenants.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the file here (default: the standard output).")
@with_appcontext
def tenants_export(slug: str, output: Path | None):
    """Write tenant SLUG's current state as a tenant file: ``tenants sync`` of it changes
    nothing. Bodies and seats that have ended are history and not written."""
    from core.extensions import db
    from core.schema import ensure_migrated
    from core.tenants.export import export_tenant

    ensure_migrated()
    try:
        text = export_tenant(slug)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.session.rollback()  # an export reads only
    if output is None:
        click.echo(text, nl=False)
        return
    partial = output.with_name(output.name + ".partial")  # never a half-written file
    partial.write_text(text, encoding="utf-8")
    partial.replace(output)
    click.echo(f"wrote {output}")


# ---------------------------------------------------------------------------- demo


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(tenant, who, name, e-mail) of the people to try the demo as: per tenant its
    secretary (the tenant's administrator), the meeting leader and a member of the body its
    demo story runs in (``plugins/<name>/demo.py``: ``MAIN_BODIES``), and once, a KAB person
    who sits in two municipalities."""
    import sqlalchemy as sa

    from core import clock
    from core.bodies.models import Body, Seat, SeatHolding, SeatRole
    from core.demo import _plugin_demo
    from core.extensions import db
    from core.identity.models import Affiliation, User
    from core.organisations.models import Organisation
    from core.tenancy import all_tenants
    from core.tenants.models import Tenant, TenantAdmin

    out = []
    today = clock.today()
    with all_tenants():
        tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.name)).all()
        for tenant in tenants:
            admin = db.session.execute(
                sa.select(User.name, User.email).join(TenantAdmin, TenantAdmin.user_id == User.id)
                .where(TenantAdmin.tenant_id == tenant.id).order_by(User.email).limit(1)).first()
            if admin:
                out.append((tenant.name, "sekretariatet", *admin))
            module = _plugin_demo(list(tenant.plugins or []))
            keys = list(getattr(module, "MAIN_BODIES", []))[:1]
            seats = db.session.scalars(
                sa.select(Seat).join(Body, Body.id == Seat.body_id)
                .where(Body.tenant_id == tenant.id, Body.key.in_(keys), Seat.ended_on.is_(None))
                .order_by(Seat.id)).all()
            seats = [s for s in seats if s.current_holder is not None]
            leader = next((s for s in seats if s.role is SeatRole.MEETING_LEADER), None) or next(
                (s for s in seats if s.role is SeatRole.CHAIR), None)
            member = next((s for s in seats if s.role is SeatRole.MEMBER and s.is_voting), None)
            for who, seat in (("mødeleder", leader), ("medlem", member)):
                if seat is not None:
                    out.append((tenant.name, f"{who}, {seat.body.name}", seat.current_holder.name,
                                seat.current_holder.email))
        # A KAB person with seats in two (or more) municipalities.
        rows = db.session.execute(
            sa.select(User.name, User.email, sa.func.count(sa.distinct(Seat.tenant_id)))
            .join(SeatHolding, sa.and_(SeatHolding.holder_id == User.id,
                                       SeatHolding.valid_on_sql(today)))
            .join(Seat, Seat.id == SeatHolding.seat_id)
            .join(Affiliation, sa.and_(Affiliation.user_id == User.id, Affiliation.current_sql()))
            .join(Organisation, Organisation.id == Affiliation.organisation_id)
            .where(Organisation.code == "KAB", Seat.ended_on.is_(None))
            .group_by(User.id, User.name, User.email)
            .having(sa.func.count(sa.distinct(Seat.tenant_id)) >= 2)
            .order_by(User.email).limit(1)).first()
        if rows:
            out.append(("", f"KAB, {rows[2]} kommuner", rows[0], rows[1]))
    return out


@main.command("demo")
@click.option("--host", "bind", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Set up the demo data, do not serve.")
@with_appcontext
def demo(bind: str, port: int, no_serve: bool):
    """Migrate the database, load the four demo tenants, and serve."""
    import logging

    Path(current_app.config["TENANTS_DIR"]).mkdir(parents=True, exist_ok=True)
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # Setting up says what it did in a line per step: not Alembic's line per migration, nor
    # a request log line per call the stories make through the API (hundreds). Warnings
    # still show; the server logs its requests once it serves.
    logging.disable(logging.INFO)
    try:
        _set_up_demo()
    finally:
        logging.disable(logging.NOTSET)
    if no_serve:
        return
    config = demo_config(bind, port, os.environ)
    click.echo(f"\nServing on {config['PUBLIC_URL']}  (API docs: {config['PUBLIC_URL']}/api/v1/docs)"
               + ("; mails are printed here as they are sent" if config["NOTIFY_AT_ONCE"] else "")
               + "\n")
    _serve(create_app(config), bind, port)


def demo_config(bind: str, port: int, environ) -> dict:
    """The served demo's settings: mails sent at once (unless ``NOTIFY_AT_ONCE=0``), and the
    links in them to the address it serves on (``--host``/``--port``) unless ``PUBLIC_URL``
    says otherwise."""
    host = "127.0.0.1" if bind in ("0.0.0.0", "::", "") else bind
    if ":" in host:
        host = f"[{host}]"
    return {"NOTIFY_AT_ONCE": environ.get("NOTIFY_AT_ONCE", "1") == "1",
            "PUBLIC_URL": environ.get("PUBLIC_URL") or f"http://{host}:{port}"}


def _set_up_demo() -> None:
    """Migrate, load the tenant files, give everyone the demo password, play each tenant's
    year and print the logins to try."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from core.extensions import db
    from core.identity.models import User
    from core.identity.passwords import hash_password

    upgrade(revision="heads")
    click.echo("  database: migrated")
    from core.tenants.operations import sync_tenant_file

    host = current_app.extensions["kommissorium.host"]
    from core.tenants.sync_state import SyncConflict

    for file in _paths(None):  # one line per tenant, not one per seat (tenants sync lists all)
        try:
            report = sync_tenant_file(file, host)
        except SyncConflict as exc:  # changed in the browser since: the demo keeps it
            db.session.rollback()
            click.echo(f"  {exc.tenant}: kept {len(exc.conflicts)} change(s) made in the browser "
                       "('kommissorium tenants sync' lists them)")
            continue
        db.session.commit()
        click.echo(f"  {report.summary()}")
    hashed = hash_password(DEMO_PASSWORD)
    for user in db.session.scalars(sa.select(User).where(User.password_hash.is_(None))):
        user.password_hash = hashed
    db.session.commit()
    from core.demo import seed_demo_year

    for slug, what in seed_demo_year().items():
        click.echo(f"  demo year {slug}: {what}")
    from core.search.index import reindex

    # Written through the features, the demo year is indexed as it is written; a database
    # made before the search existed gets its index here (kommissorium search reindex).
    indexed = reindex(missing_only=True)
    if indexed:
        click.echo(f"  search index: {indexed} meetings and proposals indexed")

    click.echo("\nDemo logins (password: %s):" % DEMO_PASSWORD)
    for tenant, who, name, email in demo_logins():
        click.echo(f"  {tenant:<20} {email:<46} {name} ({who})")


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
    # Hearing reminders (CORE-HEARING) go to the outbox first, so this tick delivers them too.
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
    from core.jobs import Worker, queue

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
