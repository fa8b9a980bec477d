"""``kommissorium search …``: (re)building the search index from the data (registered by
core/cli.py). Writes index themselves as they happen; this is for data written before the
index existed, or a restore."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group()
def search():
    """The search index."""


@search.command("reindex")
@click.option("--tenant", "slugs", multiple=True, help="Only this tenant (repeatable).")
@click.option("--missing", is_flag=True, help="Only meetings and proposals with no row yet.")
@with_appcontext
def search_reindex(slugs: tuple[str, ...], missing: bool):
    """Index every meeting and proposal again (their items, minutes, hearing answers and
    attachments' text)."""
    from core.schema import ensure_migrated
    from core.search import index
    from core.search.operations import tenant_ids

    ensure_migrated()
    ids = None
    if slugs:
        found = tenant_ids(list(slugs))
        unknown = sorted(set(slugs) - set(found))
        if unknown:
            raise click.ClickException(f"no tenant {', '.join(unknown)}")
        ids = list(found.values())
    done = index.reindex(ids, missing_only=missing)
    click.echo(f"indexed {done} meetings and proposals")
