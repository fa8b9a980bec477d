"""``kommissorium audit …``: the audit chains' heads and their verification against
anchors written earlier (registered by core/cli.py)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.group()
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
